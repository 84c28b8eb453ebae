"""regulator scope is explicit; multiple_birth_key fits the keys the seeds make

`app_user.national`: a regulator sees the whole country only when this is set. Before it, a
regulator with neither district nor city saw everything; such accounts keep that reach
(they were made national, if by omission), and new ones must choose (issue #12).

`child.multiple_birth_key` was VARCHAR(40) while the seeds make keys of 43+ characters:
SQLite ignores the length, PostgreSQL refused them.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _key_length(old, new):
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.alter_column('child', 'multiple_birth_key', existing_type=sa.String(length=old),
                        type_=sa.String(length=new), existing_nullable=True)
        return
    # SQLite stores text the same whatever VARCHAR length is declared, so only the declared
    # type changes: rewriting the schema text is SQLite's documented way for such changes
    # ("Making Other Kinds Of Table Schema Changes"). A table rebuild would turn `child`'s
    # column CHECKs into table CHECKs that later `DROP COLUMN`s refuse, and drop the table
    # every booking refers to.
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = replace(sql, 'multiple_birth_key VARCHAR(%d)', "
        "'multiple_birth_key VARCHAR(%d)') WHERE type = 'table' AND name = 'child'" % (old, new))
    bind.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def upgrade():
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('national', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE app_user SET national = TRUE WHERE role = 'regulator' "
               "AND district_id IS NULL AND city IS NULL")
    _key_length(40, 120)


def downgrade():
    _key_length(120, 40)
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('national')
