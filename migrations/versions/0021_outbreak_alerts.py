"""outbreak early warning: the thresholds per city and symptom (seeded with the national
defaults of the 2006 reporting norm), the alerts they open and the children each counts

Three new tables; nothing existing is altered.

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

WATCHED = "symptom IN ('fever', 'cough', 'diarrhoea', 'vomiting', 'rash', 'jaundice')"

# 学校和托幼机构传染病疫情报告工作规范（试行）(2006): 3 or more in one class with similar
# symptoms in a day, or 5 or more in the centre over 3 days; hand, foot and mouth disease
# (rash) sooner: 2 in a class or 5 in the centre within 7 days.
DEFAULTS = ([(s, "class", 3, 1) for s in ("fever", "diarrhoea", "vomiting", "rash", "jaundice")]
            + [(s, "centre", 5, 3) for s in ("fever", "diarrhoea", "vomiting", "rash", "jaundice")]
            + [("rash", "class", 2, 7), ("rash", "centre", 5, 7)])


def upgrade():
    rule = op.create_table('outbreak_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city', sa.String(length=40), nullable=True),
    sa.Column('symptom', sa.String(length=12), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('min_children', sa.Integer(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.CheckConstraint(WATCHED, name=op.f('ck_outbreak_rule_symptom')),
    sa.CheckConstraint("scope IN ('class', 'centre')", name=op.f('ck_outbreak_rule_scope')),
    sa.CheckConstraint('min_children >= 2', name=op.f('ck_outbreak_rule_min_children')),
    sa.CheckConstraint('window_days BETWEEN 1 AND 14', name=op.f('ck_outbreak_rule_window_days')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbreak_rule'))
    )
    with op.batch_alter_table('outbreak_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbreak_rule_city'), ['city'], unique=False)

    op.create_table('outbreak_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('class_key', sa.Integer(), nullable=False),
    sa.Column('symptom', sa.String(length=12), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('window_starts_on', sa.Date(), nullable=False),
    sa.Column('window_ends_on', sa.Date(), nullable=False),
    sa.Column('opened_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('acknowledged_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint(WATCHED, name=op.f('ck_outbreak_alert_symptom')),
    sa.CheckConstraint('window_ends_on >= window_starts_on', name=op.f('ck_outbreak_alert_window')),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['app_user.id'], name=op.f('fk_outbreak_alert_acknowledged_by_app_user')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_outbreak_alert_centre_id_centre')),
    sa.ForeignKeyConstraint(['group_id'], ['centre_group.id'], name=op.f('fk_outbreak_alert_group_id_centre_group')),
    sa.ForeignKeyConstraint(['rule_id'], ['outbreak_rule.id'], name=op.f('fk_outbreak_alert_rule_id_outbreak_rule')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbreak_alert')),
    sa.UniqueConstraint('centre_id', 'class_key', 'symptom', 'rule_id', 'window_starts_on', name='uq_outbreak_alert_one_per_window')
    )
    with op.batch_alter_table('outbreak_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbreak_alert_centre_id'), ['centre_id'], unique=False)

    op.create_table('outbreak_alert_child',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('sources', sa.String(length=40), nullable=False),
    sa.Column('ill_since', sa.Date(), nullable=True),
    sa.Column('added_at', booking.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['outbreak_alert.id'], name=op.f('fk_outbreak_alert_child_alert_id_outbreak_alert')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_outbreak_alert_child_child_id_child')),
    sa.ForeignKeyConstraint(['group_id'], ['centre_group.id'], name=op.f('fk_outbreak_alert_child_group_id_centre_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbreak_alert_child')),
    sa.UniqueConstraint('alert_id', 'child_id', name='uq_outbreak_alert_child_once')
    )
    with op.batch_alter_table('outbreak_alert_child', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbreak_alert_child_alert_id'), ['alert_id'], unique=False)

    op.bulk_insert(rule, [{"city": None, "symptom": s, "scope": scope, "min_children": n,
                           "window_days": days, "active": True}
                          for s, scope, n, days in DEFAULTS])


def downgrade():
    op.drop_table('outbreak_alert_child')
    op.drop_table('outbreak_alert')
    op.drop_table('outbreak_rule')
