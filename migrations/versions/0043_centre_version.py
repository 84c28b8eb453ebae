"""The centre's version (docs/design.md, "The centre page cache"): `centre.version`, bumped
by every change to the centre or to what its public page shows, read with its slots'
versions as the key of the page cache. One column with a server default: SQLite adds it
without rebuilding the table.

Revision ID: 0043
Revises: 0042
"""
from alembic import op
import sqlalchemy as sa


revision = '0043'
down_revision = '0042'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('centre', sa.Column('version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    op.drop_column('centre', 'version')  # SQLite drops it in place (no table rebuild)
