"""session version and one-time password reset links

`app_user.session_version` is part of every login cookie: raising it ends all sessions and
remember-me cookies of the account (logout, password change or reset, deactivation).
`password_reset` keeps the SHA-256 of an admin-made one-time link (issue #12).

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

import booking.types  # noqa: F401 - column types used below


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTERs, no batch: on SQLite a rebuild of `app_user` would turn its column CHECKs
    # (staff_role, 0010) into table CHECKs that a later DROP COLUMN refuses.
    op.add_column('app_user', sa.Column('session_version', sa.Integer(), nullable=False,
                                        server_default='0'))
    op.create_table('password_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('used_at', booking.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                            name=op.f('fk_password_reset_user_id_app_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'],
                            name=op.f('fk_password_reset_created_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_token_hash'))
    )
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_user_id'))
    op.drop_table('password_reset')
    op.drop_column('app_user', 'session_version')
