"""Dynamic evaluation at item level (docs/evaluation.md): self-assessments and item-level
inspections on WS/T 821's checklist, their item scores, and fix items (整改项).

Revision ID: 0034
Revises: 0033
"""
from alembic import op
import sqlalchemy as sa

import booking.types


# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('evaluated_on', sa.Date(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('basic_failed', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('submitted_at', booking.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('self', 'inspection')", name=op.f('ck_evaluation_kind')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'recorded')", name=op.f('ck_evaluation_status')),
    sa.CheckConstraint("(kind = 'inspection') = (inspection_id IS NOT NULL)", name=op.f('ck_evaluation_inspection_has_record')),
    sa.CheckConstraint('score IS NULL OR score BETWEEN 0 AND 1000', name=op.f('ck_evaluation_score')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_evaluation_centre_id_centre')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_evaluation_created_by_app_user')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_evaluation_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation')),
    sa.UniqueConstraint('inspection_id', name=op.f('uq_evaluation_inspection_id'))
    )
    op.create_index('uq_evaluation_open_draft', 'evaluation', ['centre_id'], unique=True,
                    postgresql_where=sa.text("status = 'draft'"),
                    sqlite_where=sa.text("status = 'draft'"))
    op.create_index('ix_evaluation_centre_kind', 'evaluation', ['centre_id', 'kind', 'evaluated_on'], unique=False)
    op.create_table('evaluation_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint('points >= 0', name=op.f('ck_evaluation_item_points')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], name=op.f('fk_evaluation_item_evaluation_id_evaluation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_item')),
    sa.UniqueConstraint('evaluation_id', 'code', name='uq_evaluation_item_code')
    )
    op.create_index(op.f('ix_evaluation_item_evaluation_id'), 'evaluation_item', ['evaluation_id'], unique=False)
    op.create_table('fix_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('fixed_on', sa.Date(), nullable=True),
    sa.Column('fix_note', sa.Text(), nullable=True),
    sa.Column('reported_by', sa.Integer(), nullable=True),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('verified_by', sa.Integer(), nullable=True),
    sa.Column('returned_reason', sa.Text(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'reported', 'verified')", name=op.f('ck_fix_item_status')),
    sa.CheckConstraint("status <> 'verified' OR verified_on IS NOT NULL", name=op.f('ck_fix_item_verified_dated')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_fix_item_centre_id_centre')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], name=op.f('fk_fix_item_evaluation_id_evaluation')),
    sa.ForeignKeyConstraint(['reported_by'], ['app_user.id'], name=op.f('fk_fix_item_reported_by_app_user')),
    sa.ForeignKeyConstraint(['set_by'], ['app_user.id'], name=op.f('fk_fix_item_set_by_app_user')),
    sa.ForeignKeyConstraint(['verified_by'], ['app_user.id'], name=op.f('fk_fix_item_verified_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fix_item'))
    )
    op.create_index(op.f('ix_fix_item_centre_id'), 'fix_item', ['centre_id'], unique=False)
    op.create_index(op.f('ix_fix_item_evaluation_id'), 'fix_item', ['evaluation_id'], unique=False)
    op.create_index('ix_fix_item_due', 'fix_item', ['status', 'due_on'], unique=False)


def downgrade():
    op.drop_index('ix_fix_item_due', table_name='fix_item')
    op.drop_index(op.f('ix_fix_item_evaluation_id'), table_name='fix_item')
    op.drop_index(op.f('ix_fix_item_centre_id'), table_name='fix_item')
    op.drop_table('fix_item')
    op.drop_index(op.f('ix_evaluation_item_evaluation_id'), table_name='evaluation_item')
    op.drop_table('evaluation_item')
    op.drop_index('ix_evaluation_centre_kind', table_name='evaluation')
    op.drop_index('uq_evaluation_open_draft', table_name='evaluation')
    op.drop_table('evaluation')
