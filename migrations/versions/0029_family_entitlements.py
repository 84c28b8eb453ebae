"""Family entitlements (docs/subsidies.md, "Family entitlements"): the child's declared
subsidy city (a nullable column added in place, never a rebuild of `child`), and the
families' allowance applications with at most one open per child and scheme.

Revision ID: 0029
Revises: 0028
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('child', sa.Column('subsidy_city', sa.String(length=40), nullable=True))
    op.create_table('allowance_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.String(length=8), nullable=False),
    sa.Column('city', sa.String(length=40), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('status_on', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("scheme IN ('national', 'city')", name=op.f('ck_allowance_application_scheme')),
    sa.CheckConstraint("status IN ('applied', 'approved', 'paid', 'rejected')", name=op.f('ck_allowance_application_status')),
    sa.CheckConstraint('status_on >= applied_on', name=op.f('ck_allowance_application_status_after_applied')),
    sa.CheckConstraint('amount_fen IS NULL OR amount_fen >= 0', name=op.f('ck_allowance_application_amount_nonnegative')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_allowance_application_child_id_child')),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_allowance_application_recorded_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_application'))
    )
    op.create_index(op.f('ix_allowance_application_child_id'), 'allowance_application', ['child_id'], unique=False)
    op.create_index('uq_allowance_application_open', 'allowance_application', ['child_id', 'scheme'], unique=True,
                    sqlite_where=sa.text("status IN ('applied', 'approved')"),
                    postgresql_where=sa.text("status IN ('applied', 'approved')"))


def downgrade():
    op.drop_index('uq_allowance_application_open', table_name='allowance_application')
    op.drop_index(op.f('ix_allowance_application_child_id'), table_name='allowance_application')
    op.drop_table('allowance_application')
    if op.get_bind().dialect.name == "sqlite":  # in place: never a rebuild of child
        op.execute("ALTER TABLE child DROP COLUMN subsidy_city")
    else:
        op.drop_column('child', 'subsidy_city')
