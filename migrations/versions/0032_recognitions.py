"""普惠 recognition and star ratings as decisions of the authority (docs/recognition.md): the
recognition table, and for each centre already marked 普惠 or starred a granted recognition
from the centre's creation for three years, so nothing shown changes.

Revision ID: 0032
Revises: 0031
"""
from datetime import date, datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa

import booking.types  # noqa: F401 - column types used below


# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

REASON = '迁移：原有登记'
BEIJING = timezone(timedelta(hours=8))


def _end(start: date) -> date:
    try:
        end = start.replace(year=start.year + 3)
    except ValueError:
        end = start.replace(year=start.year + 3, day=28)
    return end - timedelta(days=1)


def rows_for(centres, at: datetime) -> list[dict]:
    """The grants for (id, affordable, star_rating, created_at) rows: created_at is naive UTC
    as stored; the term starts on its Beijing date."""
    rows = []
    for centre_id, affordable, stars, created in centres:
        start = (created.replace(tzinfo=timezone.utc).astimezone(BEIJING).date()
                 if created else at.astimezone(BEIJING).date())
        base = {'centre_id': centre_id, 'status': 'granted', 'applied_at': at,
                'decided_at': at, 'valid_from': start,
                'valid_until': _end(start), 'reason': REASON}
        if affordable:
            rows.append(dict(base, kind='affordable', stars=None))
        if stars and stars > 0:
            rows.append(dict(base, kind='star', stars=int(stars)))
    return rows


def upgrade():
    recognition = op.create_table('recognition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('stars', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('applied_at', booking.types.UTCDateTime(), nullable=False),
    sa.Column('applied_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', booking.types.UTCDateTime(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('ended_at', booking.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('affordable', 'star')", name=op.f('ck_recognition_kind')),
    sa.CheckConstraint("status IN ('applied', 'granted', 'refused', 'withdrawn', 'expired')", name=op.f('ck_recognition_status')),
    sa.CheckConstraint("(kind = 'star') = (stars IS NOT NULL)", name=op.f('ck_recognition_star_has_stars')),
    sa.CheckConstraint('stars IS NULL OR stars BETWEEN 1 AND 5', name=op.f('ck_recognition_stars_range')),
    sa.CheckConstraint("status NOT IN ('granted', 'withdrawn', 'expired') OR (valid_from IS NOT NULL AND valid_until IS NOT NULL AND valid_until >= valid_from)", name=op.f('ck_recognition_granted_has_term')),
    sa.CheckConstraint("status NOT IN ('refused', 'withdrawn') OR reason IS NOT NULL", name=op.f('ck_recognition_refusal_has_reason')),
    sa.ForeignKeyConstraint(['applied_by'], ['app_user.id'], name=op.f('fk_recognition_applied_by_app_user')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_recognition_centre_id_centre')),
    sa.ForeignKeyConstraint(['decided_by'], ['app_user.id'], name=op.f('fk_recognition_decided_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recognition'))
    )
    op.create_index('ix_recognition_centre_kind', 'recognition', ['centre_id', 'kind', 'status'], unique=False)
    centres = op.get_bind().execute(sa.text(
        'SELECT id, affordable, star_rating, created_at FROM centre '
        'WHERE affordable = true OR star_rating > 0 ORDER BY id')).all()
    rows = rows_for(centres, datetime.now(timezone.utc))
    if rows:
        op.bulk_insert(recognition, rows)


def downgrade():
    op.drop_index('ix_recognition_centre_kind', table_name='recognition')
    op.drop_table('recognition')
