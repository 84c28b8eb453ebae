"""notification email claim: sent is marked only after the server took the message

`notification.email_claimed_at` is set by the delivery run that is sending it and cleared
when done; a claim left by a killed run lapses, so the message is retried instead of lost.
`email_attempts` counts tries (a message that keeps failing stops after a limit).

Revision ID: 0014
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

from booking.types import UTCDateTime


revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_claimed_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('email_attempts', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('email_attempts')
        batch_op.drop_column('email_claimed_at')
