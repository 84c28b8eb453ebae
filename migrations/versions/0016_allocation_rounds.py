"""allocation rounds (统一派位): rounds, their slots, applications with ranked choices

`waitlist_entry.round_id`: a wait made by a round's draw for a choice ranked above what the
family got; such waits come first in the queue. A plain ADD COLUMN on SQLite: a batch rebuild
of `waitlist_entry` would re-create its partial unique index from reflection.

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('allocation_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('opens_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('closes_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('max_choices', sa.Integer(), nullable=False),
    sa.Column('tiers', sa.Text(), nullable=False),
    sa.Column('offer_days', sa.Integer(), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=True),
    sa.Column('seed_sha256', sa.String(length=64), nullable=True),
    sa.Column('inputs_sha256', sa.String(length=64), nullable=True),
    sa.Column('publication', sa.Text(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('opened_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('closed_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('drawn_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint("status IN ('draft', 'open', 'closed', 'drawn')", name=op.f('ck_allocation_round_status')),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_allocation_round_window_order')),
    sa.CheckConstraint('max_choices BETWEEN 1 AND 10', name=op.f('ck_allocation_round_max_choices_range')),
    sa.CheckConstraint('offer_days BETWEEN 1 AND 60', name=op.f('ck_allocation_round_offer_days_range')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_allocation_round_created_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_round'))
    )
    op.create_table('round_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('derived_tier', sa.String(length=24), nullable=False),
    sa.Column('claimed_tier', sa.String(length=24), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('evidence_status', sa.String(length=10), nullable=True),
    sa.Column('evidence_checked_by', sa.Integer(), nullable=True),
    sa.Column('tier', sa.String(length=24), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('lottery', sa.Float(), nullable=True),
    sa.Column('slot_id', sa.Integer(), nullable=True),
    sa.Column('choice_rank', sa.Integer(), nullable=True),
    sa.Column('submitted_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', booking.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("evidence_status IS NULL OR evidence_status IN ('pending', 'accepted', 'rejected')", name=op.f('ck_round_application_evidence_status')),
    sa.CheckConstraint("status IN ('submitted', 'withdrawn', 'offered', 'unplaced', 'accepted', 'declined')", name=op.f('ck_round_application_status')),
    sa.CheckConstraint('size BETWEEN 1 AND 6', name=op.f('ck_round_application_size_range')),
    sa.ForeignKeyConstraint(['evidence_checked_by'], ['app_user.id'], name=op.f('fk_round_application_evidence_checked_by_app_user')),
    sa.ForeignKeyConstraint(['parent_id'], ['app_user.id'], name=op.f('fk_round_application_parent_id_app_user')),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_round.id'], name=op.f('fk_round_application_round_id_allocation_round')),
    sa.ForeignKeyConstraint(['slot_id'], ['slot.id'], name=op.f('fk_round_application_slot_id_slot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_application'))
    )
    with op.batch_alter_table('round_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_application_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_application_round_id'), ['round_id'], unique=False)

    op.create_table('round_slot',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_round.id'], name=op.f('fk_round_slot_round_id_allocation_round')),
    sa.ForeignKeyConstraint(['slot_id'], ['slot.id'], name=op.f('fk_round_slot_slot_id_slot')),
    sa.PrimaryKeyConstraint('round_id', 'slot_id', name=op.f('pk_round_slot'))
    )
    with op.batch_alter_table('round_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_slot_slot_id'), ['slot_id'], unique=False)

    op.create_table('application_child',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('reservation_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['round_application.id'], name=op.f('fk_application_child_application_id_round_application')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_application_child_child_id_child')),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservation.id'], name=op.f('fk_application_child_reservation_id_reservation')),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_round.id'], name=op.f('fk_application_child_round_id_allocation_round')),
    sa.PrimaryKeyConstraint('round_id', 'child_id', name=op.f('pk_application_child'))
    )
    with op.batch_alter_table('application_child', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_child_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_child_child_id'), ['child_id'], unique=False)

    op.create_table('application_choice',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('rank >= 1', name=op.f('ck_application_choice_rank_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['round_application.id'], name=op.f('fk_application_choice_application_id_round_application')),
    sa.ForeignKeyConstraint(['slot_id'], ['slot.id'], name=op.f('fk_application_choice_slot_id_slot')),
    sa.PrimaryKeyConstraint('application_id', 'rank', name=op.f('pk_application_choice')),
    sa.UniqueConstraint('application_id', 'slot_id', name='uq_application_choice_slot')
    )
    with op.batch_alter_table('application_choice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_choice_slot_id'), ['slot_id'], unique=False)

    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds the key only with the column
        op.execute("ALTER TABLE waitlist_entry ADD COLUMN round_id INTEGER "
                   "CONSTRAINT fk_waitlist_entry_round_id_allocation_round "
                   "REFERENCES allocation_round (id)")
    else:
        op.add_column('waitlist_entry', sa.Column('round_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_waitlist_entry_round_id_allocation_round', 'waitlist_entry',
                              'allocation_round', ['round_id'], ['id'])
    op.create_index('ix_waitlist_entry_round_id', 'waitlist_entry', ['round_id'])


def downgrade():
    op.drop_index('ix_waitlist_entry_round_id', table_name='waitlist_entry')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_waitlist_entry_round_id_allocation_round', 'waitlist_entry',
                           type_='foreignkey')
    op.drop_column('waitlist_entry', 'round_id')

    with op.batch_alter_table('application_choice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_choice_slot_id'))

    op.drop_table('application_choice')
    with op.batch_alter_table('application_child', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_child_child_id'))
        batch_op.drop_index(batch_op.f('ix_application_child_application_id'))

    op.drop_table('application_child')
    with op.batch_alter_table('round_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_slot_slot_id'))

    op.drop_table('round_slot')
    with op.batch_alter_table('round_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_application_round_id'))
        batch_op.drop_index(batch_op.f('ix_round_application_parent_id'))

    op.drop_table('round_application')
    op.drop_table('allocation_round')
