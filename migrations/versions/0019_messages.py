"""messages (家托共育): threads between a child's guardians and its centre, their messages,
files and read receipts; bulletins to a centre or a class and who read them

New tables only: nothing existing is rebuilt.

Revision ID: 0019
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bulletin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sent_at', booking.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_bulletin_author_id_app_user')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_bulletin_centre_id_centre')),
    sa.ForeignKeyConstraint(['group_id'], ['centre_group.id'], name=op.f('fk_bulletin_group_id_centre_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin'))
    )
    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.create_index('ix_bulletin_centre_sent', ['centre_id', 'sent_at'], unique=False)

    op.create_table('message_thread',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_message_thread_centre_id_centre')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_message_thread_child_id_child')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_message_thread_created_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_thread')),
    sa.UniqueConstraint('child_id', 'centre_id', name='uq_message_thread_child_centre')
    )
    with op.batch_alter_table('message_thread', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_thread_centre_id'), ['centre_id'], unique=False)

    op.create_table('bulletin_recipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bulletin_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_at', booking.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['bulletin_id'], ['bulletin.id'], name=op.f('fk_bulletin_recipient_bulletin_id_bulletin')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_bulletin_recipient_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin_recipient')),
    sa.UniqueConstraint('bulletin_id', 'user_id', name='uq_bulletin_recipient_bulletin_user')
    )
    with op.batch_alter_table('bulletin_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletin_recipient_user_id'), ['user_id'], unique=False)

    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=8), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sent_at', booking.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("side IN ('family', 'centre')", name=op.f('ck_message_side')),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_message_author_id_app_user')),
    sa.ForeignKeyConstraint(['thread_id'], ['message_thread.id'], name=op.f('fk_message_thread_id_message_thread')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index('ix_message_thread_sent', ['thread_id', 'id'], unique=False)

    op.create_table('message_reader',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=8), nullable=False),
    sa.Column('last_read_message_id', sa.Integer(), nullable=True),
    sa.Column('last_read_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('notice_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("side IN ('family', 'centre')", name=op.f('ck_message_reader_side')),
    sa.ForeignKeyConstraint(['notice_id'], ['notification.id'], name=op.f('fk_message_reader_notice_id_notification')),
    sa.ForeignKeyConstraint(['thread_id'], ['message_thread.id'], name=op.f('fk_message_reader_thread_id_message_thread')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_message_reader_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_reader')),
    sa.UniqueConstraint('thread_id', 'user_id', name='uq_message_reader_thread_user')
    )
    with op.batch_alter_table('message_reader', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_reader_user_id'), ['user_id'], unique=False)

    op.create_table('message_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_message_attachment_size_positive')),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_message_attachment_message_id_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_attachment'))
    )
    with op.batch_alter_table('message_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_attachment_message_id'), ['message_id'], unique=False)



def downgrade():
    with op.batch_alter_table('message_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_attachment_message_id'))

    op.drop_table('message_attachment')
    with op.batch_alter_table('message_reader', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_reader_user_id'))

    op.drop_table('message_reader')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index('ix_message_thread_sent')

    op.drop_table('message')
    with op.batch_alter_table('bulletin_recipient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulletin_recipient_user_id'))

    op.drop_table('bulletin_recipient')
    with op.batch_alter_table('message_thread', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_thread_centre_id'))

    op.drop_table('message_thread')
    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.drop_index('ix_bulletin_centre_sent')

    op.drop_table('bulletin')
