"""sessions: care_session (hourly and occasional care, parent–child) and session_booking

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:59:26.573809

"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('care_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('age_band', sa.String(length=12), nullable=False),
    sa.Column('starts_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('price_per_hour_fen', sa.Integer(), nullable=False),
    sa.Column('subsidised', sa.Boolean(), nullable=False),
    sa.Column('pattern_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', booking.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("age_band IN ('infant', 'toddler', 'preschool', 'mixed')", name=op.f('ck_care_session_age_band')),
    sa.CheckConstraint("kind IN ('occasional', 'parent_child')", name=op.f('ck_care_session_kind')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_care_session_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_care_session_ends_after_start')),
    sa.CheckConstraint('price_per_hour_fen >= 0', name=op.f('ck_care_session_price_nonnegative')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_care_session_centre_id_centre')),
    sa.ForeignKeyConstraint(['group_id'], ['centre_group.id'], name=op.f('fk_care_session_group_id_centre_group')),
    sa.ForeignKeyConstraint(['pattern_id'], ['care_session.id'], name=op.f('fk_care_session_pattern_id_care_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_session'))
    )
    with op.batch_alter_table('care_session', schema=None) as batch_op:
        batch_op.create_index('ix_care_session_centre_starts', ['centre_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_session_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_session_pattern_id'), ['pattern_id'], unique=False)
        batch_op.create_index('ix_care_session_starts', ['starts_at'], unique=False)

    op.create_table('session_booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('subsidised', sa.Boolean(), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=200), nullable=True),
    sa.Column('marked_at', booking.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status != 'cancelled' OR cancelled_at IS NOT NULL", name=op.f('ck_session_booking_cancelled_at_set')),
    sa.CheckConstraint("status IN ('booked', 'cancelled', 'attended', 'no_show')", name=op.f('ck_session_booking_status')),
    sa.CheckConstraint('price_fen >= 0', name=op.f('ck_session_booking_price_nonnegative')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_session_booking_child_id_child')),
    sa.ForeignKeyConstraint(['parent_id'], ['app_user.id'], name=op.f('fk_session_booking_parent_id_app_user')),
    sa.ForeignKeyConstraint(['session_id'], ['care_session.id'], name=op.f('fk_session_booking_session_id_care_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_booking'))
    )
    with op.batch_alter_table('session_booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_booking_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_booking_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_session_booking_session_status', ['session_id', 'status'], unique=False)
        batch_op.create_index('uq_session_booking_live_child', ['session_id', 'child_id'], unique=True, sqlite_where=sa.text("status IN ('booked', 'attended', 'no_show')"), postgresql_where=sa.text("status IN ('booked', 'attended', 'no_show')"))



def downgrade():
    with op.batch_alter_table('session_booking', schema=None) as batch_op:
        batch_op.drop_index('uq_session_booking_live_child', sqlite_where=sa.text("status IN ('booked', 'attended', 'no_show')"), postgresql_where=sa.text("status IN ('booked', 'attended', 'no_show')"))
        batch_op.drop_index('ix_session_booking_session_status')
        batch_op.drop_index(batch_op.f('ix_session_booking_parent_id'))
        batch_op.drop_index(batch_op.f('ix_session_booking_child_id'))

    op.drop_table('session_booking')
    with op.batch_alter_table('care_session', schema=None) as batch_op:
        batch_op.drop_index('ix_care_session_starts')
        batch_op.drop_index(batch_op.f('ix_care_session_pattern_id'))
        batch_op.drop_index(batch_op.f('ix_care_session_group_id'))
        batch_op.drop_index('ix_care_session_centre_starts')

    op.drop_table('care_session')
