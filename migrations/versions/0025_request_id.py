"""audit_event.request_id: the X-Request-ID of the request that made the change, to find its
log lines (docs/operations.md, "Logs"). A nullable column added in place: events written
before it, and by the scheduler, have none; the previous release writes none (expand first).

Revision ID: 0025
Revises: 0023
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('audit_event', sa.Column('request_id', sa.String(length=64), nullable=True))


def downgrade():
    # SQLite 3.35+ drops a column in place; the append-only triggers stay as they are.
    op.drop_column('audit_event', 'request_id')
