"""A centre with one toddler class, its staff and children enrolled in that class."""
from datetime import date, datetime, time

import pytest

from booking.clock import LOCAL, now
from booking.extensions import db
from booking.reservations.models import Reservation
from booking.rosters import services
from tests import factories

MONDAY = date(2026, 11, 23)  # conftest.NOW is 10:00 on this Monday in Shanghai


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=LOCAL)


def staff(centre, role="childcare_worker", *, name=None, health=date(2027, 6, 30), **kw):
    return services.create_staff(centre.id, name=name or f"{role}-{factories._seq.__next__()}",
                                 role=role, health_cert_expires_on=health, **kw)


def enrol(group, n, *, birth_date=date(2025, 9, 1), starts_on=date(2026, 9, 1)):
    """`n` children enrolled in `group`. Enrolment itself is another area's service (with its
    health-check rules); the roster only reads enrolled rows, so they are written directly."""
    slot = factories.slot(group.centre, band=group.age_band, capacity=max(n, 1),
                          group_id=group.id, starts_on=starts_on)
    parent = factories.user("parent")
    out = []
    for _ in range(n):
        child = factories.child(parent, birth_date=birth_date)
        r = Reservation(slot_id=slot.id, child_id=child.id, parent_id=parent.id,
                        status="enrolled", enrolled_at=now())
        db.session.add(r)
        out.append(r)
    db.session.commit()
    return out


@pytest.fixture
def world(app):
    centre = factories.centre(opening_hours="07:30-18:00", open_days="Mon-Fri")
    group = factories.group(centre, "toddler", name="托小一班")
    user = factories.user("staff", centre_id=centre.id)
    return {"centre": centre, "group": group, "user": user}
