"""Operators (组网, 分园; docs/operators.md): `operator`, the organisation that runs centres, and
`centre_operator`, which operator runs a centre and since when, one current row per centre
(a partial unique index). Two new tables; no existing table changes.

Revision ID: 0037
Revises: 0036
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('operator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('legal_representative', sa.String(length=60), nullable=False),
    sa.Column('contact_name', sa.String(length=60), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_operator_created_by_app_user')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_operator_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_operator_credit_code'))
    )
    with op.batch_alter_table('operator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_district_id'), ['district_id'], unique=False)

    op.create_table('centre_operator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=False),
    sa.Column('to_date', sa.Date(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('to_date IS NULL OR to_date >= from_date', name=op.f('ck_centre_operator_dates')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_centre_operator_centre_id_centre')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_centre_operator_created_by_app_user')),
    sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_centre_operator_operator_id_operator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_operator'))
    )
    with op.batch_alter_table('centre_operator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_operator_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index('ix_centre_operator_operator', ['operator_id', 'to_date'], unique=False)
        batch_op.create_index('ux_centre_operator_current', ['centre_id'], unique=True, sqlite_where=sa.text('to_date IS NULL'), postgresql_where=sa.text('to_date IS NULL'))



def downgrade():
    with op.batch_alter_table('centre_operator', schema=None) as batch_op:
        batch_op.drop_index('ux_centre_operator_current', sqlite_where=sa.text('to_date IS NULL'), postgresql_where=sa.text('to_date IS NULL'))
        batch_op.drop_index('ix_centre_operator_operator')
        batch_op.drop_index(batch_op.f('ix_centre_operator_centre_id'))

    op.drop_table('centre_operator')
    with op.batch_alter_table('operator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operator_district_id'))

    op.drop_table('operator')
