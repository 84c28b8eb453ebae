"""A Xi'an centre (10 % second child, 20 % third, 3 months prepaid) with its staff, and
helpers to enrol children. conftest.NOW is 2026-11-23 10:00 in Shanghai."""
from datetime import date, datetime, time

import pytest

from booking.clock import LOCAL
from booking.extensions import db
from booking.reservations.models import Reservation
from tests import factories as f


def at(day: date, hh: int = 10) -> datetime:
    return datetime.combine(day, time(hh), tzinfo=LOCAL)


def enrol(slot, parent, child, *, on: date | None = None) -> Reservation:
    """An enrolment written directly (enrolling has its own health-check rules, tested in
    reservations/); `on` is the day it was confirmed."""
    r = Reservation(slot_id=slot.id, child_id=child.id, parent_id=parent.id, status="enrolled",
                    enrolled_at=at(on or slot.starts_on, 9))
    db.session.add(r)
    db.session.commit()
    return r


def sibling(parent, birth_date, name=None):
    return f.child(parent, birth_date=birth_date, name=name)


class World:
    pass


@pytest.fixture
def world(app):
    w = World()
    w.policy = f.policy("西安")
    w.policy.second_child_reduction_pct = 10
    w.policy.third_child_reduction_pct = 20
    w.policy.max_prepaid_months = 3
    db.session.commit()
    w.centre = f.centre(f.district(city="西安"))
    w.staff = f.user("staff", centre_id=w.centre.id)
    # 1,800 yuan a month, in care from 1 September 2026.
    w.slot = f.slot(w.centre, fee=180000, starts_on=date(2026, 9, 1), capacity=10)
    w.parent = f.user("parent")
    return w
