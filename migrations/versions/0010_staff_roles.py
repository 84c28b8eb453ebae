"""staff roles: what each staff account may do at its centre

`app_user.staff_role` (director, carer, health, finance; NULL for everyone but staff). Before
it every staff account had the director's powers; existing staff accounts become directors,
so nobody loses a power by the upgrade (issue #12, item 11).

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

NAME = 'ck_app_user_staff_role'
CHECK = ("(role = 'staff') = (staff_role IS NOT NULL) AND (staff_role IS NULL OR "
         "staff_role IN ('director', 'carer', 'health', 'finance'))")


def upgrade():
    bind = op.get_bind()
    op.add_column('app_user', sa.Column('staff_role', sa.String(length=12), nullable=True))
    op.execute("UPDATE app_user SET staff_role = 'director' WHERE role = 'staff'")
    if bind.dialect.name != 'sqlite':
        op.create_check_constraint(NAME, 'app_user', CHECK)
        return
    # SQLite cannot add a constraint to a table without rebuilding it, and a rebuild of
    # `app_user` would drop the table every other table refers to. The rows satisfy the CHECK
    # now, so it is written into the column's declaration, as 0009 does for `child`.
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = replace(sql, 'staff_role VARCHAR(12)', "
        "'staff_role VARCHAR(12) CONSTRAINT %s CHECK (%s)') WHERE type = 'table' "
        "AND name = 'app_user'" % (NAME, CHECK.replace("'", "''")))
    bind.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE app_user DROP COLUMN staff_role")
    else:
        op.drop_constraint(NAME, 'app_user', type_='check')
        op.drop_column('app_user', 'staff_role')
