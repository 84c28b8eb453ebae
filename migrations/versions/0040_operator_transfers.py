"""Transfers between two centres of one operator (docs/operators.md): `operator_transfer`,
one open request per child (a partial unique index). One new table.

Revision ID: 0040
Revises: 0039
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('operator_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('from_reservation_id', sa.Integer(), nullable=False),
    sa.Column('from_centre_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('to_centre_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=True),
    sa.Column('requested_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('new_reservation_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('requested', 'approved', 'refused', 'withdrawn')", name=op.f('ck_operator_transfer_status')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_operator_transfer_child_id_child')),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_operator_transfer_operator_id_operator')),
    sa.ForeignKeyConstraint(['from_reservation_id'], ['reservation.id'], name=op.f('fk_operator_transfer_from_reservation_id_reservation')),
    sa.ForeignKeyConstraint(['from_centre_id'], ['centre.id'], name=op.f('fk_operator_transfer_from_centre_id_centre')),
    sa.ForeignKeyConstraint(['slot_id'], ['slot.id'], name=op.f('fk_operator_transfer_slot_id_slot')),
    sa.ForeignKeyConstraint(['to_centre_id'], ['centre.id'], name=op.f('fk_operator_transfer_to_centre_id_centre')),
    sa.ForeignKeyConstraint(['requested_by'], ['app_user.id'], name=op.f('fk_operator_transfer_requested_by_app_user')),
    sa.ForeignKeyConstraint(['decided_by'], ['app_user.id'], name=op.f('fk_operator_transfer_decided_by_app_user')),
    sa.ForeignKeyConstraint(['new_reservation_id'], ['reservation.id'], name=op.f('fk_operator_transfer_new_reservation_id_reservation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_transfer'))
    )
    with op.batch_alter_table('operator_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_transfer_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_operator_transfer_from_centre_id'), ['from_centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_operator_transfer_to_centre_id'), ['to_centre_id'], unique=False)
        batch_op.create_index('ix_operator_transfer_operator_status', ['operator_id', 'status'], unique=False)
        batch_op.create_index('ux_operator_transfer_open', ['child_id'], unique=True,
                              sqlite_where=sa.text("status = 'requested'"),
                              postgresql_where=sa.text("status = 'requested'"))


def downgrade():
    with op.batch_alter_table('operator_transfer', schema=None) as batch_op:
        batch_op.drop_index('ux_operator_transfer_open')
        batch_op.drop_index('ix_operator_transfer_operator_status')
        batch_op.drop_index(batch_op.f('ix_operator_transfer_to_centre_id'))
        batch_op.drop_index(batch_op.f('ix_operator_transfer_from_centre_id'))
        batch_op.drop_index(batch_op.f('ix_operator_transfer_child_id'))
    op.drop_table('operator_transfer')
