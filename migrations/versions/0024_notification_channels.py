"""Notices through channels (docs/notices.md): notification_preference (a user's choice per
kind and channel), notification_delivery (each notice through SMS or WeChat, once: a unique
idempotency key) and app_user.wechat_openid (a nullable column added in place, no rebuild of
app_user on SQLite).

Revision ID: 0024
Revises: 0023
"""
from alembic import op
import sqlalchemy as sa

import booking.types


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

CHANNEL = "channel IN ('in_app', 'email', 'sms', 'wechat')"


def upgrade():
    op.add_column('app_user', sa.Column('wechat_openid', sa.String(length=64), nullable=True))
    op.create_table('notification_preference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.CheckConstraint(CHANNEL, name=op.f('ck_notification_preference_channel')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_notification_preference_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preference')),
    sa.UniqueConstraint('user_id', 'kind', 'channel', name='uq_notification_preference')
    )
    op.create_index(op.f('ix_notification_preference_user_id'), 'notification_preference',
                    ['user_id'], unique=False)
    op.create_table('notification_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('last_error', sa.String(length=80), nullable=True),
    sa.Column('provider_message_id', sa.String(length=80), nullable=True),
    sa.Column('idempotency_key', sa.String(length=40), nullable=False),
    sa.Column('claimed_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('sent_at', booking.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'sent', 'failed', 'given_up')",
                       name=op.f('ck_notification_delivery_status')),
    sa.CheckConstraint(CHANNEL, name=op.f('ck_notification_delivery_channel')),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_notification_delivery_notification_id_notification')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_delivery')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_notification_delivery_idempotency_key'))
    )
    op.create_index('ix_notification_delivery_due', 'notification_delivery',
                    ['status', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_notification_delivery_notification_id'), 'notification_delivery',
                    ['notification_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_notification_delivery_notification_id'), table_name='notification_delivery')
    op.drop_index('ix_notification_delivery_due', table_name='notification_delivery')
    op.drop_table('notification_delivery')
    op.drop_index(op.f('ix_notification_preference_user_id'), table_name='notification_preference')
    op.drop_table('notification_preference')
    # SQLite 3.35+ drops a column in place: no rebuild of app_user.
    op.drop_column('app_user', 'wechat_openid')
