"""health notes and growth (医育结合): allergies, dietary restrictions, conditions and
medication permissions per child; height and weight measurements with their WHO z-scores

Two new tables; nothing existing is altered.

Revision ID: 0020
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('growth_measurement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('height_cm', sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=True),
    sa.Column('weight_kg', sa.Numeric(precision=4, scale=2, asdecimal=False), nullable=True),
    sa.Column('measured_by', sa.String(length=12), nullable=False),
    sa.Column('z_wfa', sa.Float(), nullable=True),
    sa.Column('z_lhfa', sa.Float(), nullable=True),
    sa.Column('z_wflh', sa.Float(), nullable=True),
    sa.Column('entered_by', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("measured_by IN ('guardian', 'centre', 'institution')", name=op.f('ck_growth_measurement_measured_by')),
    sa.CheckConstraint('height_cm IS NOT NULL OR weight_kg IS NOT NULL', name=op.f('ck_growth_measurement_something')),
    sa.CheckConstraint('height_cm IS NULL OR height_cm BETWEEN 40 AND 130', name=op.f('ck_growth_measurement_height_range')),
    sa.CheckConstraint('weight_kg IS NULL OR weight_kg BETWEEN 1 AND 40', name=op.f('ck_growth_measurement_weight_range')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_growth_measurement_centre_id_centre')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_growth_measurement_child_id_child')),
    sa.ForeignKeyConstraint(['entered_by'], ['app_user.id'], name=op.f('fk_growth_measurement_entered_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_growth_measurement'))
    )
    with op.batch_alter_table('growth_measurement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_growth_measurement_child_id'), ['child_id'], unique=False)

    op.create_table('health_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('reaction', sa.String(length=200), nullable=True),
    sa.Column('severity', sa.String(length=10), nullable=True),
    sa.Column('details', sa.Text(), nullable=True),
    sa.Column('dose', sa.String(length=80), nullable=True),
    sa.Column('schedule', sa.String(length=120), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('signed_by', sa.Integer(), nullable=True),
    sa.Column('entered_as', sa.String(length=10), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('removed_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('removed_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("entered_as != 'centre' OR centre_id IS NOT NULL", name=op.f('ck_health_note_centre_entry')),
    sa.CheckConstraint("entered_as IN ('guardian', 'centre')", name=op.f('ck_health_note_entered_as')),
    sa.CheckConstraint("kind != 'allergy' OR severity IS NOT NULL", name=op.f('ck_health_note_allergy_severity')),
    sa.CheckConstraint("kind != 'medication' OR (dose IS NOT NULL AND schedule IS NOT NULL AND starts_on IS NOT NULL AND ends_on IS NOT NULL AND signed_by IS NOT NULL)", name=op.f('ck_health_note_medication_complete')),
    sa.CheckConstraint("kind IN ('allergy', 'diet', 'condition', 'medication')", name=op.f('ck_health_note_kind')),
    sa.CheckConstraint("severity IS NULL OR severity IN ('mild', 'moderate', 'severe')", name=op.f('ck_health_note_severity')),
    sa.CheckConstraint('ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on', name=op.f('ck_health_note_medication_days')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_health_note_centre_id_centre')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_health_note_child_id_child')),
    sa.ForeignKeyConstraint(['entered_by'], ['app_user.id'], name=op.f('fk_health_note_entered_by_app_user')),
    sa.ForeignKeyConstraint(['removed_by'], ['app_user.id'], name=op.f('fk_health_note_removed_by_app_user')),
    sa.ForeignKeyConstraint(['signed_by'], ['app_user.id'], name=op.f('fk_health_note_signed_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_note'))
    )
    with op.batch_alter_table('health_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_note_child_id'), ['child_id'], unique=False)



def downgrade():
    with op.batch_alter_table('health_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_health_note_child_id'))

    op.drop_table('health_note')
    with op.batch_alter_table('growth_measurement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_growth_measurement_child_id'))

    op.drop_table('growth_measurement')
