"""Centre subsidy claims (docs/subsidies.md): one claim per centre and month, one line per
centre, child and month at most. Two new tables; nothing existing is altered.

Revision ID: 0028
Revises: 0027
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subsidy_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('operating_fen', sa.Integer(), nullable=False),
    sa.Column('sibling_reward_fen', sa.Integer(), nullable=False),
    sa.Column('construction_places', sa.Integer(), nullable=False),
    sa.Column('construction_fen', sa.Integer(), nullable=False),
    sa.Column('total_fen', sa.Integer(), nullable=False),
    sa.Column('approved_fen', sa.Integer(), nullable=True),
    sa.Column('generated_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('submitted_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(status = 'approved') = (approved_fen IS NOT NULL)", name=op.f('ck_subsidy_claim_approved_amount')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'approved', 'returned', 'rejected')", name=op.f('ck_subsidy_claim_status')),
    sa.CheckConstraint("status NOT IN ('returned', 'rejected') OR decision_reason IS NOT NULL", name=op.f('ck_subsidy_claim_reason_given')),
    sa.CheckConstraint('length(month) = 7', name=op.f('ck_subsidy_claim_month_format')),
    sa.CheckConstraint('operating_fen >= 0 AND sibling_reward_fen >= 0 AND construction_fen >= 0 AND construction_places >= 0', name=op.f('ck_subsidy_claim_amounts_nonnegative')),
    sa.CheckConstraint('total_fen = operating_fen + sibling_reward_fen + construction_fen', name=op.f('ck_subsidy_claim_total_is_sum')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_subsidy_claim_centre_id_centre')),
    sa.ForeignKeyConstraint(['decided_by'], ['app_user.id'], name=op.f('fk_subsidy_claim_decided_by_app_user')),
    sa.ForeignKeyConstraint(['submitted_by'], ['app_user.id'], name=op.f('fk_subsidy_claim_submitted_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_claim')),
    sa.UniqueConstraint('centre_id', 'month', name='uq_subsidy_claim_centre_month')
    )
    with op.batch_alter_table('subsidy_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_claim_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index('ix_subsidy_claim_status_month', ['status', 'month'], unique=False)

    op.create_table('subsidy_claim_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('reservation_id', sa.Integer(), nullable=True),
    sa.Column('slot_id', sa.Integer(), nullable=True),
    sa.Column('days_enrolled', sa.Integer(), nullable=False),
    sa.Column('days_attended', sa.Integer(), nullable=False),
    sa.Column('open_days', sa.Integer(), nullable=False),
    sa.Column('operating_fen', sa.Integer(), nullable=False),
    sa.Column('sibling_reduction_fen', sa.Integer(), nullable=False),
    sa.Column('sibling_reward_fen', sa.Integer(), nullable=False),
    sa.CheckConstraint('days_enrolled >= 0 AND days_attended >= 0 AND open_days >= 0', name=op.f('ck_subsidy_claim_line_days_nonnegative')),
    sa.CheckConstraint('length(month) = 7', name=op.f('ck_subsidy_claim_line_month_format')),
    sa.CheckConstraint('operating_fen >= 0 AND sibling_reduction_fen >= 0 AND sibling_reward_fen >= 0', name=op.f('ck_subsidy_claim_line_amounts_nonnegative')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_subsidy_claim_line_centre_id_centre')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_subsidy_claim_line_child_id_child')),
    sa.ForeignKeyConstraint(['claim_id'], ['subsidy_claim.id'], name=op.f('fk_subsidy_claim_line_claim_id_subsidy_claim'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservation.id'], name=op.f('fk_subsidy_claim_line_reservation_id_reservation')),
    sa.ForeignKeyConstraint(['slot_id'], ['slot.id'], name=op.f('fk_subsidy_claim_line_slot_id_slot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_claim_line')),
    sa.UniqueConstraint('centre_id', 'child_id', 'month', name='uq_subsidy_claim_line_child_month')
    )
    with op.batch_alter_table('subsidy_claim_line', schema=None) as batch_op:
        batch_op.create_index('ix_subsidy_claim_line_child_month', ['child_id', 'month'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_claim_line_claim_id'), ['claim_id'], unique=False)



def downgrade():
    with op.batch_alter_table('subsidy_claim_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_line_claim_id'))
        batch_op.drop_index('ix_subsidy_claim_line_child_month')

    op.drop_table('subsidy_claim_line')
    with op.batch_alter_table('subsidy_claim', schema=None) as batch_op:
        batch_op.drop_index('ix_subsidy_claim_status_month')
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_centre_id'))

    op.drop_table('subsidy_claim')
