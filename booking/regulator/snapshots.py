"""The daily coverage snapshot, so reports show a trend. Idempotent: one row per district
per day (a unique constraint), so two schedulers or a rerun add nothing twice."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..clock import today
from ..extensions import db
from ..transactions import command
from .models import CoverageSnapshot


class _Everyone:
    role, district_id, city = "admin", None, None


@command
def take_snapshot(on_date=None) -> int:
    from .services import coverage
    from ..centres.models import District

    on_date = on_date or today()
    done = set(db.session.scalars(select(CoverageSnapshot.district_id).where(
        CoverageSnapshot.on_date == on_date)))
    ids = dict(db.session.execute(select(District.code, District.id)).all())
    added = 0
    for row in coverage(_Everyone()):
        district_id = ids[row["district"]]
        if district_id in done:
            continue
        db.session.add(CoverageSnapshot(
            district_id=district_id, on_date=on_date, population=row["population"],
            places=row["places"], affordable_places=row["affordable_places"],
            public_places=row["public_places"], enrolled=row["enrolled"],
            waitlisted_children=row["waitlisted_children"]))
        added += 1
    try:
        db.session.commit()
    except IntegrityError:  # another process took today's snapshot first
        db.session.rollback()
        return 0
    return added


def trend(user, days=30):
    """(date, city, places, population) summed per city and day, oldest first."""
    from sqlalchemy import func

    from ..centres.models import District
    from .services import scope
    stmt = (select(CoverageSnapshot.on_date, District.city,
                   func.sum(CoverageSnapshot.places), func.sum(CoverageSnapshot.population))
            .join(District, District.id == CoverageSnapshot.district_id)
            .group_by(CoverageSnapshot.on_date, District.city)
            .order_by(CoverageSnapshot.on_date.desc(), District.city).limit(days * 10))
    rows = db.session.execute(scope(stmt, user)).all()
    return [(d, city, int(p), round(p / pop * 1000, 2) if pop else 0) for d, city, p, pop in reversed(rows)]
