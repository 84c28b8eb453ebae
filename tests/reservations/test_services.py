"""Holding, cancelling, confirming and releasing places: every rule and every refusal."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from booking.places import sweeps
from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.errors import (AgeOutOfBand, AlreadyReserved, Conflict, Forbidden,
                            HealthCheckRequired, NotFound, SlotFull)
from booking.health.models import HealthCheck
from booking.reservations import services as reservations
from booking.reservations import enrolment
from booking.reservations.models import Reservation
from booking.slots import services as slots
from booking.slots.queries import availability
from booking.waitlists import services as waitlists
from booking.waitlists.models import WaitlistEntry
from tests import factories as f
from tests.conftest import NOW

HOLD = timedelta(hours=48)        # TUOWEI_HOLD_TTL_SECONDS default
OFFER = timedelta(hours=24)       # TUOWEI_OFFER_TTL_SECONDS default
STARTS = date(2027, 3, 1)         # the factories' slot start date


def family(birth_date=date(2025, 9, 1)):
    parent = f.user()
    return parent, f.child(parent, birth_date=birth_date)


def health_check(child, by, *, status="verified", result="pass", vaccination_verified=True,
                 examined_on=date(2026, 11, 20), valid_until=STARTS):
    from booking.extensions import db
    check = HealthCheck(child_id=child.id, examined_on=examined_on, institution="雁塔区妇幼保健院",
                        result=result, vaccination_verified=vaccination_verified, status=status,
                        valid_until=valid_until, submitted_by=by.id)
    db.session.add(check)
    db.session.commit()
    return check


def events(db, action, entity_id=None):
    stmt = select(AuditEvent).where(AuditEvent.action == action)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    return db.session.scalars(stmt.order_by(AuditEvent.id)).all()


def notes(db, user, kind):
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)).all()


@pytest.fixture
def world(db):
    c = f.centre()
    return {"centre": c, "slot": f.slot(c, capacity=2), "staff": f.user("staff", centre_id=c.id)}


# -- holding -----------------------------------------------------------------------------

def test_hold_lasts_the_hold_ttl_and_is_audited(world, db):
    parent, kid = family()
    hold = reservations.place_hold(slot_id=world["slot"].id, child_id=kid.id, parent=parent)
    assert hold.status == "held" and hold.expires_at == NOW + HOLD
    assert hold.parent_id == parent.id and hold.created_at == NOW
    [event] = events(db, "reservation.held", hold.id)
    assert event.actor_id == parent.id and event.centre_id == world["centre"].id
    assert availability(world["slot"]) == 1


@pytest.mark.parametrize("band, birth_date, fits", [
    # age in whole months on the slot's start date, 2027-03-01; toddler is 12 ≤ m < 24
    ("toddler", date(2026, 3, 1), True),    # exactly 12 months
    ("toddler", date(2026, 3, 2), False),   # one day short of 12 months: 11
    ("toddler", date(2025, 3, 2), True),    # 23 months
    ("toddler", date(2025, 3, 1), False),   # exactly 24 months: the next band
    ("infant", date(2026, 9, 1), True),     # exactly 6 months
    ("infant", date(2026, 9, 2), False),    # 5 months
    ("infant", date(2026, 3, 2), True),     # 11 months
    ("infant", date(2026, 3, 1), False),    # 12 months
    ("preschool", date(2024, 3, 2), True),  # 35 months
    ("preschool", date(2024, 3, 1), False),  # 36 months
    ("mixed", date(2025, 9, 1), True),      # 18 months
    ("mixed", date(2025, 9, 2), False),     # 17 months
])
def test_age_band_boundaries_on_the_start_date(db, band, birth_date, fits):
    s = f.slot(band=band, capacity=1)
    parent, kid = family(birth_date)
    if fits:
        assert reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent).status == "held"
    else:
        with pytest.raises(AgeOutOfBand):
            reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
        assert db.session.scalar(select(func.count(Reservation.id))) == 0


def test_age_counts_on_the_start_date_not_today(db):
    parent, kid = family(date(2026, 3, 1))  # 8 months today, 12 months on 2027-03-01
    infant = f.slot(band="infant", capacity=1)
    toddler = f.slot(band="toddler", capacity=1)
    with pytest.raises(AgeOutOfBand):
        reservations.place_hold(slot_id=infant.id, child_id=kid.id, parent=parent)
    assert reservations.place_hold(slot_id=toddler.id, child_id=kid.id, parent=parent)


def test_one_live_reservation_per_child_per_slot(world, db):
    parent, kid = family()
    hold = reservations.place_hold(slot_id=world["slot"].id, child_id=kid.id, parent=parent)
    with pytest.raises(AlreadyReserved):
        reservations.place_hold(slot_id=world["slot"].id, child_id=kid.id, parent=parent)
    health_check(kid, parent)
    enrolment.confirm(hold.id, world["staff"])
    with pytest.raises(AlreadyReserved):
        reservations.place_hold(slot_id=world["slot"].id, child_id=kid.id, parent=parent)
    assert db.session.scalar(select(func.count(Reservation.id))) == 1


def test_full_slot_refuses_with_a_waitlist_link(world, db):
    for _ in range(2):
        p, k = family()
        reservations.place_hold(slot_id=world["slot"].id, child_id=k.id, parent=p)
    parent, kid = family()
    with pytest.raises(SlotFull) as err:
        reservations.place_hold(slot_id=world["slot"].id, child_id=kid.id, parent=parent)
    assert err.value.extra["waitlist_url"] == f"/api/v1/waitlist?slot_id={world['slot'].id}"
    assert db.session.scalar(select(func.count(Reservation.id))) == 2
    assert availability(world["slot"]) == 0


def test_a_visibly_full_slot_is_refused_in_one_read_without_its_lock(db):
    """The rush's common answer (bench/RESULTS.md): no slot write, nothing committed; the
    same refusals as the locked path, whose errors still come first."""
    from booking.slots.models import Slot
    s = f.slot(capacity=1)
    first, kid1 = family()
    reservations.place_hold(slot_id=s.id, child_id=kid1.id, parent=first)
    version = db.session.get(Slot, s.id).version
    second, kid2 = family()
    with pytest.raises(SlotFull):
        reservations.place_hold(slot_id=s.id, child_id=kid2.id, parent=second)
    db.session.expire_all()
    assert db.session.get(Slot, s.id).version == version
    with pytest.raises(AlreadyReserved):  # the holder asking again hears why, not "full"
        reservations.place_hold(slot_id=s.id, child_id=kid1.id, parent=first)
    baby = f.child(second, birth_date=STARTS - timedelta(days=30))
    with pytest.raises(AgeOutOfBand):
        reservations.place_hold(slot_id=s.id, child_id=baby.id, parent=second)
    clock.advance(HOLD)  # the hold lapses: the locked path tidies it and gives the place
    assert reservations.place_hold(slot_id=s.id, child_id=kid2.id, parent=second).status == "held"


def test_strangers_and_unapproved_centres_are_refused(db):
    parent, kid = family()
    stranger = f.user()
    s = f.slot(capacity=1)
    with pytest.raises(NotFound):
        reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=stranger)
    with pytest.raises(NotFound):
        reservations.place_hold(slot_id=999999, child_id=kid.id, parent=parent)
    draft = f.slot(f.centre(approved=False), capacity=1)
    with pytest.raises(Conflict):
        reservations.place_hold(slot_id=draft.id, child_id=kid.id, parent=parent)
    assert db.session.scalar(select(func.count(Reservation.id))) == 0


# -- lapsing -----------------------------------------------------------------------------

def test_a_lapsed_hold_frees_the_place_without_any_job(db):
    s = f.slot(capacity=1)
    first, kid1 = family()
    hold = reservations.place_hold(slot_id=s.id, child_id=kid1.id, parent=first)
    second, kid2 = family()
    with pytest.raises(SlotFull):
        reservations.place_hold(slot_id=s.id, child_id=kid2.id, parent=second)
    clock.advance(HOLD - timedelta(seconds=1))
    assert availability(s) == 0
    clock.advance(timedelta(seconds=1))  # expires_at itself: no longer live
    assert availability(s) == 1
    assert db.session.get(Reservation, hold.id).status == "held"  # no job has run
    new = reservations.place_hold(slot_id=s.id, child_id=kid2.id, parent=second)
    assert new.status == "held"
    # the booking tidied the lapsed hold in its own transaction
    db.session.expire_all()
    assert db.session.get(Reservation, hold.id).status == "expired"
    assert len(events(db, "reservation.expired", hold.id)) == 1
    assert len(notes(db, first, "hold_lapsed")) == 1


def test_the_same_child_holds_again_after_its_hold_lapsed(db):
    s = f.slot(capacity=1)
    parent, kid = family()
    old = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    clock.advance(HOLD)
    new = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    assert new.id != old.id and db.session.get(Reservation, old.id).status == "expired"


def test_a_lapse_no_job_processed_goes_to_the_queue_not_to_a_newcomer(db):
    s = f.slot(capacity=1)
    holder, kid = family()
    reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=holder)
    waiting_parent, waiting_kid = family()
    [entry] = waitlists.join(slot_id=s.id, child_id=waiting_kid.id, parent=waiting_parent)
    assert entry.status == "waiting"
    clock.advance(HOLD + timedelta(minutes=1))
    newcomer, new_kid = family()
    with pytest.raises(SlotFull):
        reservations.place_hold(slot_id=s.id, child_id=new_kid.id, parent=newcomer)
    db.session.expire_all()
    entry = db.session.get(WaitlistEntry, entry.id)
    assert entry.status == "offered" and entry.reservation.status == "held"
    assert db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.child_id == new_kid.id)) == 0


def test_a_waiting_child_that_asks_again_gets_its_offer_not_a_second_hold(db):
    """Two lapsed holds no job processed; the child first in the queue asks for a place: the
    queue offers it one, and that offer is its answer (once a unique-index violation, a 500)."""
    s = f.slot(capacity=2)
    for _ in range(2):
        p, k = family()
        reservations.place_hold(slot_id=s.id, child_id=k.id, parent=p)
    parent, kid = family()
    [entry] = waitlists.join(slot_id=s.id, child_id=kid.id, parent=parent)
    clock.advance(HOLD + timedelta(minutes=1))
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    db.session.expire_all()
    assert db.session.get(WaitlistEntry, entry.id).reservation_id == hold.id
    assert db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.child_id == kid.id)) == 1


def test_release_lapsed_expires_offers_on_and_is_idempotent(db):
    s = f.slot(capacity=1)
    holder, kid = family()
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=holder)
    p2, k2 = family()
    [entry] = waitlists.join(slot_id=s.id, child_id=k2.id, parent=p2)
    assert sweeps.release_lapsed() == 0
    clock.advance(HOLD)
    assert sweeps.release_lapsed() == 1
    assert sweeps.release_lapsed() == 0
    db.session.expire_all()
    assert db.session.get(Reservation, hold.id).status == "expired"
    entry = db.session.get(WaitlistEntry, entry.id)
    assert entry.status == "offered" and entry.offer_expires_at == clock.now() + OFFER
    assert len(events(db, "reservation.expired")) == 1
    assert len(events(db, "waitlist.offered", entry.id)) == 1
    assert len(notes(db, p2, "offer_made")) == 1


def test_reminders_go_once_per_hold_within_two_hours(db):
    s = f.slot(capacity=3)
    parent, kid = family()
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    clock.advance(timedelta(hours=1))
    later_parent, later_kid = family()
    reservations.place_hold(slot_id=s.id, child_id=later_kid.id, parent=later_parent)
    assert sweeps.remind_lapsing() == 0
    clock.advance(HOLD - timedelta(hours=2))  # first hold lapses in 1 h, the second in 2 h
    assert sweeps.remind_lapsing() == 2
    assert sweeps.remind_lapsing() == 0
    clock.advance(timedelta(minutes=30))
    assert sweeps.remind_lapsing() == 0
    assert len(notes(db, parent, "hold_lapsing")) == 1
    assert len(notes(db, later_parent, "hold_lapsing")) == 1
    assert db.session.get(Reservation, hold.id).reminded_at is not None


# -- cancelling --------------------------------------------------------------------------

def test_cancel_frees_the_place_and_offers_it_on(world, db):
    s = f.slot(world["centre"], capacity=1)
    parent, kid = family()
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    p2, k2 = family()
    [entry] = waitlists.join(slot_id=s.id, child_id=k2.id, parent=p2)
    done = reservations.cancel(hold.id, parent)
    assert done.status == "cancelled" and done.ended_at == NOW
    assert done.end_reason == "cancelled by parent"
    db.session.expire_all()
    entry = db.session.get(WaitlistEntry, entry.id)
    assert entry.status == "offered"
    assert entry.reservation.status == "held" and entry.reservation.expires_at == NOW + OFFER
    assert availability(s) == 0
    assert [e.actor_id for e in events(db, "reservation.cancelled", hold.id)] == [parent.id]
    assert len(events(db, "waitlist.offered", entry.id)) == 1
    assert notes(db, parent, "reservation_cancelled") == []  # they did it themselves


def test_staff_cancel_tells_the_parent(world, db):
    parent, kid = family()
    hold = reservations.place_hold(slot_id=world["slot"].id, child_id=kid.id, parent=parent)
    assert reservations.cancel(hold.id, world["staff"]).end_reason == "cancelled by centre"
    assert len(notes(db, parent, "reservation_cancelled")) == 1


def test_cancel_refusals(world, db):
    parent, kid = family()
    hold = reservations.place_hold(slot_id=world["slot"].id, child_id=kid.id, parent=parent)
    with pytest.raises(NotFound):
        reservations.cancel(hold.id, f.user())  # another parent
    with pytest.raises(NotFound):
        reservations.cancel(hold.id, f.user("staff", centre_id=f.centre().id))
    with pytest.raises(Forbidden):
        reservations.cancel(hold.id, f.user("regulator"))
    with pytest.raises(NotFound):
        reservations.cancel(999999, parent)
    db.session.rollback()
    clock.advance(HOLD)
    with pytest.raises(Conflict):  # lapsed: nothing left to cancel
        reservations.cancel(hold.id, parent)
    db.session.rollback()
    other_parent, other = family()
    live = reservations.place_hold(slot_id=world["slot"].id, child_id=other.id, parent=other_parent)
    reservations.cancel(live.id, other_parent)
    with pytest.raises(Conflict):
        reservations.cancel(live.id, other_parent)
    db.session.rollback()
    assert len(events(db, "reservation.cancelled")) == 1


# -- confirming --------------------------------------------------------------------------

def test_confirm_with_a_valid_check_enrols(world, db):
    parent, kid = family()
    hold = reservations.place_hold(slot_id=world["slot"].id, child_id=kid.id, parent=parent)
    health_check(kid, parent, valid_until=STARTS)  # valid on the start date itself
    r = enrolment.confirm(hold.id, world["staff"])
    assert r.status == "enrolled" and r.enrolled_at == NOW
    assert [e.actor_id for e in events(db, "reservation.enrolled", hold.id)] == [world["staff"].id]
    assert len(notes(db, parent, "enrolled")) == 1
    clock.advance(HOLD * 2)  # an enrolment never lapses
    assert availability(world["slot"]) == 1
    assert sweeps.release_lapsed() == 0


@pytest.mark.parametrize("bad", [
    None,
    {"status": "submitted"},
    {"status": "rejected"},
    {"result": "fail"},
    {"result": "follow_up"},
    {"vaccination_verified": False},
    {"valid_until": STARTS - timedelta(days=1)},
    {"examined_on": STARTS + timedelta(days=1), "valid_until": STARTS + timedelta(days=90)},
])
def test_confirm_needs_a_verified_passing_check_valid_on_the_start_date(world, db, bad):
    parent, kid = family()
    hold = reservations.place_hold(slot_id=world["slot"].id, child_id=kid.id, parent=parent)
    if bad is not None:
        health_check(kid, parent, **bad)
    health_check(f.child(parent), parent)  # a sibling's check does not count
    with pytest.raises(HealthCheckRequired):
        enrolment.confirm(hold.id, world["staff"])
    db.session.rollback()
    assert db.session.get(Reservation, hold.id).status == "held"
    assert events(db, "reservation.enrolled") == []


def test_confirm_refusals(world, db):
    parent, kid = family()
    hold = reservations.place_hold(slot_id=world["slot"].id, child_id=kid.id, parent=parent)
    health_check(kid, parent)
    with pytest.raises(Forbidden):
        enrolment.confirm(hold.id, parent)  # parents do not enrol themselves
    with pytest.raises(NotFound):
        enrolment.confirm(hold.id, f.user("staff", centre_id=f.centre().id))
    db.session.rollback()
    clock.advance(HOLD)
    with pytest.raises(Conflict):  # a lapsed hold cannot be enrolled, even before the sweep
        enrolment.confirm(hold.id, world["staff"])
    db.session.rollback()
    assert db.session.get(Reservation, hold.id).status == "held"


def test_confirm_of_a_cancelled_hold_is_refused(world, db):
    parent, kid = family()
    hold = reservations.place_hold(slot_id=world["slot"].id, child_id=kid.id, parent=parent)
    health_check(kid, parent)
    reservations.cancel(hold.id, parent)
    with pytest.raises(Conflict):
        enrolment.confirm(hold.id, world["staff"])


# -- capacity ----------------------------------------------------------------------------

def test_capacity_cannot_drop_below_what_is_taken(world, db):
    s = f.slot(world["centre"], capacity=3)
    holds = []
    for _ in range(2):
        p, k = family()
        holds.append(reservations.place_hold(slot_id=s.id, child_id=k.id, parent=p))
    with pytest.raises(Conflict) as err:
        slots.change_slot(s.id, capacity=1, actor=world["staff"])
    assert err.value.errors["capacity"]
    db.session.rollback()
    assert db.session.get(type(s), s.id).capacity == 3
    assert slots.change_slot(s.id, capacity=2, actor=world["staff"]).capacity == 2
    clock.advance(HOLD)  # lapsed holds are not taken
    assert slots.change_slot(s.id, capacity=0, actor=world["staff"]).capacity == 0
    assert len(events(db, "slot.changed", s.id)) == 2


def test_raising_capacity_offers_to_the_queue_in_order(world, db):
    s = f.slot(world["centre"], capacity=1)
    p, k = family()
    reservations.place_hold(slot_id=s.id, child_id=k.id, parent=p)
    entries = []
    for _ in range(3):
        wp, wk = family()
        entries += waitlists.join(slot_id=s.id, child_id=wk.id, parent=wp)
        clock.advance(timedelta(seconds=1))
    slots.change_slot(s.id, capacity=2)
    db.session.expire_all()
    assert [db.session.get(WaitlistEntry, e.id).status for e in entries] == \
        ["offered", "waiting", "waiting"]
    slots.change_slot(s.id, capacity=5)
    db.session.expire_all()
    assert [db.session.get(WaitlistEntry, e.id).status for e in entries] == ["offered"] * 3
    assert availability(s) == 1
    # nobody waits now: the free place is open to anyone
    np, nk = family()
    assert reservations.place_hold(slot_id=s.id, child_id=nk.id, parent=np).status == "held"
