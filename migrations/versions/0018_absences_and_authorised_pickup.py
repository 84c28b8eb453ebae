"""absences (请假, 因病缺勤追踪) and authorised pickup (接送授权)

New tables only: `absence` (+ `absence_symptom`), the centre's follow-up time
(`absence_policy`), a child's pickup list (`pickup_person`) and who collected the child each day
(`pickup_record`, one per attendance row). Nothing existing is altered.

Revision ID: 0018
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('absence_policy',
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('follow_up_minutes', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', booking.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('follow_up_minutes BETWEEN 360 AND 1080', name=op.f('ck_absence_policy_follow_up_range')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_absence_policy_centre_id_centre')),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], name=op.f('fk_absence_policy_updated_by_app_user')),
    sa.PrimaryKeyConstraint('centre_id', name=op.f('pk_absence_policy'))
    )
    op.create_table('pickup_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('id_last4', sa.String(length=4), nullable=False),
    sa.Column('photo_path', sa.String(length=200), nullable=True),
    sa.Column('photo_type', sa.String(length=40), nullable=True),
    sa.Column('photo_size', sa.Integer(), nullable=True),
    sa.Column('added_by', sa.Integer(), nullable=False),
    sa.Column('added_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('removed_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('removed_by', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(id_last4) = 4', name=op.f('ck_pickup_person_id_last4_length')),
    sa.CheckConstraint('photo_size IS NULL OR photo_size > 0', name=op.f('ck_pickup_person_photo_size')),
    sa.ForeignKeyConstraint(['added_by'], ['app_user.id'], name=op.f('fk_pickup_person_added_by_app_user')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_pickup_person_child_id_child')),
    sa.ForeignKeyConstraint(['removed_by'], ['app_user.id'], name=op.f('fk_pickup_person_removed_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pickup_person'))
    )
    with op.batch_alter_table('pickup_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pickup_person_child_id'), ['child_id'], unique=False)

    op.create_table('absence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('reservation_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=12), nullable=False),
    sa.Column('symptom_other', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('reached', sa.Boolean(), nullable=True),
    sa.Column('reported_by', sa.Integer(), nullable=False),
    sa.Column('reported_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('withdrawn_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('withdrawn_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("(source = 'guardian') = (reached IS NULL)", name=op.f('ck_absence_reached_by_staff')),
    sa.CheckConstraint("reason <> 'unknown' OR source = 'staff_follow_up'", name=op.f('ck_absence_unknown_reason')),
    sa.CheckConstraint("reason IN ('illness', 'family', 'unknown')", name=op.f('ck_absence_reason')),
    sa.CheckConstraint("source IN ('guardian', 'staff_follow_up')", name=op.f('ck_absence_source')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_absence_range_order')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_absence_centre_id_centre')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_absence_child_id_child')),
    sa.ForeignKeyConstraint(['reported_by'], ['app_user.id'], name=op.f('fk_absence_reported_by_app_user')),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservation.id'], name=op.f('fk_absence_reservation_id_reservation')),
    sa.ForeignKeyConstraint(['withdrawn_by'], ['app_user.id'], name=op.f('fk_absence_withdrawn_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absence'))
    )
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.create_index('ix_absence_centre_days', ['centre_id', 'starts_on', 'ends_on'], unique=False)
        batch_op.create_index('ix_absence_child_days', ['child_id', 'starts_on', 'ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_reservation_id'), ['reservation_id'], unique=False)

    op.create_table('absence_symptom',
    sa.Column('absence_id', sa.Integer(), nullable=False),
    sa.Column('symptom', sa.String(length=12), nullable=False),
    sa.CheckConstraint("symptom IN ('fever', 'cough', 'diarrhoea', 'vomiting', 'rash', 'jaundice', 'other')", name=op.f('ck_absence_symptom_symptom')),
    sa.ForeignKeyConstraint(['absence_id'], ['absence.id'], name=op.f('fk_absence_symptom_absence_id_absence')),
    sa.PrimaryKeyConstraint('absence_id', 'symptom', name=op.f('pk_absence_symptom'))
    )
    op.create_table('pickup_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attendance_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('guardian_id', sa.Integer(), nullable=True),
    sa.Column('unlisted_name', sa.String(length=80), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', booking.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('(CASE WHEN person_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN guardian_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN unlisted_name IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_pickup_record_one_collector')),
    sa.CheckConstraint('unlisted_name IS NULL OR reason IS NOT NULL', name=op.f('ck_pickup_record_exception_reason')),
    sa.ForeignKeyConstraint(['attendance_id'], ['attendance.id'], name=op.f('fk_pickup_record_attendance_id_attendance')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_pickup_record_child_id_child')),
    sa.ForeignKeyConstraint(['guardian_id'], ['app_user.id'], name=op.f('fk_pickup_record_guardian_id_app_user')),
    sa.ForeignKeyConstraint(['person_id'], ['pickup_person.id'], name=op.f('fk_pickup_record_person_id_pickup_person')),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_pickup_record_recorded_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pickup_record')),
    sa.UniqueConstraint('attendance_id', name=op.f('uq_pickup_record_attendance_id'))
    )
    with op.batch_alter_table('pickup_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pickup_record_child_id'), ['child_id'], unique=False)



def downgrade():
    with op.batch_alter_table('pickup_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pickup_record_child_id'))

    op.drop_table('pickup_record')
    op.drop_table('absence_symptom')
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_absence_reservation_id'))
        batch_op.drop_index('ix_absence_child_days')
        batch_op.drop_index('ix_absence_centre_days')

    op.drop_table('absence')
    with op.batch_alter_table('pickup_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pickup_person_child_id'))

    op.drop_table('pickup_person')
    op.drop_table('absence_policy')
