"""Change filings (变更备案, docs/changes.md): the centre_change table, and three columns of the
centre's record a change may set (approved places, manager, scope of care). Nothing rebuilt.

Revision ID: 0031
Revises: 0030
"""
from alembic import op
import sqlalchemy as sa

from booking.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('submitted', 'returned')")


def upgrade():
    op.add_column('centre', sa.Column('approved_places', sa.Integer(), nullable=True))
    op.add_column('centre', sa.Column('manager_name', sa.String(length=60), nullable=True))
    op.add_column('centre', sa.Column('care_scope', sa.String(length=200), nullable=True))
    op.create_table(
        'centre_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('district_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('items', sa.Text(), nullable=False),
        sa.Column('materials', sa.Text(), nullable=False),
        sa.Column('submitted_by', sa.Integer(), nullable=False),
        sa.Column('submitted_at', UTCDateTime(), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('record_due_on', sa.Date(), nullable=False),
        sa.Column('notice_due_on', sa.Date(), nullable=False),
        sa.Column('provisional', sa.Boolean(), nullable=False),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('submitted', 'approved', 'returned', 'rejected')",
                           name=op.f('ck_centre_change_status')),
        sa.CheckConstraint("status NOT IN ('returned', 'rejected') OR reason IS NOT NULL",
                           name=op.f('ck_centre_change_reason_given')),
        sa.ForeignKeyConstraint(['centre_id'], ['centre.id'],
                                name=op.f('fk_centre_change_centre_id_centre')),
        sa.ForeignKeyConstraint(['district_id'], ['district.id'],
                                name=op.f('fk_centre_change_district_id_district')),
        sa.ForeignKeyConstraint(['submitted_by'], ['app_user.id'],
                                name=op.f('fk_centre_change_submitted_by_app_user')),
        sa.ForeignKeyConstraint(['decided_by'], ['app_user.id'],
                                name=op.f('fk_centre_change_decided_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_change')),
    )
    op.create_index(op.f('ix_centre_change_centre_id'), 'centre_change', ['centre_id'])
    op.create_index(op.f('ix_centre_change_district_id'), 'centre_change', ['district_id'])
    op.create_index(op.f('ix_centre_change_status'), 'centre_change', ['status'])
    op.create_index('uq_centre_change_open', 'centre_change', ['centre_id'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_table('centre_change')
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild of centre would trip over its checks.
    op.drop_column('centre', 'care_scope')
    op.drop_column('centre', 'manager_name')
    op.drop_column('centre', 'approved_places')
