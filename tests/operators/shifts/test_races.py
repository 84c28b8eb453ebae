"""PostgreSQL races (docs/workforce.md): the person's row queues register changes and
shifts of one person at several centres."""
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.errors import ShiftOverlap
from booking.extensions import db
from booking.rosters import persons
from booking.rosters import services as rosters
from booking.rosters.models import Shift, StaffMember
from booking.workforce import identity
from tests.concurrency.helpers import race

from .conftest import ID, MONDAY, at, carer

pytestmark = pytest.mark.usefixtures("pg_only")


def _register_at_once(app, ids, monkeypatch):
    looked = persons.others_active

    def slow_look(*args):
        # Widen the window between reading the person's other rows and writing this one.
        found = looked(*args)
        time.sleep(0.5)
        return found
    monkeypatch.setattr(persons, "others_active", slow_look)
    db.session.commit()
    db.session.remove()

    def add(i):
        with app.app_context():
            try:
                identity.set_id_number(ids[i], ID)
                return "set"
            except identity.SecondCentre:
                return "refused"
            finally:
                db.session.remove()

    return race(len(ids), add)


def test_two_operators_at_once_exactly_one_wins(app, net, monkeypatch):
    ids = [carer(net["a"]).id, carer(net["x"]).id]
    results = _register_at_once(app, ids, monkeypatch)
    assert Counter(results) == {"set": 1, "refused": 1}, results
    centres = db.session.scalars(select(StaffMember.centre_id).where(
        StaffMember.person_key.is_not(None), StaffMember.active.is_(True))).all()
    assert len(centres) == 1


def test_two_centres_of_one_operator_at_once_both_succeed(app, net, monkeypatch):
    ids = [carer(net["a"]).id, carer(net["b"]).id]
    results = _register_at_once(app, ids, monkeypatch)
    assert results == ["set", "set"], results
    keys = set(db.session.scalars(select(StaffMember.person_key).where(
        StaffMember.id.in_(ids))))
    assert len(keys) == 1 and None not in keys


def test_two_centres_roster_the_person_at_once_exactly_one_wins(app, net, monkeypatch):
    checked = rosters.check_shift

    def slow_check(*args, **kw):
        # Widen the window between the check and the insert: without the person's lock
        # both racers would pass the check and both insert.
        checked(*args, **kw)
        time.sleep(0.5)
    monkeypatch.setattr(rosters, "check_shift", slow_check)
    s1, s2 = carer(net["a"]), carer(net["b"])
    identity.set_id_number(s1.id, ID)
    identity.set_id_number(s2.id, ID)
    jobs = [(net["a"].id, s1.id, 8), (net["b"].id, s2.id, 10)]
    db.session.commit()
    db.session.remove()
    tuesday = MONDAY + timedelta(days=1)

    def add(i):
        centre_id, staff_id, hour = jobs[i]
        with app.app_context():
            try:
                rosters.add_shift(centre_id, staff_member_id=staff_id, group_id=None,
                                  starts_at=at(tuesday, hour), ends_at=at(tuesday, hour + 3))
                return "added"
            except ShiftOverlap:
                return "refused"
            finally:
                db.session.remove()

    results = race(2, add)
    assert Counter(results) == {"added": 1, "refused": 1}, results
    assert db.session.scalar(select(func.count(Shift.id))) == 1
