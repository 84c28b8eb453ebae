"""就近 search: coordinates (GCJ-02) and pinyin keys for districts and centres

`latitude`, `longitude` (GCJ-02 degrees, both or neither) and `name_pinyin`, `name_initials`
(booking/centres/pinyin.py) on `district` and `centre`, with `ix_centre_point` (latitude,
longitude) for the distance search's prefilter. Existing rows get their pinyin keys here; coordinates stay
blank until `flask seed` (seeded centres) or the centre's staff (docs/search.md) fill them.

Plain ADD COLUMNs with column checks, on both databases: SQLite then adds and drops the
columns without rebuilding the tables (a column's own CHECK goes with it when it is dropped).

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

from booking.centres.pinyin import INITIALS_MAX, PINYIN_MAX, keys

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

TABLES = ('district', 'centre')
LATITUDE_CHECK = "latitude IS NULL OR latitude BETWEEN -90 AND 90"
LONGITUDE_CHECK = ("(longitude IS NULL) = (latitude IS NULL) AND "
                   "(longitude IS NULL OR longitude BETWEEN -180 AND 180)")


def _add_point(table):
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"ALTER TABLE {table} ADD COLUMN latitude FLOAT "
                   f"CONSTRAINT ck_{table}_latitude_range CHECK ({LATITUDE_CHECK})")
        op.execute(f"ALTER TABLE {table} ADD COLUMN longitude FLOAT "
                   f"CONSTRAINT ck_{table}_longitude_range CHECK ({LONGITUDE_CHECK})")
    else:
        op.add_column(table, sa.Column('latitude', sa.Float(), nullable=True))
        op.add_column(table, sa.Column('longitude', sa.Float(), nullable=True))
        op.create_check_constraint(f'ck_{table}_latitude_range', table, LATITUDE_CHECK)
        op.create_check_constraint(f'ck_{table}_longitude_range', table, LONGITUDE_CHECK)


def upgrade():
    for table in TABLES:
        _add_point(table)
        op.add_column(table, sa.Column('name_pinyin', sa.String(length=PINYIN_MAX), nullable=True))
        op.add_column(table, sa.Column('name_initials', sa.String(length=INITIALS_MAX),
                                       nullable=True))
    op.create_index('ix_centre_point', 'centre', ['latitude', 'longitude'], unique=False)
    conn = op.get_bind()
    for table in TABLES:
        rows = conn.execute(sa.text(f"SELECT id, name FROM {table}")).all()
        for row_id, name in rows:
            full, initials = keys(name)
            conn.execute(sa.text(f"UPDATE {table} SET name_pinyin = :p, name_initials = :i "
                                 f"WHERE id = :id"), {"p": full, "i": initials, "id": row_id})


def downgrade():
    op.drop_index('ix_centre_point', table_name='centre')
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table in reversed(TABLES):
        op.drop_column(table, 'name_initials')
        op.drop_column(table, 'name_pinyin')
        if not sqlite:
            op.drop_constraint(f'ck_{table}_longitude_range', table, type_='check')
            op.drop_constraint(f'ck_{table}_latitude_range', table, type_='check')
        # longitude's check names latitude: longitude goes first.
        op.drop_column(table, 'longitude')
        op.drop_column(table, 'latitude')
