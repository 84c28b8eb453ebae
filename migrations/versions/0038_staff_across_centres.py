"""Staff across an operator's centres (docs/operators.md, Staff across centres):
`staff_assignment`, where a staff account works and in which role (one active row per account
and centre, a partial unique index), and `operator_manager` (运营负责人). Every existing staff
account gets one active assignment, its centre and role, in one INSERT ... SELECT. No existing
table changes: app_user's centre_id and staff_role become the current assignment.

Revision ID: 0038
Revises: 0037
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('staff_role', sa.String(length=12), nullable=False),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('ended_at', booking.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("staff_role IN ('director', 'carer', 'health', 'finance')", name=op.f('ck_staff_assignment_staff_role')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_staff_assignment_centre_id_centre')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_staff_assignment_created_by_app_user')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_staff_assignment_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_assignment'))
    )
    with op.batch_alter_table('staff_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_assignment_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_staff_assignment_centre', ['centre_id', 'ended_at'], unique=False)
        batch_op.create_index('ux_staff_assignment_active', ['user_id', 'centre_id'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))

    op.create_table('operator_manager',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_operator_manager_created_by_app_user')),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_operator_manager_operator_id_operator')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_operator_manager_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_manager')),
    sa.UniqueConstraint('user_id', name=op.f('uq_operator_manager_user_id'))
    )
    with op.batch_alter_table('operator_manager', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_manager_operator_id'), ['operator_id'], unique=False)

    # Each staff account's one centre and role so far, as its first active assignment.
    op.execute(
        "INSERT INTO staff_assignment (user_id, centre_id, staff_role, created_at) "
        "SELECT id, centre_id, staff_role, created_at FROM app_user "
        "WHERE role = 'staff' AND centre_id IS NOT NULL AND staff_role IS NOT NULL")


def downgrade():
    with op.batch_alter_table('operator_manager', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operator_manager_operator_id'))
    op.drop_table('operator_manager')
    with op.batch_alter_table('staff_assignment', schema=None) as batch_op:
        batch_op.drop_index('ux_staff_assignment_active', sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index('ix_staff_assignment_centre')
        batch_op.drop_index(batch_op.f('ix_staff_assignment_user_id'))
    op.drop_table('staff_assignment')
