"""indexes the benchmarks asked for (issue #8, bench/RESULTS.md)

waitlist_entry.reservation_id: ending an offer with its hold (expiry, cancel, enrolment,
the sweep) finds the entry by its reservation; without an index each lookup read the
whole waitlist history.

Revision ID: 0008
Revises: 0007
"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_entry_reservation_id'), ['reservation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waitlist_entry_reservation_id'))
