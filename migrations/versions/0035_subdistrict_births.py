"""Births per subdistrict and year (docs/planning.md): one new table.

Revision ID: 0035
Revises: 0034
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subdistrict_births',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('subdistrict', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('births', sa.Integer(), nullable=False),
    sa.CheckConstraint('births >= 0', name=op.f('ck_subdistrict_births_births_nonnegative')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_subdistrict_births_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subdistrict_births')),
    sa.UniqueConstraint('district_id', 'subdistrict', 'year', name='uq_subdistrict_births_year')
    )
    op.create_index(op.f('ix_subdistrict_births_district_id'), 'subdistrict_births', ['district_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_subdistrict_births_district_id'), table_name='subdistrict_births')
    op.drop_table('subdistrict_births')
