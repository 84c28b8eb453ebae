"""Allocation rounds through the services: the life of a round, the draw's offers and waits,
answers and the cascade, and the slots closed to first-come booking meanwhile."""
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking import clock
from booking.allocation import answers, applications, drawing, results, rounds
from booking.allocation.models import Application, AppStatus
from booking.children import services as children
from booking.errors import (Conflict, Forbidden, NotFound, RoundClosed, SlotInRound,
                            ValidationFailed)
from booking.extensions import db
from booking.reservations import services as reservations
from booking.reservations.models import Reservation, Status
from booking.waitlists import services as waitlists
from booking.waitlists.models import WaitlistEntry
from tests import factories as f
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("app")


def world(capacities=(1, 2)):
    d = f.district()
    reg = f.user("regulator", district_id=d.id)
    slots = [f.slot(f.centre(d), capacity=c) for c in capacities]
    return reg, slots


def family():
    parent = f.user()
    return parent, f.child(parent)


def twins():
    parent = f.user()
    first = children.add_child(parent, name="大宝", birth_date=NOW.date() - timedelta(days=500))
    second = children.add_child(parent, name="二宝", birth_date=first.birth_date, twin_of=first.id)
    return parent, first, second


def opened(reg, slots, **kw):
    rnd = rounds.create_round(reg, name="2027 春季派位", slot_ids=[s.id for s in slots],
                              opens_at=NOW - timedelta(hours=1), closes_at=NOW + timedelta(days=7),
                              **kw)
    return rounds.open_round(rnd.id, reg)


def test_a_round_from_draft_to_drawn_gives_each_application_at_most_one_offer():
    reg, (a, b) = world((1, 2))
    rnd = rounds.create_round(reg, name="春季", slot_ids=[a.id, b.id], opens_at=NOW,
                              closes_at=NOW + timedelta(days=3))
    assert rnd.status == "draft" and rnd.seed_sha256 is None
    rnd = rounds.open_round(rnd.id, reg)
    assert rnd.seed_sha256 == hashlib.sha256(rnd.seed.encode()).hexdigest()
    apps = []
    for _ in range(4):
        p, k = family()
        apps.append(applications.apply(rnd.id, p, child_id=k.id, choices=[a.id, b.id]))
    rounds.close_round(rnd.id, reg)
    drawing.draw_round(rnd.id, reg)
    db.session.expire_all()
    statuses = [db.session.get(Application, x.id).status for x in apps]
    assert statuses.count(AppStatus.OFFERED) == 3 and statuses.count(AppStatus.UNPLACED) == 1
    held = db.session.scalars(select(Reservation).where(Reservation.status == Status.HELD)).all()
    assert sorted(r.slot_id for r in held) == sorted([a.id, b.id, b.id])
    assert all(r.expires_at == NOW + timedelta(days=7) for r in held)
    out = results.results(db.session.get(type(rnd), rnd.id))
    assert {i["application_id"] for i in out["items"]} == {x.id for x in apps}
    assert hashlib.sha256(out["seed"].encode()).hexdigest() == out["seed_sha256"]
    # The unplaced family waits at both slots, ahead of the ordinary queue.
    loser = next(x for x in apps if db.session.get(Application, x.id).status == "unplaced")
    waits = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.child_id == loser.child_id)).all()
    assert sorted(w.slot_id for w in waits) == sorted([a.id, b.id])
    assert all(w.round_id == rnd.id and w.status == "waiting" for w in waits)


def test_twins_are_one_application_and_never_split():
    reg, (one, two) = world((1, 2))
    rnd = opened(reg, [one, two])
    p, first, second = twins()
    app = applications.apply(rnd.id, p, child_id=first.id, choices=[one.id, two.id])
    assert app.size == 2
    with pytest.raises(Conflict):
        applications.apply(rnd.id, p, child_id=second.id, choices=[two.id])
    clock.set(NOW + timedelta(days=8))  # the window passed: the draw needs no close
    drawing.draw_round(rnd.id, reg)
    held = db.session.scalars(select(Reservation).where(Reservation.status == Status.HELD)).all()
    assert {r.child_id for r in held} == {first.id, second.id}
    assert {r.slot_id for r in held} == {two.id}


def test_refusals_change_nothing():
    reg, (a, b) = world()
    parent, kid = family()
    with pytest.raises(Forbidden):
        rounds.create_round(parent, name="x", slot_ids=[a.id], opens_at=NOW,
                            closes_at=NOW + timedelta(days=1))
    with pytest.raises(ValidationFailed) as e:
        rounds.create_round(reg, name="x", slot_ids=[a.id], opens_at=NOW, closes_at=NOW)
    assert "closes_at" in e.value.errors
    market = f.slot(a.centre, category="market")
    with pytest.raises(ValidationFailed):
        rounds.create_round(reg, name="x", slot_ids=[market.id], opens_at=NOW,
                            closes_at=NOW + timedelta(days=1))
    other = f.user("regulator", district_id=f.district().id)
    with pytest.raises(ValidationFailed):
        rounds.create_round(other, name="x", slot_ids=[a.id], opens_at=NOW,
                            closes_at=NOW + timedelta(days=1))
    rnd = opened(reg, [a, b], max_choices=1)
    with pytest.raises(NotFound):
        rounds.open_round(rnd.id, other)
    with pytest.raises(Conflict):
        rounds.create_round(reg, name="y", slot_ids=[a.id], opens_at=NOW,
                            closes_at=NOW + timedelta(days=1))
    for bad in ([], [a.id, b.id], [a.id, a.id], [market.id]):
        with pytest.raises(ValidationFailed):
            applications.apply(rnd.id, parent, child_id=kid.id, choices=bad)
    assert db.session.scalar(select(Application.id)) is None
    with pytest.raises(Conflict):
        drawing.draw_round(rnd.id, reg)  # still open
    clock.set(NOW + timedelta(days=8))
    with pytest.raises(RoundClosed):
        applications.apply(rnd.id, parent, child_id=kid.id, choices=[a.id])


def test_round_slots_are_closed_to_first_come_booking_until_the_draw():
    reg, (a, b) = world()
    rnd = opened(reg, [a, b])
    parent, kid = family()
    with pytest.raises(SlotInRound):
        reservations.place_hold(slot_id=a.id, child_id=kid.id, parent=parent)
    with pytest.raises(SlotInRound):
        waitlists.join(slot_id=a.id, child_id=kid.id, parent=parent)
    applications.apply(rnd.id, parent, child_id=kid.id, choices=[b.id])
    rounds.close_round(rnd.id, reg)
    drawing.draw_round(rnd.id, reg)
    late, kid2 = family()
    assert reservations.place_hold(slot_id=a.id, child_id=kid2.id, parent=late).status == "held"


def test_a_declined_offer_goes_to_the_next_who_ranked_it_higher():
    reg, (a, b) = world((1, 1))
    rnd = opened(reg, [a, b])
    fams = [family() for _ in range(3)]
    apps = [applications.apply(rnd.id, p, child_id=k.id, choices=[a.id, b.id]) for p, k in fams]
    rounds.close_round(rnd.id, reg)
    drawing.draw_round(rnd.id, reg)
    db.session.expire_all()
    by = {x.id: db.session.get(Application, x.id) for x in apps}
    first = next(x for x in by.values() if x.slot_id == a.id)
    second = next(x for x in by.values() if x.slot_id == b.id)
    third = next(x for x in by.values() if x.status == "unplaced")
    parent_of = {x.id: p for x, (p, _k) in zip(apps, fams)}
    answers.decline(rnd.id, first.id, parent_of[first.id])
    db.session.expire_all()
    # Slot a goes to the family that got b (it ranked a higher), as an offer replacing its hold.
    offered = db.session.scalars(select(Reservation).where(
        Reservation.slot_id == a.id, Reservation.status == Status.HELD)).one()
    assert offered.child_id == second.child_id and offered.replaces is not None
    with pytest.raises(Conflict):
        answers.accept(rnd.id, first.id, parent_of[first.id])
    # Taking it frees b for the third family.
    from booking.reservations import choices
    choices.take_offer(offered.id, parent_of[second.id])
    db.session.expire_all()
    b_hold = db.session.scalars(select(Reservation).where(
        Reservation.slot_id == b.id, Reservation.status == Status.HELD)).one()
    assert b_hold.child_id == third.child_id


def test_accepting_an_offer_that_replaces_a_hold_ends_the_other_hold():
    reg, (a, b) = world((1, 1))
    elsewhere = f.slot(capacity=1)
    parent, kid = family()
    old = reservations.place_hold(slot_id=elsewhere.id, child_id=kid.id, parent=parent)
    rnd = opened(reg, [a, b])
    app = applications.apply(rnd.id, parent, child_id=kid.id, choices=[a.id])
    rounds.close_round(rnd.id, reg)
    drawing.draw_round(rnd.id, reg)
    db.session.expire_all()
    hold = db.session.scalars(select(Reservation).where(Reservation.slot_id == a.id)).one()
    assert hold.replaces_id == old.id
    answers.accept(rnd.id, app.id, parent)
    db.session.expire_all()
    assert db.session.get(Reservation, old.id).status == Status.CANCELLED
    assert db.session.get(Application, app.id).status == AppStatus.ACCEPTED


def test_an_unchecked_claim_falls_back_at_the_close_and_a_checked_one_counts():
    reg, (a, b) = world()
    rnd = opened(reg, [a, b])
    p1, k1 = family()
    p2, k2 = family()
    claimed = applications.apply(rnd.id, p1, child_id=k1.id, choices=[a.id],
                                 tier="district_resident", evidence="户口本")
    checked = applications.apply(rnd.id, p2, child_id=k2.id, choices=[a.id],
                                 tier="district_resident", evidence="居住证")
    applications.check_evidence(checked.id, reg, True)
    rounds.close_round(rnd.id, reg)
    db.session.expire_all()
    assert db.session.get(Application, claimed.id).tier == "everyone"
    assert db.session.get(Application, checked.id).tier == "district_resident"
    assert db.session.get(Application, checked.id).priority \
        < db.session.get(Application, claimed.id).priority


def test_an_offer_past_its_deadline_reads_lapsed_without_the_sweep():
    reg, (a, b) = world((1, 1))
    rnd = opened(reg, [a, b])
    parent, kid = family()
    app = applications.apply(rnd.id, parent, child_id=kid.id, choices=[a.id])
    rounds.close_round(rnd.id, reg)
    drawing.draw_round(rnd.id, reg)
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    assert applications.shown_status(app, clock.now()) == "offered"
    clock.set(NOW + timedelta(days=8))  # offer_days 7; no sweep has run
    assert applications.shown_status(app, clock.now()) == "lapsed"
    with pytest.raises(Conflict):
        answers.accept(rnd.id, app.id, parent)
