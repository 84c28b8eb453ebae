"""City policy versions with effective dates, and the subsidy rates (docs/subsidies.md).

Each city's one policy row becomes its first version, in force from 2025-01-01 (the start of
the national 育儿补贴, whose 3,600 yuan a year it now carries). A change is a new row, so the
one-row-per-city constraint gives way to one row per city and effective date.

Downgrade keeps each city's earliest version only.

Revision ID: 0027
Revises: 0026
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

CHECKS = (
    ('allowance_nonnegative', 'allowance_fen_per_year IS NULL OR allowance_fen_per_year >= 0'),
    ('extra_allowance_nonnegative',
     'extra_allowance_fen_per_month IS NULL OR extra_allowance_fen_per_month >= 0'),
    ('extra_allowance_order', 'extra_allowance_from_child IS NULL OR extra_allowance_from_child >= 1'),
    ('operating_nonnegative', 'operating_subsidy_fen IS NULL OR operating_subsidy_fen >= 0'),
    ('operating_pct', 'operating_min_attendance_pct IS NULL OR '
                      'operating_min_attendance_pct BETWEEN 0 AND 100'),
    ('construction_nonnegative', 'construction_subsidy_fen IS NULL OR construction_subsidy_fen >= 0'),
    ('sibling_reward_pct', 'sibling_reward_pct IS NULL OR sibling_reward_pct BETWEEN 0 AND 100'),
)


def upgrade():
    with op.batch_alter_table('city_policy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effective_from', sa.Date(), nullable=False,
                                      server_default='2025-01-01'))
        batch_op.add_column(sa.Column('created_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_at', booking.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('allowance_fen_per_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('extra_allowance_fen_per_month', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('extra_allowance_from_child', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('extra_allowance_born_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('operating_subsidy_fen', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('operating_min_attendance_pct', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('construction_subsidy_fen', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sibling_reward_pct', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_city_policy_city'), type_='unique')
        batch_op.create_index(batch_op.f('ix_city_policy_city'), ['city'], unique=False)
        batch_op.create_unique_constraint('uq_city_policy_city_effective_from', ['city', 'effective_from'])
        batch_op.create_foreign_key(batch_op.f('fk_city_policy_created_by_app_user'), 'app_user', ['created_by'], ['id'])
        for name, sql in CHECKS:
            batch_op.create_check_constraint(op.f(f'ck_city_policy_{name}'), sql)
    op.execute("UPDATE city_policy SET allowance_fen_per_year = 360000")


def downgrade():
    op.execute("""DELETE FROM city_policy WHERE effective_from > (
        SELECT MIN(p.effective_from) FROM city_policy AS p WHERE p.city = city_policy.city)""")
    with op.batch_alter_table('city_policy', schema=None) as batch_op:
        for name, _sql in CHECKS:
            batch_op.drop_constraint(op.f(f'ck_city_policy_{name}'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_city_policy_created_by_app_user'), type_='foreignkey')
        batch_op.drop_constraint('uq_city_policy_city_effective_from', type_='unique')
        batch_op.drop_index(batch_op.f('ix_city_policy_city'))
        batch_op.create_unique_constraint(batch_op.f('uq_city_policy_city'), ['city'])
        batch_op.drop_column('sibling_reward_pct')
        batch_op.drop_column('construction_subsidy_fen')
        batch_op.drop_column('operating_min_attendance_pct')
        batch_op.drop_column('operating_subsidy_fen')
        batch_op.drop_column('extra_allowance_born_from')
        batch_op.drop_column('extra_allowance_from_child')
        batch_op.drop_column('extra_allowance_fen_per_month')
        batch_op.drop_column('allowance_fen_per_year')
        batch_op.drop_column('reason')
        batch_op.drop_column('created_at')
        batch_op.drop_column('created_by')
        batch_op.drop_column('effective_from')

