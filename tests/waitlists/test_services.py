"""Waitlists: positions, priority tiers, twins as one unit, withdrawing, offers and their expiry."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from booking.places import sweeps
from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.children import services as children
from booking.errors import AgeOutOfBand, AlreadyReserved, Conflict, NotFound, SlotFull, ValidationFailed
from booking.extensions import db as _db
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

HOLD = timedelta(hours=48)
OFFER = timedelta(hours=24)
TIER_RANK = {"closure_transfer": 1, "sibling": 2, "special_needs": 3, "employer_staff": 4,
             "second_third_child": 5, "district_resident": 6, "everyone": 7}


def family(birth_date=date(2025, 9, 1)):
    parent = f.user()
    return parent, f.child(parent, birth_date=birth_date)


def twins(birth_date=date(2025, 9, 1)):
    parent = f.user()
    first = children.add_child(parent, name="大宝", birth_date=birth_date)
    second = children.add_child(parent, name="二宝", birth_date=birth_date, twin_of=first.id)
    return parent, first, second


def fill(slot, n=None):
    """Hold every free place of the slot; returns the holds."""
    holds = []
    for _ in range(slot.capacity if n is None else n):
        p, k = family()
        holds.append(reservations.place_hold(slot_id=slot.id, child_id=k.id, parent=p))
    return holds


def enrol(slot, parent, child, staff):
    hold = reservations.place_hold(slot_id=slot.id, child_id=child.id, parent=parent,
                                   with_multiples=False)
    _db.session.add(HealthCheck(child_id=child.id, examined_on=date(2026, 11, 20),
                                institution="妇幼保健院", result="pass", vaccination_verified=True,
                                status="verified", valid_until=date(2027, 9, 1),
                                submitted_by=parent.id))
    _db.session.commit()
    return enrolment.confirm(hold.id, staff)


def fresh(entry):
    _db.session.expire_all()
    return _db.session.get(WaitlistEntry, entry.id)


def statuses(entries):
    _db.session.expire_all()
    return [_db.session.get(WaitlistEntry, e.id).status for e in entries]


def audit(action, entity_id=None):
    stmt = select(AuditEvent).where(AuditEvent.action == action)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    return _db.session.scalars(stmt).all()


@pytest.fixture
def centre(db):
    return f.centre()


@pytest.fixture
def staff(centre):
    return f.user("staff", centre_id=centre.id)


@pytest.fixture
def full(centre):
    s = f.slot(centre, capacity=1)
    fill(s)
    return s


# -- joining and positions ---------------------------------------------------------------

def test_join_a_full_slot_waits_in_joining_order(full, db):
    entries = []
    for _ in range(3):
        p, k = family()
        [e] = waitlists.join(slot_id=full.id, child_id=k.id, parent=p)
        entries.append(e)
        clock.advance(timedelta(minutes=1))
    assert [e.status for e in entries] == ["waiting"] * 3
    assert [waitlists.position(e) for e in entries] == [1, 2, 3]
    assert {(e.priority, e.tier) for e in entries} == {(7, "everyone")}
    assert all(len(audit("waitlist.joined", e.id)) == 1 for e in entries)
    waitlists.leave(entries[0].id, _parent_of(entries[0]))
    assert [waitlists.position(fresh(e)) for e in entries] == [None, 1, 2]


def _parent_of(entry):
    from booking.auth.models import User
    return _db.session.get(User, entry.parent_id)


def test_joining_while_places_are_free_and_nobody_waits_offers_at_once(centre, db):
    s = f.slot(centre, capacity=1)
    p, k = family()
    [e] = waitlists.join(slot_id=s.id, child_id=k.id, parent=p)
    assert e.status == "offered" and e.offer_expires_at == NOW + OFFER
    assert e.reservation.status == "held" and e.reservation.expires_at == NOW + OFFER
    assert waitlists.position(e) is None
    assert availability(s) == 0


def test_join_refusals(full, centre, db):
    p, k = family()
    waitlists.join(slot_id=full.id, child_id=k.id, parent=p)
    with pytest.raises(AlreadyReserved):  # already waiting
        waitlists.join(slot_id=full.id, child_id=k.id, parent=p)
    holder = db.session.scalar(select(Reservation).where(Reservation.slot_id == full.id))
    with pytest.raises(AlreadyReserved):  # already holds a place here
        waitlists.join(slot_id=full.id, child_id=holder.child_id, parent=holder.parent)
    with pytest.raises(NotFound):  # not their child
        waitlists.join(slot_id=full.id, child_id=k.id, parent=f.user())
    old_parent, too_old = family(date(2024, 9, 1))
    with pytest.raises(AgeOutOfBand):
        waitlists.join(slot_id=full.id, child_id=too_old.id, parent=old_parent)
    draft = f.slot(f.centre(approved=False), capacity=0)
    with pytest.raises(Conflict):
        waitlists.join(slot_id=draft.id, child_id=k.id, parent=p)
    db.session.rollback()
    assert db.session.scalar(select(func.count(WaitlistEntry.id))) == 1


def test_a_child_whose_hold_lapsed_may_join_the_waitlist(centre, db):
    s = f.slot(centre, capacity=1)
    p, k = family()
    old = reservations.place_hold(slot_id=s.id, child_id=k.id, parent=p)
    clock.advance(HOLD)  # lapsed; no job has run
    [e] = waitlists.join(slot_id=s.id, child_id=k.id, parent=p)
    assert e.status == "offered"  # the lapsed hold does not count: the place is free
    db.session.expire_all()
    assert db.session.get(Reservation, old.id).status == "expired"
    assert db.session.get(Reservation, e.reservation_id).status == "held"


# -- priority tiers ----------------------------------------------------------------------

def test_sibling_tier_is_derived_from_an_enrolled_sibling_at_the_centre(centre, staff, full, db):
    parent = f.user()
    older = f.child(parent, birth_date=date(2024, 9, 1))   # 30 months at the start: preschool
    enrol(f.slot(centre, band="preschool", capacity=1), parent, older, staff)
    younger = f.child(parent, birth_date=date(2025, 9, 1))
    first_parent, first_kid = family()
    [early] = waitlists.join(slot_id=full.id, child_id=first_kid.id, parent=first_parent)
    clock.advance(timedelta(minutes=1))
    [e] = waitlists.join(slot_id=full.id, child_id=younger.id, parent=parent)
    assert (e.tier, e.priority) == ("sibling", TIER_RANK["sibling"])
    assert waitlists.position(e) == 1 and waitlists.position(fresh(early)) == 2


def test_second_child_tier_is_derived_from_an_older_child(full, db):
    parent = f.user()
    f.child(parent, birth_date=date(2023, 5, 1))
    younger = f.child(parent, birth_date=date(2025, 9, 1))
    [e] = waitlists.join(slot_id=full.id, child_id=younger.id, parent=parent)
    assert (e.tier, e.priority) == ("second_third_child", TIER_RANK["second_third_child"])


def test_an_enrolled_sibling_elsewhere_or_a_twin_is_not_a_sibling_tier(centre, staff, full, db):
    parent, a, b = twins()
    other_centre = f.centre()
    enrol(f.slot(other_centre, capacity=1), parent, a, f.user("staff", centre_id=other_centre.id))
    entries = waitlists.join(slot_id=full.id, child_id=b.id, parent=parent)
    # b's twin a is enrolled, but at another centre: no sibling tier, and a twin is not older
    assert {(e.tier, e.priority) for e in entries} == {("everyone", 7)}


def test_claimed_tiers_need_evidence_and_only_claimable_tiers_may_be_claimed(full, centre, db):
    p, k = family()
    for tier, evidence, field in [("employer_staff", None, "evidence"),
                                  ("employer_staff", "   ", "evidence"),
                                  ("sibling", "我家老大在读", "tier"),
                                  ("closure_transfer", "原机构关停", "tier"),
                                  ("special_needs", "残疾证", "tier")]:  # not a special-needs centre
        with pytest.raises(ValidationFailed) as err:
            waitlists.join(slot_id=full.id, child_id=k.id, parent=p, tier=tier, evidence=evidence)
        assert field in err.value.errors
        db.session.rollback()
    assert db.session.scalar(select(func.count(WaitlistEntry.id))) == 0
    [e] = waitlists.join(slot_id=full.id, child_id=k.id, parent=p, tier="employer_staff",
                         evidence=" 在职证明 ")
    assert (e.tier, e.priority, e.evidence) == ("employer_staff", 4, "在职证明")
    special = f.slot(f.centre(kind="special_needs"), capacity=0)
    [s] = waitlists.join(slot_id=special.id, child_id=k.id, parent=p, tier="special_needs",
                         evidence="残疾证")
    assert (s.tier, s.priority) == ("special_needs", 3)


def test_staff_rejecting_evidence_drops_the_tier_accepting_keeps_it(full, staff, db):
    p, k = family()
    [e] = waitlists.join(slot_id=full.id, child_id=k.id, parent=p, tier="district_resident",
                         evidence="居住证")
    with pytest.raises(NotFound):
        waitlists.check_evidence(e.id, f.user("staff", centre_id=f.centre().id), accepted=False)
    db.session.rollback()
    kept = waitlists.check_evidence(e.id, staff, accepted=True)
    assert (kept.tier, kept.priority, kept.evidence_checked_by) == ("district_resident", 6, staff.id)
    dropped = waitlists.check_evidence(e.id, staff, accepted=False)
    assert (dropped.tier, dropped.priority) == ("everyone", 7)
    assert len(audit("waitlist.evidence_checked", e.id)) == 2
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == p.id, Notification.kind == "priority_rejected")) == 1


def test_rejecting_a_twin_units_claim_drops_the_whole_unit(full, staff, db):
    parent, a, b = twins()
    entries = waitlists.join(slot_id=full.id, child_id=a.id, parent=parent,
                             tier="employer_staff", evidence="在职证明")
    clock.advance(timedelta(minutes=1))
    p, k = family()
    waitlists.join(slot_id=full.id, child_id=k.id, parent=p, tier="district_resident",
                   evidence="户口本")
    waitlists.check_evidence(entries[0].id, staff, accepted=False)
    assert {(fresh(e).tier, fresh(e).priority) for e in entries} == {("everyone", 7)}
    assert [waitlists.position(fresh(e)) for e in entries] == [2, 2]


def test_a_higher_tier_goes_ahead_of_earlier_joiners(full, db):
    early = []
    for _ in range(2):
        p, k = family()
        early += waitlists.join(slot_id=full.id, child_id=k.id, parent=p)
        clock.advance(timedelta(minutes=1))
    p, k = family()
    [late] = waitlists.join(slot_id=full.id, child_id=k.id, parent=p, tier="employer_staff",
                            evidence="在职证明")
    assert [waitlists.position(fresh(e)) for e in (late, *early)] == [1, 2, 3]
    holder = db.session.scalar(select(Reservation).where(Reservation.slot_id == full.id,
                                                         Reservation.status == "held"))
    reservations.cancel(holder.id, holder.parent)
    assert statuses([late, *early]) == ["offered", "waiting", "waiting"]


def test_a_centres_own_policy_orders_the_tiers(full, centre, db):
    waitlists.set_policy(centre.id, ["district_resident", "employer_staff"])
    p1, k1 = family()
    [employer] = waitlists.join(slot_id=full.id, child_id=k1.id, parent=p1, tier="employer_staff",
                                evidence="在职证明")
    p2, k2 = family()
    [resident] = waitlists.join(slot_id=full.id, child_id=k2.id, parent=p2,
                                tier="district_resident", evidence="户口本")
    assert (resident.priority, employer.priority) == (1, 2)
    assert waitlists.position(fresh(resident)) == 1
    with pytest.raises(ValidationFailed):
        waitlists.set_policy(centre.id, ["sibling", "sibling"])


# -- twins -------------------------------------------------------------------------------

def test_twins_join_as_one_unit_and_are_offered_together_or_not_at_all(centre, db):
    s = f.slot(centre, capacity=2)
    h1, h2 = fill(s)
    parent, a, b = twins()
    unit = waitlists.join(slot_id=s.id, child_id=b.id, parent=parent)
    assert sorted(e.child_id for e in unit) == sorted([a.id, b.id])
    assert len({e.unit_key for e in unit}) == 1
    assert [waitlists.position(e) for e in unit] == [1, 1]
    clock.advance(timedelta(minutes=1))
    single_parent, single = family()
    [one] = waitlists.join(slot_id=s.id, child_id=single.id, parent=single_parent)
    assert waitlists.position(one) == 2
    # one place frees: the twins need two, so the single child behind them gets it
    reservations.cancel(h1.id, h1.parent)
    assert statuses(unit) == ["waiting", "waiting"] and fresh(one).status == "offered"
    # another frees: one place is still not enough for the twins, and it stays theirs to wait
    # for -- a newcomer cannot take it while they wait
    reservations.cancel(h2.id, h2.parent)
    assert statuses(unit) == ["waiting", "waiting"]
    np, nk = family()
    with pytest.raises(SlotFull):
        reservations.place_hold(slot_id=s.id, child_id=nk.id, parent=np)
    # the single child declines: two places, the twins are offered both at once
    waitlists.leave(one.id, single_parent)
    unit = [fresh(e) for e in unit]
    assert [e.status for e in unit] == ["offered", "offered"]
    assert {e.offer_expires_at for e in unit} == {clock.now() + OFFER}
    assert all(e.reservation.status == "held" for e in unit)
    assert availability(s) == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == parent.id, Notification.kind == "offer_made")) == 2


def test_twins_joining_with_free_places_get_them_only_together(centre, db):
    s = f.slot(centre, capacity=1)
    parent, a, b = twins()
    unit = waitlists.join(slot_id=s.id, child_id=a.id, parent=parent)
    assert [e.status for e in unit] == ["waiting", "waiting"]
    slots.change_slot(s.id, capacity=2)
    assert statuses(unit) == ["offered", "offered"]


# -- withdrawing -------------------------------------------------------------------------

def test_withdraw_a_waiting_entry(full, db):
    p, k = family()
    [e] = waitlists.join(slot_id=full.id, child_id=k.id, parent=p)
    with pytest.raises(NotFound):
        waitlists.leave(e.id, f.user())
    db.session.rollback()
    done = waitlists.leave(e.id, p)
    assert done.status == "withdrawn" and done.ended_at == NOW
    assert len(audit("waitlist.withdrawn", e.id)) == 1
    with pytest.raises(Conflict):
        waitlists.leave(e.id, p)


def test_withdrawing_an_offer_cancels_its_hold_and_offers_on(full, db):
    holder = db.session.scalar(select(Reservation).where(Reservation.slot_id == full.id))
    waiting = []
    for _ in range(2):
        p, k = family()
        waiting += waitlists.join(slot_id=full.id, child_id=k.id, parent=p)
        clock.advance(timedelta(minutes=1))
    reservations.cancel(holder.id, holder.parent)
    first, second = (fresh(e) for e in waiting)
    assert (first.status, second.status) == ("offered", "waiting")
    hold_id = first.reservation_id
    waitlists.leave(first.id, _parent_of(first))
    db.session.expire_all()
    hold = db.session.get(Reservation, hold_id)
    assert (hold.status, hold.end_reason) == ("cancelled", "offer declined")
    assert len(audit("reservation.cancelled", hold_id)) == 1
    assert fresh(second).status == "offered" and availability(full) == 0


def test_cancelling_an_offered_hold_ends_the_offer_and_offers_on(full, db):
    holder = db.session.scalar(select(Reservation).where(Reservation.slot_id == full.id))
    waiting = []
    for _ in range(2):
        p, k = family()
        waiting += waitlists.join(slot_id=full.id, child_id=k.id, parent=p)
        clock.advance(timedelta(minutes=1))
    reservations.cancel(holder.id, holder.parent)
    first = fresh(waiting[0])
    reservations.cancel(first.reservation_id, _parent_of(first))
    assert statuses(waiting) == ["withdrawn", "offered"]
    # the entry's own history shows the offer and its end
    assert [a.action for a in _db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "waitlist_entry", AuditEvent.entity_id == first.id)
        .order_by(AuditEvent.id))] == ["waitlist.joined", "waitlist.offered", "waitlist.withdrawn"]


def test_confirming_an_offered_hold_accepts_the_offer(full, staff, db):
    holder = db.session.scalar(select(Reservation).where(Reservation.slot_id == full.id))
    p, k = family()
    [e] = waitlists.join(slot_id=full.id, child_id=k.id, parent=p)
    reservations.cancel(holder.id, holder.parent)
    _db.session.add(HealthCheck(child_id=k.id, examined_on=date(2026, 11, 20), institution="x",
                                result="pass", vaccination_verified=True, status="verified",
                                valid_until=date(2027, 3, 1), submitted_by=p.id))
    _db.session.commit()
    enrolment.confirm(fresh(e).reservation_id, staff)
    e = fresh(e)
    assert e.status == "accepted" and e.reservation.status == "enrolled"
    assert len(audit("waitlist.accepted", e.id)) == 1


# -- offers that expire ------------------------------------------------------------------

def test_an_unanswered_offer_expires_and_the_next_unit_is_offered(full, db):
    holder = db.session.scalar(select(Reservation).where(Reservation.slot_id == full.id))
    waiting = []
    for _ in range(3):
        p, k = family()
        waiting += waitlists.join(slot_id=full.id, child_id=k.id, parent=p)
        clock.advance(timedelta(minutes=1))
    reservations.cancel(holder.id, holder.parent)
    first = fresh(waiting[0])
    assert first.offer_expires_at == clock.now() + OFFER
    clock.advance(OFFER - timedelta(seconds=1))
    assert sweeps.release_lapsed() == 0
    clock.advance(timedelta(seconds=1))
    assert sweeps.release_lapsed() == 1
    assert statuses(waiting) == ["expired", "offered", "waiting"]
    db.session.expire_all()
    assert db.session.get(Reservation, first.reservation_id).status == "expired"
    assert len(audit("waitlist.offer_expired", first.id)) == 1
    assert len(audit("waitlist.offered", waiting[1].id)) == 1
    # ... and again, this time with no job: a newcomer's attempt hands it on
    clock.advance(OFFER)
    np, nk = family()
    with pytest.raises(SlotFull):
        reservations.place_hold(slot_id=full.id, child_id=nk.id, parent=np)
    assert statuses(waiting) == ["expired", "expired", "offered"]
    # the last offer lapses with nobody waiting: the place is open to anyone again
    clock.advance(OFFER)
    assert reservations.place_hold(slot_id=full.id, child_id=nk.id, parent=np).status == "held"
    assert statuses(waiting) == ["expired"] * 3


def test_withdrawing_an_offer_that_lapsed_is_refused_and_the_offer_recorded_expired(full, db):
    holder = db.session.scalar(select(Reservation).where(Reservation.slot_id == full.id))
    p, k = family()
    [e] = waitlists.join(slot_id=full.id, child_id=k.id, parent=p)
    reservations.cancel(holder.id, holder.parent)
    hold_id = fresh(e).reservation_id
    clock.advance(OFFER)  # lapsed; no job has run
    with pytest.raises(Conflict):
        waitlists.leave(e.id, p)
    db.session.rollback()
    assert fresh(e).status == "expired"
    assert db.session.get(Reservation, hold_id).status == "expired"
    assert len(audit("waitlist.offer_expired", e.id)) == 1
    assert audit("reservation.cancelled", hold_id) == []


def test_entry_visibility(full, staff, db):
    p, k = family()
    [e] = waitlists.join(slot_id=full.id, child_id=k.id, parent=p)
    assert waitlists.entry_for(e.id, p) is e
    assert waitlists.entry_for(e.id, staff) is e
    assert waitlists.entry_for(e.id, f.user("regulator")) is e
    for stranger in (f.user(), f.user("staff", centre_id=f.centre().id)):
        with pytest.raises(NotFound):
            waitlists.entry_for(e.id, stranger)
    with pytest.raises(NotFound):
        waitlists.entry_for(999999, p)
