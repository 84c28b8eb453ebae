"""idempotency keys are claimed before the work; a lottery's participants freeze with its seed

`idempotency_record`: `status` and `body` are NULL while the first request with a key is still
running (the claim), and `request_sha256` fingerprints the request, so the same key with a
different body is refused (issue #12).

`lottery_participant`: the waitlist entries frozen into a draw when its seed is published, and
`lottery_draw.participants_sha256` their published hash. Draws already published and not yet
drawn freeze the entries waiting at upgrade time.

Revision ID: 0012
Revises: 0009
"""
import hashlib

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('idempotency_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_sha256', sa.String(length=64), nullable=True))
        batch_op.alter_column('status', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('body', existing_type=sa.Text(), nullable=True)


def downgrade():
    # Claims still in progress have no answer to keep.
    op.execute("DELETE FROM idempotency_record WHERE status IS NULL OR body IS NULL")
    with op.batch_alter_table('idempotency_record', schema=None) as batch_op:
        batch_op.alter_column('body', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('status', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('request_sha256')
