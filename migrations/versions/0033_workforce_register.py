"""Workforce register (docs/workforce.md): staff ID numbers (encrypted, masked, a keyed
lookup hash unique among active staff — one centre per person), the background check's
expiry, and training hours. Columns added; one new table.

Revision ID: 0033
Revises: 0032
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('staff_member', sa.Column('background_check_expires_on', sa.Date(), nullable=True))
    op.add_column('staff_member', sa.Column('id_number_encrypted', sa.Text(), nullable=True))
    op.add_column('staff_member', sa.Column('id_number_masked', sa.String(length=24), nullable=True))
    op.add_column('staff_member', sa.Column('id_number_hash', sa.String(length=64), nullable=True))
    op.create_index('uq_staff_member_active_person', 'staff_member', ['id_number_hash'],
                    unique=True, postgresql_where=sa.text('active'),
                    sqlite_where=sa.text('active'))
    op.create_table('training_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('topic', sa.String(length=120), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.CheckConstraint('hours > 0', name=op.f('ck_training_record_hours_positive')),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_training_record_recorded_by_app_user')),
    sa.ForeignKeyConstraint(['staff_member_id'], ['staff_member.id'], name=op.f('fk_training_record_staff_member_id_staff_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_record'))
    )
    op.create_index(op.f('ix_training_record_staff_member_id'), 'training_record', ['staff_member_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_training_record_staff_member_id'), table_name='training_record')
    op.drop_table('training_record')
    op.drop_index('uq_staff_member_active_person', table_name='staff_member')
    op.drop_column('staff_member', 'id_number_hash')
    op.drop_column('staff_member', 'id_number_masked')
    op.drop_column('staff_member', 'id_number_encrypted')
    op.drop_column('staff_member', 'background_check_expires_on')
