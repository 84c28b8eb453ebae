"""The sibling reduction granted in a monthly charge, kept on the ledger entry so a centre's
以奖代补 subsidy claim can read it (docs/subsidies.md). One nullable column; nothing rebuilt.

Revision ID: 0030
Revises: 0029
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('ledger_entry', sa.Column('reduction_fen', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_column('reduction_fen')
