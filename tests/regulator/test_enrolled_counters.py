"""The slots' enrolled counters (issue 21, part 3): kept by the database for every writer,
read by the coverage report with a correction for leavers and transfers, checked and
repaired by `flask places recount`. The randomized check is an invariant of the booking
state machine (tests/reservations/test_stateful.py), and every test of the suite ends with
the counters compared to a recount (tests/conftest.py)."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text, update

from booking import clock
from booking.audit.models import AuditEvent
from booking.centres.models import Centre
from booking.clock import now as clock_now
from booking.extensions import db as _db
from booking.places import counters, sweeps
from booking.regulator import services
from booking.reservations import enrolment, leaving
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.slots.models import Slot
from tests import factories as f
from tests.conftest import NOW
from tests.regulator.test_counts_once import Everyone, enrol, passed_check, row_of


def counted_from_counters() -> dict:
    q = services.enrolled_by(Centre.district_id)
    return {d: int(n) for d, n in _db.session.execute(select(q.c.district_id, q.c.enrolled))
            if n}


def counted_from_reservations() -> dict:
    """The report's figure as it was counted before the counters: from the reservations."""
    rows = _db.session.execute(
        select(Centre.district_id, func.count(Reservation.id))
        .join(Slot, Slot.centre_id == Centre.id)
        .join(Reservation, Reservation.slot_id == Slot.id)
        .where(Reservation.id.in_(services._counted_enrolments(clock_now())))
        .group_by(Centre.district_id)).all()
    return {d: n for d, n in rows if n}


def counter(slot_id) -> int:
    return _db.session.scalar(select(Slot.enrolled_count).where(Slot.id == slot_id))


def test_counters_follow_enrolment_leaving_and_the_sweep(db):
    d = f.district(population=100_000)
    slot = f.slot(f.centre(d), capacity=3, starts_on=date(2026, 12, 1))
    kids = []
    for _ in range(2):
        parent = f.user()
        kid = f.child(parent)
        passed_check(parent, kid)
        kids.append((parent, kid))
    first = enrol(slot, *kids[0])
    enrol(slot, *kids[1])
    assert counter(slot.id) == 2
    assert counted_from_counters() == counted_from_reservations() == {d.id: 2}
    # A leaving day in the future: still in care, still counted.
    clock.set(NOW + timedelta(days=12))
    staff = f.user("staff", centre_id=slot.centre_id)
    leaving.end_care(first.id, staff, on_date=date(2026, 12, 10), reason="搬家")
    assert counted_from_counters() == counted_from_reservations() == {d.id: 2}
    # The day after: no longer in care, although no row changed yet.
    clock.set(NOW + timedelta(days=18))
    assert counter(slot.id) == 2
    assert counted_from_counters() == counted_from_reservations() == {d.id: 1}
    assert row_of(services.coverage(Everyone()), d)["enrolled"] == 1
    sweeps.release_leavers()
    assert counter(slot.id) == 1
    assert counted_from_counters() == counted_from_reservations() == {d.id: 1}


@pytest.fixture
def two_districts_world(db):
    """A child in care since 1 December in district one (the clock at 10 December); a slot
    starting 1 January in district two."""
    one, two = f.district(population=100_000), f.district(population=100_000)
    old = f.slot(f.centre(one), capacity=4, starts_on=date(2026, 12, 1))
    new = f.slot(f.centre(two), capacity=4, starts_on=date(2027, 1, 1))
    parent = f.user()
    kid = f.child(parent)
    passed_check(parent, kid)
    enrol(old, parent, kid)
    clock.set(NOW + timedelta(days=17))
    return one, two, old, new, parent, kid


def test_a_transfer_counts_the_child_once_at_the_old_care_until_it_ends(two_districts_world):
    old_d, new_d, old, new, parent, kid = two_districts_world
    enrol(new, parent, kid, transfer=True)
    assert counter(old.id) == 1 and counter(new.id) == 1
    assert counted_from_counters() == counted_from_reservations() == {old_d.id: 1}
    clock.set(NOW + timedelta(days=200))
    assert counted_from_counters() == counted_from_reservations() == {new_d.id: 1}


def test_only_approved_centres_count(two_districts_world):
    old_d, _new_d, old, _new, _parent, _kid = two_districts_world
    _db.session.execute(text("UPDATE filing SET status = 'suspended' WHERE centre_id = :c"),
                        {"c": old.centre_id})
    assert counted_from_counters() == counted_from_reservations() == {}


def test_recount_finds_and_repairs_a_drift(db, runner):
    d = f.district(population=100_000)
    slot = f.slot(f.centre(d), capacity=3)
    parent = f.user()
    kid = f.child(parent)
    passed_check(parent, kid)
    enrol(slot, parent, kid)
    assert counters.drift() == []
    _db.session.execute(update(Slot).where(Slot.id == slot.id).values(enrolled_count=5))
    _db.session.commit()
    out = runner.invoke(args=["places", "recount"]).output
    assert "1 slots" in out and f"slot #{slot.id}: counter 5, reservations 1" in out
    assert counter(slot.id) == 5  # without --fix nothing changes
    out = runner.invoke(args=["places", "recount", "--fix"]).output
    assert "repaired 1 slots" in out
    assert counter(slot.id) == 1 and counters.drift() == []
    event = _db.session.scalars(select(AuditEvent)
                                .where(AuditEvent.action == "slot.counters_repaired")).one()
    assert event.entity_id == slot.id
    assert "matches" in runner.invoke(args=["places", "recount"]).output


def test_bulk_statements_keep_the_counters_too(db):
    """Triggers, not the services, keep the counters: a set-based UPDATE or DELETE (a job, a
    draw, an operator's repair) moves them as an ORM write does."""
    slot, other = f.slot(f.centre(), capacity=3), f.slot(f.centre(), capacity=3)
    parent = f.user()
    kids = [f.child(parent) for _ in range(3)]
    for kid in kids:
        _db.session.add(Reservation(slot_id=slot.id, child_id=kid.id, parent_id=parent.id,
                                    status="enrolled", enrolled_at=NOW))
    _db.session.commit()
    assert counter(slot.id) == 3
    _db.session.execute(text("UPDATE reservation SET status = 'withdrawn' WHERE child_id = :c"),
                        {"c": kids[0].id})
    _db.session.execute(text("UPDATE reservation SET slot_id = :s WHERE child_id = :c"),
                        {"s": other.id, "c": kids[1].id})
    assert (counter(slot.id), counter(other.id)) == (1, 1)
    _db.session.execute(text("DELETE FROM reservation WHERE child_id = :c"), {"c": kids[2].id})
    assert (counter(slot.id), counter(other.id)) == (0, 1)
    _db.session.rollback()
    assert counter(slot.id) == 3  # undone with the transaction
