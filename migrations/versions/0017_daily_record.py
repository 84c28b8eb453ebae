"""the daily record (家托共育): meals, naps, toileting, mood, notes and photos per child per day

One table of timestamped entries, each tied to the child and the enrolment of the centre that
recorded it. A partial unique index keeps one open nap per enrolment.

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('daily_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('reservation_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('meal', sa.String(length=16), nullable=True),
    sa.Column('amount', sa.String(length=8), nullable=True),
    sa.Column('toilet', sa.String(length=12), nullable=True),
    sa.Column('mood', sa.String(length=8), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('photo_path', sa.String(length=200), nullable=True),
    sa.Column('photo_type', sa.String(length=40), nullable=True),
    sa.Column('photo_size', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.Column('changed_at', booking.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('meal', 'nap', 'toilet', 'mood', 'note', 'photo')", name=op.f('ck_daily_entry_kind')),
    sa.CheckConstraint("meal IS NULL OR meal IN ('breakfast', 'morning_snack', 'lunch', 'afternoon_snack', 'dinner')", name=op.f('ck_daily_entry_meal')),
    sa.CheckConstraint("amount IS NULL OR amount IN ('none', 'some', 'most', 'all')", name=op.f('ck_daily_entry_amount')),
    sa.CheckConstraint("toilet IS NULL OR toilet IN ('wet', 'dirty', 'dry', 'potty_wee', 'potty_poo')", name=op.f('ck_daily_entry_toilet')),
    sa.CheckConstraint("mood IS NULL OR mood IN ('happy', 'calm', 'tired', 'fussy', 'upset')", name=op.f('ck_daily_entry_mood')),
    sa.CheckConstraint("kind != 'meal' OR (meal IS NOT NULL AND amount IS NOT NULL)", name=op.f('ck_daily_entry_meal_complete')),
    sa.CheckConstraint("kind != 'toilet' OR toilet IS NOT NULL", name=op.f('ck_daily_entry_toilet_complete')),
    sa.CheckConstraint("kind != 'mood' OR mood IS NOT NULL", name=op.f('ck_daily_entry_mood_complete')),
    sa.CheckConstraint("kind != 'note' OR note IS NOT NULL", name=op.f('ck_daily_entry_note_complete')),
    sa.CheckConstraint("kind != 'photo' OR (photo_path IS NOT NULL AND photo_size > 0)", name=op.f('ck_daily_entry_photo_complete')),
    sa.CheckConstraint("ends_at IS NULL OR (kind = 'nap' AND ends_at >= at)", name=op.f('ck_daily_entry_nap_end')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_daily_entry_child_id_child')),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservation.id'], name=op.f('fk_daily_entry_reservation_id_reservation')),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_daily_entry_recorded_by_app_user')),
    sa.ForeignKeyConstraint(['changed_by'], ['app_user.id'], name=op.f('fk_daily_entry_changed_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_entry'))
    )
    op.create_index('ix_daily_entry_reservation_day', 'daily_entry', ['reservation_id', 'on_date'])
    op.create_index('ix_daily_entry_child_day', 'daily_entry', ['child_id', 'on_date'])
    op.create_index('uq_daily_entry_open_nap', 'daily_entry', ['reservation_id'], unique=True,
                    sqlite_where=sa.text("kind = 'nap' AND ends_at IS NULL"),
                    postgresql_where=sa.text("kind = 'nap' AND ends_at IS NULL"))


def downgrade():
    op.drop_index('uq_daily_entry_open_nap', table_name='daily_entry')
    op.drop_index('ix_daily_entry_child_day', table_name='daily_entry')
    op.drop_index('ix_daily_entry_reservation_day', table_name='daily_entry')
    op.drop_table('daily_entry')
