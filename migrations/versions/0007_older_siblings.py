"""older siblings a parent declares (second/third-child fee reduction)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 13:38:05.273117

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

CHECK = "older_siblings BETWEEN 0 AND 10"


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # A column-level CHECK needs no table rebuild on SQLite (a rebuild of `child` would
        # have to drop a table that every booking refers to).
        op.execute("ALTER TABLE child ADD COLUMN older_siblings INTEGER DEFAULT '0' NOT NULL "
                   f"CONSTRAINT ck_child_older_siblings CHECK ({CHECK})")
    else:
        op.add_column('child', sa.Column('older_siblings', sa.Integer(), server_default='0',
                                         nullable=False))
        op.create_check_constraint(op.f('ck_child_older_siblings'), 'child', CHECK)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE child DROP COLUMN older_siblings")
    else:
        op.drop_constraint(op.f('ck_child_older_siblings'), 'child', type_='check')
        op.drop_column('child', 'older_siblings')
