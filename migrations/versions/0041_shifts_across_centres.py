"""One person on the registers of several centres of one operator (docs/workforce.md, 挂靠):
`staff_person` (one row per person: the register scope and the row locked for the person),
`staff_member.person_key` referencing it, and one active row per person and centre in
place of one per person.

Existing data: each person active somewhere (one row at most, the old index held it) gets a
`staff_person` row in its centre's scope (its current operator, else the centre) and the
row its key. Plain column, index and table operations on both engines: staff_member is not
rebuilt (SQLite takes the foreign key in ADD COLUMN).

Revision ID: 0041
Revises: 0040
"""
from alembic import op
import sqlalchemy as sa


revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None

SCOPE = ("COALESCE('o' || CAST((SELECT co.operator_id FROM centre_operator co "
         "WHERE co.centre_id = staff_member.centre_id AND co.to_date IS NULL) AS VARCHAR), "
         "'c' || CAST(staff_member.centre_id AS VARCHAR))")


def upgrade():
    op.create_table(
        'staff_person',
        sa.Column('id_number_hash', sa.String(length=64), nullable=False),
        sa.Column('scope', sa.String(length=24), nullable=False),
        sa.Column('scope_key', sa.String(length=90), nullable=False),
        sa.Column('version', sa.Integer(), server_default='0', nullable=False),
        sa.CheckConstraint("scope_key = id_number_hash || ':' || scope",
                           name=op.f('ck_staff_person_scope_key')),
        sa.PrimaryKeyConstraint('id_number_hash', name=op.f('pk_staff_person')),
        sa.UniqueConstraint('scope_key', name=op.f('uq_staff_person_scope_key')),
    )
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE staff_member ADD COLUMN person_key VARCHAR(90) "
                   "CONSTRAINT fk_staff_member_person_key_staff_person "
                   "REFERENCES staff_person (scope_key)")
    else:
        op.add_column('staff_member', sa.Column('person_key', sa.String(length=90), nullable=True))
        op.create_foreign_key(op.f('fk_staff_member_person_key_staff_person'), 'staff_member',
                              'staff_person', ['person_key'], ['scope_key'])
    op.create_index(op.f('ix_staff_member_person_key'), 'staff_member', ['person_key'])
    op.execute(
        "INSERT INTO staff_person (id_number_hash, scope, scope_key, version) "
        f"SELECT id_number_hash, {SCOPE}, id_number_hash || ':' || {SCOPE}, 0 FROM staff_member "
        "WHERE active AND id_number_hash IS NOT NULL")
    op.execute(
        f"UPDATE staff_member SET person_key = id_number_hash || ':' || {SCOPE} "
        "WHERE active AND id_number_hash IS NOT NULL")
    op.drop_index('uq_staff_member_active_person', table_name='staff_member',
                  postgresql_where=sa.text('active'), sqlite_where=sa.text('active'))
    op.create_index('uq_staff_member_active_centre_person', 'staff_member',
                    ['centre_id', 'id_number_hash'], unique=True,
                    postgresql_where=sa.text('active'), sqlite_where=sa.text('active'))


def downgrade():
    # Going back to one active row per person: a person on several registers of one
    # operator keeps the oldest active row only (the others end, as 停用).
    op.execute(
        "UPDATE staff_member SET active = false WHERE active AND id_number_hash IS NOT NULL "
        "AND id > (SELECT MIN(s2.id) FROM staff_member s2 WHERE s2.active "
        "AND s2.id_number_hash = staff_member.id_number_hash)")
    op.drop_index('uq_staff_member_active_centre_person', table_name='staff_member',
                  postgresql_where=sa.text('active'), sqlite_where=sa.text('active'))
    op.create_index('uq_staff_member_active_person', 'staff_member', ['id_number_hash'],
                    unique=True, postgresql_where=sa.text('active'),
                    sqlite_where=sa.text('active'))
    op.drop_index(op.f('ix_staff_member_person_key'), table_name='staff_member')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite drops no column a foreign key uses: a batch rebuild, on the way down only.
        with op.batch_alter_table('staff_member') as batch_op:
            batch_op.drop_column('person_key')
    else:
        op.drop_constraint(op.f('fk_staff_member_person_key_staff_person'), 'staff_member',
                           type_='foreignkey')
        op.drop_column('staff_member', 'person_key')
    op.drop_table('staff_person')
