"""Centres in the seeded cities with their subsidy rates set as the seeds set them, and helpers
to enrol children and record their attendance. conftest.NOW is 2026-11-23 (Beijing): October
2026 is the last month that has ended — 31 days, 18 working days (国庆 1–7 October)."""
from datetime import date, datetime, time, timedelta

import pytest

from booking.centres.models import CityPolicy
from booking.clock import LOCAL
from booking.extensions import db
from booking.health.models import Attendance
from booking.regulator.workdays import is_workday
from booking.reservations.models import Reservation
from tests import factories as f

OCT = "2026-10"
OCT_1 = date(2026, 10, 1)
CAPS = dict(cap_infant_fen=200000, cap_toddler_fen=180000, cap_preschool_fen=160000,
            cap_mixed_fen=170000, health_check_valid_days=90)
# The seeds' centre subsidy rates (seeds/): 阿拉尔 pays none.
RATES = {
    "白银": dict(operating_subsidy_fen=20000, construction_subsidy_fen=1_000_000),
    "大连": dict(operating_subsidy_fen=30000, operating_min_attendance_pct=50,
               construction_subsidy_fen=1_000_000),
    "北京": dict(operating_subsidy_fen=40000),
    "西安": dict(sibling_reward_pct=50, second_child_reduction_pct=10,
               third_child_reduction_pct=20),
    "阿拉尔": {},
}


def at(day: date, hh: int = 9) -> datetime:
    return datetime.combine(day, time(hh), tzinfo=LOCAL)


def version(city: str, effective_from: date = date(2025, 1, 1), **rates) -> CityPolicy:
    p = CityPolicy(city=city, effective_from=effective_from, **CAPS, **rates)
    db.session.add(p)
    db.session.commit()
    return p


class World:
    pass


def make_world(city: str, *, category="affordable", fee=150000, policy=True) -> World:
    """A centre of `city` with its staff and an affordable slot from 1 September 2026;
    `policy`: also the city's policy version (once per city)."""
    w = World()
    w.city = city
    w.policy = version(city, **RATES[city]) if policy else None
    w.district = f.district(city=city)
    w.centre = f.centre(w.district)
    w.director = f.user("staff", centre_id=w.centre.id, staff_role="director")
    w.finance = f.user("staff", centre_id=w.centre.id, staff_role="finance")
    w.carer = f.user("staff", centre_id=w.centre.id, staff_role="carer")
    w.slot = f.slot(w.centre, category=category, fee=fee, starts_on=date(2026, 9, 1),
                    capacity=10)
    w.parent = f.user("parent")
    return w


@pytest.fixture
def city_world(app):
    return make_world


def enrol(w, *, on: date = date(2026, 9, 1), birth_date=date(2025, 6, 1), parent=None,
          slot=None, name=None):
    parent = parent or w.parent
    kid = f.child(parent, birth_date=birth_date, name=name)
    r = Reservation(slot_id=(slot or w.slot).id, child_id=kid.id, parent_id=parent.id,
                    status="enrolled", enrolled_at=at(on))
    db.session.add(r)
    db.session.commit()
    return kid, r


def open_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)
            if is_workday(first + timedelta(days=i))[0]]


def attend(r, days, *, absent=False):
    for day in days:
        db.session.add(Attendance(reservation_id=r.id, on_date=day, absent=absent,
                                  arrived_at=None if absent else at(day, 8)))
    db.session.commit()
