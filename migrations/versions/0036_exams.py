"""入托体检 as a service (docs/exams.md): health institutions and their accounts, exam
sessions, appointments and results; `health_check.source`; the `institution` account role.

Neither app_user nor health_check is rebuilt on SQLite: the new role's CHECK and the source's
CHECK are written into the stored schema text, SQLite's documented way for a change every
existing row already satisfies (as 0009 and 0010 do).

Revision ID: 0036
Revises: 0035
"""
from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


ROLES_OLD = "role IN ('parent', 'staff', 'regulator', 'admin')"
ROLES_NEW = "role IN ('parent', 'staff', 'regulator', 'admin', 'institution')"
SOURCE = "source IN ('entered', 'institution')"


def _checks(roles, with_source):
    """The account roles' CHECK, and health_check.source's, on either database."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_app_user_role'), 'app_user', type_='check')
        op.create_check_constraint(op.f('ck_app_user_role'), 'app_user', roles)
        if with_source:
            op.create_check_constraint(op.f('ck_health_check_source'), 'health_check', SOURCE)
        else:
            op.drop_constraint(op.f('ck_health_check_source'), 'health_check', type_='check')
        return
    old = ROLES_NEW if roles == ROLES_OLD else ROLES_OLD
    column = "source VARCHAR(12) DEFAULT 'entered' NOT NULL"
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = ?",
        (old, roles, 'app_user'))
    if with_source:
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = ?",
            (column, f"{column} CONSTRAINT ck_health_check_source CHECK ({SOURCE})",
             'health_check'))
    bind.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def upgrade():
    op.create_table('health_institution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('cancel_cutoff_hours', sa.Integer(), server_default='24', nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('maternal_child', 'community', 'hospital')", name=op.f('ck_health_institution_kind')),
    sa.CheckConstraint('cancel_cutoff_hours BETWEEN 0 AND 168', name=op.f('ck_health_institution_cutoff')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_health_institution_created_by_app_user')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_health_institution_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_institution'))
    )
    with op.batch_alter_table('health_institution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_institution_district_id'), ['district_id'], unique=False)

    op.create_table('exam_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('bring', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', booking.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_exam_session_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_exam_session_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_exam_session_created_by_app_user')),
    sa.ForeignKeyConstraint(['institution_id'], ['health_institution.id'], name=op.f('fk_exam_session_institution_id_health_institution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_session'))
    )
    with op.batch_alter_table('exam_session', schema=None) as batch_op:
        batch_op.create_index('ix_exam_session_institution_starts', ['institution_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_exam_session_starts', ['starts_at'], unique=False)

    op.create_table('institution_member',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("role IN ('doctor', 'nurse', 'clerk')", name=op.f('ck_institution_member_role')),
    sa.ForeignKeyConstraint(['institution_id'], ['health_institution.id'], name=op.f('fk_institution_member_institution_id_health_institution')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_institution_member_user_id_app_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_institution_member'))
    )
    with op.batch_alter_table('institution_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institution_member_institution_id'), ['institution_id'], unique=False)

    op.create_table('exam_appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('booked_by', sa.Integer(), nullable=False),
    sa.Column('reservation_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=200), nullable=True),
    sa.Column('moved_to_id', sa.Integer(), nullable=True),
    sa.Column('reminded_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('marked_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('marked_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("status != 'cancelled' OR cancelled_at IS NOT NULL", name=op.f('ck_exam_appointment_cancelled_at_set')),
    sa.CheckConstraint("status IN ('booked', 'cancelled', 'no_show', 'examined')", name=op.f('ck_exam_appointment_status')),
    sa.ForeignKeyConstraint(['booked_by'], ['app_user.id'], name=op.f('fk_exam_appointment_booked_by_app_user')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_exam_appointment_child_id_child')),
    sa.ForeignKeyConstraint(['marked_by'], ['app_user.id'], name=op.f('fk_exam_appointment_marked_by_app_user')),
    sa.ForeignKeyConstraint(['moved_to_id'], ['exam_appointment.id'], name=op.f('fk_exam_appointment_moved_to_id_exam_appointment')),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservation.id'], name=op.f('fk_exam_appointment_reservation_id_reservation')),
    sa.ForeignKeyConstraint(['session_id'], ['exam_session.id'], name=op.f('fk_exam_appointment_session_id_exam_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_appointment'))
    )
    with op.batch_alter_table('exam_appointment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_appointment_child_id'), ['child_id'], unique=False)
        batch_op.create_index('ix_exam_appointment_session_status', ['session_id', 'status'], unique=False)
        batch_op.create_index('uq_exam_appointment_live_child', ['child_id'], unique=True, sqlite_where=sa.text("status = 'booked'"), postgresql_where=sa.text("status = 'booked'"))

    op.create_table('exam_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('examined_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('history', sa.Text(), nullable=True),
    sa.Column('height_cm', sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=True),
    sa.Column('weight_kg', sa.Numeric(precision=4, scale=2, asdecimal=False), nullable=True),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('haemoglobin_g_l', sa.Integer(), nullable=True),
    sa.Column('vision', sa.String(length=8), nullable=True),
    sa.Column('hearing', sa.String(length=8), nullable=True),
    sa.Column('vaccination_checked', sa.Boolean(), nullable=False),
    sa.Column('vaccination_note', sa.String(length=200), nullable=True),
    sa.Column('conclusion', sa.String(length=12), nullable=True),
    sa.Column('follow_up_actions', sa.Text(), nullable=True),
    sa.Column('follow_up_by', sa.Date(), nullable=True),
    sa.Column('entered_by', sa.Integer(), nullable=False),
    sa.Column('entered_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('signed_by', sa.Integer(), nullable=True),
    sa.Column('signed_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('health_check_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("conclusion != 'follow_up' OR status != 'signed' OR (follow_up_actions IS NOT NULL AND follow_up_by IS NOT NULL)", name=op.f('ck_exam_result_follow_up_said')),
    sa.CheckConstraint("conclusion IS NULL OR conclusion IN ('pass', 'fail', 'follow_up')", name=op.f('ck_exam_result_conclusion')),
    sa.CheckConstraint("hearing IS NULL OR hearing IN ('pass', 'refer')", name=op.f('ck_exam_result_hearing')),
    sa.CheckConstraint("status != 'signed' OR (signed_by IS NOT NULL AND signed_at IS NOT NULL AND conclusion IS NOT NULL AND health_check_id IS NOT NULL)", name=op.f('ck_exam_result_signed_complete')),
    sa.CheckConstraint("status IN ('draft', 'signed')", name=op.f('ck_exam_result_status')),
    sa.CheckConstraint("vision IS NULL OR vision IN ('pass', 'refer')", name=op.f('ck_exam_result_vision')),
    sa.CheckConstraint('haemoglobin_g_l IS NULL OR haemoglobin_g_l BETWEEN 30 AND 250', name=op.f('ck_exam_result_haemoglobin')),
    sa.CheckConstraint('height_cm IS NULL OR height_cm BETWEEN 40 AND 130', name=op.f('ck_exam_result_height')),
    sa.CheckConstraint('weight_kg IS NULL OR weight_kg BETWEEN 1 AND 40', name=op.f('ck_exam_result_weight')),
    sa.ForeignKeyConstraint(['appointment_id'], ['exam_appointment.id'], name=op.f('fk_exam_result_appointment_id_exam_appointment')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_exam_result_child_id_child')),
    sa.ForeignKeyConstraint(['entered_by'], ['app_user.id'], name=op.f('fk_exam_result_entered_by_app_user')),
    sa.ForeignKeyConstraint(['health_check_id'], ['health_check.id'], name=op.f('fk_exam_result_health_check_id_health_check')),
    sa.ForeignKeyConstraint(['institution_id'], ['health_institution.id'], name=op.f('fk_exam_result_institution_id_health_institution')),
    sa.ForeignKeyConstraint(['signed_by'], ['app_user.id'], name=op.f('fk_exam_result_signed_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_result')),
    sa.UniqueConstraint('appointment_id', name=op.f('uq_exam_result_appointment_id')),
    sa.UniqueConstraint('health_check_id', name=op.f('uq_exam_result_health_check_id'))
    )
    with op.batch_alter_table('exam_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_result_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exam_result_institution_id'), ['institution_id'], unique=False)

    op.add_column('health_check', sa.Column('source', sa.String(length=12),
                                            server_default='entered', nullable=False))
    _checks(ROLES_NEW, with_source=True)


def downgrade():
    _checks(ROLES_OLD, with_source=False)
    op.drop_column('health_check', 'source')

    with op.batch_alter_table('exam_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_result_institution_id'))
        batch_op.drop_index(batch_op.f('ix_exam_result_child_id'))

    op.drop_table('exam_result')
    with op.batch_alter_table('exam_appointment', schema=None) as batch_op:
        batch_op.drop_index('uq_exam_appointment_live_child', sqlite_where=sa.text("status = 'booked'"), postgresql_where=sa.text("status = 'booked'"))
        batch_op.drop_index('ix_exam_appointment_session_status')
        batch_op.drop_index(batch_op.f('ix_exam_appointment_child_id'))

    op.drop_table('exam_appointment')
    with op.batch_alter_table('institution_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_institution_member_institution_id'))

    op.drop_table('institution_member')
    with op.batch_alter_table('exam_session', schema=None) as batch_op:
        batch_op.drop_index('ix_exam_session_starts')
        batch_op.drop_index('ix_exam_session_institution_starts')

    op.drop_table('exam_session')
    with op.batch_alter_table('health_institution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_health_institution_district_id'))

    op.drop_table('health_institution')
