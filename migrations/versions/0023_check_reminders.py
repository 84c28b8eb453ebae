"""reservation.check_reminded_at: a far-off hold's reminder that its intake-check window has
opened, sent once (docs/domain.md, "Holds for far-off starts"). A nullable column added in
place (no table rebuild on SQLite).

Revision ID: 0023
Revises: 0022
"""
from alembic import op
import sqlalchemy as sa

import booking.types


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('reservation', sa.Column('check_reminded_at', booking.types.UTCDateTime(),
                                           nullable=True))


def downgrade():
    # SQLite 3.35+ drops a column in place: no rebuild of `reservation` (its foreign keys).
    op.drop_column('reservation', 'check_reminded_at')
