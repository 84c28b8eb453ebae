"""complaints (社会监督, Xi'an §17): the public's complaints about a centre, handled by the
regulators of its district with working-day deadlines (docs/complaints.md).

One new table; nothing existing is altered.

Revision ID: 0026
Revises: 0023
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('complainant_user_id', sa.Integer(), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('contact', sa.String(length=120), nullable=True),
    sa.Column('tracking_code', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('received_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('asked_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('account_due_on', sa.Date(), nullable=True),
    sa.Column('account', sa.Text(), nullable=True),
    sa.Column('answered_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('outcome_text', sa.Text(), nullable=True),
    sa.Column('closed_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("category IN ('safety', 'health', 'fees', 'care', 'staffing', 'other')", name=op.f('ck_complaint_category')),
    sa.CheckConstraint("status IN ('received', 'centre_asked', 'answered', 'closed')", name=op.f('ck_complaint_status')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('upheld', 'partly_upheld', 'not_upheld')", name=op.f('ck_complaint_outcome')),
    sa.CheckConstraint("(status = 'closed') = (outcome IS NOT NULL)", name=op.f('ck_complaint_closed_has_outcome')),
    sa.CheckConstraint('anonymous = false OR contact IS NOT NULL', name=op.f('ck_complaint_anonymous_has_contact')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_complaint_centre_id_centre')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_complaint_district_id_district')),
    sa.ForeignKeyConstraint(['complainant_user_id'], ['app_user.id'], name=op.f('fk_complaint_complainant_user_id_app_user')),
    sa.ForeignKeyConstraint(['answered_by'], ['app_user.id'], name=op.f('fk_complaint_answered_by_app_user')),
    sa.ForeignKeyConstraint(['closed_by'], ['app_user.id'], name=op.f('fk_complaint_closed_by_app_user')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_complaint_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint')),
    sa.UniqueConstraint('tracking_code', name=op.f('uq_complaint_tracking_code'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_complainant_user_id'), ['complainant_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_status'), ['status'], unique=False)


def downgrade():
    op.drop_table('complaint')
