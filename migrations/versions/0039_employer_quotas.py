"""Employers and their quotas of a slot's places (单位办托, 联合办托; docs/employers.md):
`employer`, `employer_quota`, and `waitlist_entry.employer_id`, the employer an
`employer_staff` claim names. Two new tables and one nullable column.

Revision ID: 0039
Revises: 0037
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('employer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('contact_name', sa.String(length=60), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_employer_centre_id_centre')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_employer_created_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer')),
    sa.UniqueConstraint('centre_id', 'credit_code', name='uq_employer_centre_code')
    )
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employer_centre_id'), ['centre_id'], unique=False)

    op.create_table('employer_quota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('reserved_until', sa.Date(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('places >= 1', name=op.f('ck_employer_quota_places_positive')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_employer_quota_employer_id_employer')),
    sa.ForeignKeyConstraint(['slot_id'], ['slot.id'], name=op.f('fk_employer_quota_slot_id_slot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer_quota')),
    sa.UniqueConstraint('slot_id', 'employer_id', name='uq_employer_quota_slot_employer')
    )
    with op.batch_alter_table('employer_quota', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employer_quota_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_employer_quota_slot_id'), ['slot_id'], unique=False)

    # A plain ADD COLUMN on SQLite, as 0016's round_id: a batch rebuild of waitlist_entry
    # would re-create its partial unique index from reflection.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE waitlist_entry ADD COLUMN employer_id INTEGER '
                   'CONSTRAINT fk_waitlist_entry_employer_id_employer '
                   'REFERENCES employer (id)')
    else:
        op.add_column('waitlist_entry', sa.Column('employer_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_waitlist_entry_employer_id_employer',
                              'waitlist_entry', 'employer', ['employer_id'], ['id'])


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_waitlist_entry_employer_id_employer', 'waitlist_entry',
                           type_='foreignkey')
    op.drop_column('waitlist_entry', 'employer_id')

    with op.batch_alter_table('employer_quota', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employer_quota_slot_id'))
        batch_op.drop_index(batch_op.f('ix_employer_quota_employer_id'))

    op.drop_table('employer_quota')
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employer_centre_id'))

    op.drop_table('employer')
