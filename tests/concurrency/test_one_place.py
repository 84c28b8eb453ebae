"""One child, one place under concurrency (issue 14; docs/domain.md "One child, one place",
docs/design.md "Lock order"): real threads, each with its own app context and session, as in
test_races.py. The races need PostgreSQL (row locks, SKIP LOCKED and its deadlock detector:
on SQLite one writer at a time settles everything) and skip on SQLite; the tests at the end
that pin what a race or a read of the code found run on both databases.

After every race, from the database: no child has two live places unless one replaces the
other (helpers.one_place_breaches), no slot is over capacity, no request failed with a 500
or an exception (a deadlock PostgreSQL broke would be one), and no lock is left behind.
"""
import random
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from booking import clock
from booking.auth.models import User
from booking.children import services as children
from booking.children.models import Child
from booking.extensions import db
from booking.health.models import HealthCheck
from booking.places import sweeps
from booking.reservations import enrolment
from booking.reservations import services as reservations
from booking.reservations.models import Reservation, live_at
from booking.waitlists import services as waitlists
from booking.waitlists.models import WaitlistEntry
from tests import factories as f
from tests.concurrency.helpers import (assert_no_locks_left, assert_one_place_each, families,
                                       in_context, one_place_breaches, post, race, slug,
                                       token_for)

on_postgres = pytest.mark.usefixtures("pg_only")
STARTED = date(2026, 11, 1)  # a slot already in care (the suite's clock: 23 November 2026)
EARLIER = timedelta(days=3)  # holds made this long ago have lapsed (48 hours)


def spread(n_centres, per_centre, capacity, starts_on=date(2027, 3, 1)):
    """Slots at several centres (each centre in a district of its own): their ids."""
    ids = []
    for _ in range(n_centres):
        c = f.centre()
        ids += [f.slot(c, capacity=capacity, starts_on=starts_on).id for _ in range(per_centre)]
    return ids


def intake_check(child, by):
    db.session.add(HealthCheck(child_id=child.id, examined_on=date(2026, 10, 20),
                               institution="妇幼保健院", result="pass", status="verified",
                               vaccination_verified=True, valid_until=date(2027, 6, 1),
                               submitted_by=by.id))
    db.session.commit()


def family():
    parent = f.user()
    return parent, f.child(parent)


def twins():
    parent = f.user()
    a = children.add_child(parent, name="双胞胎甲", birth_date=date(2025, 9, 1))
    b = children.add_child(parent, name="双胞胎乙", birth_date=date(2025, 9, 1), twin_of=a.id)
    return parent, a, b


def live_of(child_ids):
    db.session.expire_all()
    return db.session.scalars(select(Reservation).where(
        Reservation.child_id.in_(list(child_ids)), live_at(clock.now()))
        .order_by(Reservation.id)).all()


def answers(results):
    """(status, slug or the hold's status) of each HTTP answer; no exception anywhere."""
    assert [r for r in results if isinstance(r, BaseException)] == []
    return [(status, body["status"] if status == 201 else slug(body)) for status, body in results]


# -- (a) one child, ten holds at once ----------------------------------------------------

@on_postgres
def test_one_child_sent_to_ten_slots_at_once_is_placed_once(app):
    """Ten slots at five centres; three rounds, each a new child sent to all ten at once:
    one hold, nine `already-placed` naming it, never a 500 or a deadlock."""
    slot_ids = spread(5, 2, capacity=5)
    kids = families(3)
    db.session.remove()

    for _parent_id, child_id, token in kids:
        results = race(10, lambda i: post(app, "/api/v1/reservations", token,
                                          {"slot_id": slot_ids[i], "child_id": child_id}))
        assert Counter(answers(results)) == {(201, "held"): 1, (409, "already-placed"): 9}
        [held] = [body for status, body in results if status == 201]
        assert {body["reservation_id"] for status, body in results if status == 409} \
            == {held["id"]}
        assert [r.id for r in live_of([child_id])] == [held["id"]]
        assert_one_place_each(slot_ids=slot_ids)
        db.session.remove()
    assert_no_locks_left(app)


# -- (b) the same, among other children racing the same slots -----------------------------

@on_postgres
def test_one_child_sent_ten_ways_among_twenty_others_racing_the_same_slots(app):
    """Twenty places in ten slots at five centres; the one child asks for all ten, twenty
    others for three each, all at once (70 requests). No slot oversold, no child placed
    twice, and a child left without a place was refused only where the slot filled."""
    slot_ids = spread(5, 2, capacity=2)
    racers = families(21)
    rng = random.Random(14)
    asks = [(0, sid) for sid in slot_ids] + \
        [(k, sid) for k in range(1, 21) for sid in rng.sample(slot_ids, 3)]
    rng.shuffle(asks)
    db.session.remove()

    results = race(len(asks), lambda i: post(
        app, "/api/v1/reservations", racers[asks[i][0]][2],
        {"slot_id": asks[i][1], "child_id": racers[asks[i][0]][1]}))

    outcome = answers(results)
    assert set(outcome) <= {(201, "held"), (409, "already-placed"), (409, "slot-full")}, \
        Counter(outcome)
    child_ids = [child_id for _p, child_id, _t in racers]
    assert_one_place_each(child_ids, slot_ids)
    placed = {r.child_id: r for r in live_of(child_ids)}
    won = Counter(racers[k][1] for (k, _sid), o in zip(asks, outcome) if o == (201, "held"))
    assert won == Counter(placed.keys())  # each placed child won exactly one request
    taken = Counter(r.slot_id for r in placed.values())
    for k, (_p, child_id, _t) in enumerate(racers):
        if child_id not in placed:  # refused everywhere: only ever because the slot was full
            mine = [(sid, o) for (j, sid), o in zip(asks, outcome) if j == k]
            assert all(o == (409, "slot-full") and taken[sid] == 2 for sid, o in mine), mine
    assert_no_locks_left(app)


# -- (c) the same locks taken from opposite ends -------------------------------------------

def queued_slot(staff_of=None):
    """A slot of two places, full: D's hold (extended, live) and L's hold (made three days
    ago, lapsed, not yet tidied); C and then W wait for it. Returns (slot id, D's hold id,
    D's parent, C's parent and child, W's child)."""
    c = f.centre()
    staff = f.user("staff", centre_id=c.id)
    s = f.slot(c, capacity=2)
    earlier = clock.now() - EARLIER
    (lp, lk), (dp, dk), (cp, ck), (wp, wk) = (family() for _ in range(4))
    reservations.place_hold(slot_id=s.id, child_id=lk.id, parent=lp, now=earlier)
    d = reservations.place_hold(slot_id=s.id, child_id=dk.id, parent=dp, now=earlier)
    waitlists.join(slot_id=s.id, child_id=ck.id, parent=cp, now=earlier + timedelta(minutes=1))
    waitlists.join(slot_id=s.id, child_id=wk.id, parent=wp, now=earlier + timedelta(minutes=2))
    reservations.extend_hold(d.id, staff, clock.now() + timedelta(days=1),
                             now=earlier + timedelta(minutes=3))
    return s.id, d.id, dp.id, cp.id, ck.id, wk.id


@on_postgres
@pytest.mark.parametrize("where", ["same slot", "elsewhere"])
def test_a_hold_racing_a_cancel_that_offers_the_child_a_place_never_deadlocks(app, where):
    """C's parent holds a place (locks C, then the slot) while D's parent cancels D's hold at
    the slot C waits for (locks D, then the slot, then claims C to offer it the place: it
    must not wait for C there, or the two would wait on each other in a circle). Eight
    worlds at once, three rounds. `same slot`: C asks for the very slot (a lapsed hold there
    keeps it off the lock-free slot-full path), so C ends up offered it one way or the other,
    and so does W behind it. `elsewhere`: C asks for a free slot at another centre, and ends
    up with one place, or that place and an offer replacing it."""
    for _round in range(3):
        worlds = [queued_slot() for _ in range(8)]
        free = spread(8, 1, capacity=1)
        db.session.remove()

        def act(i):
            slot_id, hold_id, d_parent, c_parent, c_child, _w = worlds[i // 2]
            if i % 2:
                return in_context(app, lambda: reservations.cancel(
                    hold_id, db.session.get(User, d_parent)).status)
            target = slot_id if where == "same slot" else free[i // 2]
            return in_context(app, lambda: reservations.place_hold(
                slot_id=target, child_id=c_child, parent=db.session.get(User, c_parent)).status)

        results = race(16, act)
        assert [r for r in results if isinstance(r, BaseException)] == []
        assert set(results[1::2]) == {"cancelled"}
        children_ = [w[4] for w in worlds] + [w[5] for w in worlds]
        assert_one_place_each(children_, [w[0] for w in worlds] + free)
        for (slot_id, _h, _d, _cp, c_child, w_child), answer in zip(worlds, results[::2]):
            places = live_of([c_child])
            if where == "same slot":
                assert answer in ("held", "already-reserved"), answer
                assert [(r.slot_id, r.status) for r in places] == [(slot_id, "held")]
                assert [r.slot_id for r in live_of([w_child])] == [slot_id]
            else:
                assert answer in ("held", "already-placed"), answer
                assert 1 <= len(places) <= 2
        db.session.remove()
    assert_no_locks_left(app)


def transfer_world():
    """C has been in care at S1 (started 1 November) since 20 November and holds a transfer
    to S2 at another centre (started too, so confirming it ends C's old care yesterday and
    frees S1 at once). S1 is full (C and X's hold) with W1 and W2 waiting; S2 has one place
    left."""
    a, b = f.centre(), f.centre()
    s1, s2 = f.slot(a, capacity=2, starts_on=STARTED), f.slot(b, capacity=2, starts_on=STARTED)
    staff_a, staff_b = f.user("staff", centre_id=a.id), f.user("staff", centre_id=b.id)
    cp, ck = family()
    intake_check(ck, cp)
    earlier = clock.now() - EARLIER
    old = reservations.place_hold(slot_id=s1.id, child_id=ck.id, parent=cp, now=earlier)
    enrolment.confirm(old.id, staff_a, now=earlier + timedelta(minutes=1))
    xp, xk = family()
    x = reservations.place_hold(slot_id=s1.id, child_id=xk.id, parent=xp)
    for p, k in (family(), family()):
        waitlists.join(slot_id=s1.id, child_id=k.id, parent=p)
    t = reservations.place_hold(slot_id=s2.id, child_id=ck.id, parent=cp, transfer=True)
    assert t.replaces_id == old.id
    return {"s1": s1.id, "s2": s2.id, "staff_b": staff_b.id, "t": t.id, "c": ck.id,
            "x": x.id, "xp": xp.id, "old": old.id}


@on_postgres
def test_confirming_a_transfer_racing_holds_and_a_cancel_at_both_slots(app):
    """The confirmation locks C, then both slots in ascending id (it ends the old care and
    offers that place on); three newcomers race for S2's last place and two for S1, and X
    cancels at S1 (locks X, then S1). Six worlds at once, two rounds: the confirmation
    always succeeds, S2 goes to one newcomer, S1's freed places to the queue (W1, W2), never
    to a newcomer, and C is in care at S2 only."""
    for _round in range(2):
        worlds = [transfer_world() for _ in range(6)]
        newcomers = [families(5) for _ in worlds]
        db.session.remove()
        plan = [(w, k) for w in range(6) for k in range(7)]

        def act(i):
            w, k = plan[i]
            world = worlds[w]
            if k == 0:
                return "confirm", in_context(app, lambda: enrolment.confirm(
                    world["t"], db.session.get(User, world["staff_b"])).status)
            if k == 1:
                return "cancel", in_context(app, lambda: reservations.cancel(
                    world["x"], db.session.get(User, world["xp"])).status)
            parent_id, child_id, _token = newcomers[w][k - 2]
            slot_id = world["s2"] if k < 5 else world["s1"]
            return slot_id, in_context(app, lambda: reservations.place_hold(
                slot_id=slot_id, child_id=child_id,
                parent=db.session.get(User, parent_id)).status)

        results = race(len(plan), act)
        assert [r for r in results if isinstance(r, BaseException)] == []
        for w, world in enumerate(worlds):
            mine = [results[i] for i, (ww, _k) in enumerate(plan) if ww == w]
            assert mine[0] == ("confirm", "enrolled") and mine[1] == ("cancel", "cancelled")
            assert Counter(a for _s, a in mine[2:5]) == {"held": 1, "slot-full": 2}, mine
            assert [a for _s, a in mine[5:]] == ["slot-full", "slot-full"], mine
            assert [(r.id, r.status) for r in live_of([world["c"]])] == \
                [(world["t"], "enrolled")]
            db.session.expire_all()
            queue = db.session.scalars(select(WaitlistEntry.status).where(
                WaitlistEntry.slot_id == world["s1"])).all()
            assert queue == ["offered", "offered"]
        child_ids = [w["c"] for w in worlds] + [c for n in newcomers for _p, c, _t in n]
        assert_one_place_each(child_ids, [w[k] for w in worlds for k in ("s1", "s2")])
        db.session.remove()
    assert_no_locks_left(app)


# -- (d) twins race twins -------------------------------------------------------------------

@on_postgres
def test_twins_of_two_families_race_for_a_two_place_slot(app):
    """Eight two-place slots; at each, two families of twins ask for a place for each twin
    (four requests; one request holds both twins), and at every other slot a single child
    races them too. A family holds both its twins or neither: at a slot raced by twins alone
    exactly one family holds both, never one twin each."""
    slot_ids = spread(4, 2, capacity=2)
    plan, families_at = [], defaultdict(list)
    for n, sid in enumerate(slot_ids):
        for _ in range(2):
            parent, a, b = twins()
            families_at[sid].append((a.id, b.id))
            token = token_for(parent)
            plan += [(sid, token, a.id), (sid, token, b.id)]
        if n % 2:
            [(_p, child_id, token)] = families(1)
            families_at[sid].append((child_id,))
            plan.append((sid, token, child_id))
    db.session.remove()

    results = race(len(plan), lambda i: post(app, "/api/v1/reservations", plan[i][1],
                                             {"slot_id": plan[i][0], "child_id": plan[i][2]}))

    outcome = answers(results)
    assert set(outcome) <= {(201, "held"), (409, "already-reserved"), (409, "slot-full")}, \
        Counter(outcome)
    held = {(r.slot_id, r.child_id) for r in live_of(
        [c for units in families_at.values() for u in units for c in u])}
    for n, sid in enumerate(slot_ids):
        units_held = [u for u in families_at[sid] if all((sid, c) in held for c in u)]
        assert not [u for u in families_at[sid] if u not in units_held
                    and any((sid, c) in held for c in u)], (sid, held)
        if n % 2 == 0:
            assert len(units_held) == 1 and len(units_held[0]) == 2, (sid, units_held)
    assert_one_place_each(slot_ids=slot_ids)
    assert_no_locks_left(app)


# -- what the races and a read of the code found, each fixed and kept as a test --------------

@on_postgres
def test_places_passed_over_for_a_busy_child_are_served_once_it_is_free(app):
    s = f.slot(capacity=1)
    (dp, dk), (cp, ck), (wp, wk) = (family() for _ in range(3))
    hold_id = reservations.place_hold(slot_id=s.id, child_id=dk.id, parent=dp).id
    for p, k in ((cp, ck), (wp, wk)):
        waitlists.join(slot_id=s.id, child_id=k.id, parent=p)
    slot_id, d_parent, c_child, w_child = s.id, dp.id, ck.id, wk.id
    db.session.remove()
    with db.engine.connect() as busy:  # another transaction holds C's row (its own hold)
        with busy.begin():
            busy.execute(update(Child).where(Child.id == c_child)
                         .values(older_siblings=Child.older_siblings))
            reservations.cancel(hold_id, db.session.get(User, d_parent))
    db.session.remove()
    # C's transaction has ended; the scheduler runs as it would
    sweeps.release_lapsed()
    sweeps.release_leavers()
    sweeps.serve_waitlists()
    db.session.expire_all()
    assert {r.child_id for r in db.session.scalars(select(Reservation).where(
        Reservation.slot_id == slot_id, live_at(clock.now())))} == {c_child}
    assert [e.status for e in db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.child_id == w_child))] == ["waiting"]


def test_a_wait_passed_over_is_offered_once_the_child_is_down_to_one_place(app):
    a, b, c = (f.slot(f.centre(), capacity=1) for _ in range(3))
    parent, kid = family()
    held = reservations.place_hold(slot_id=a.id, child_id=kid.id, parent=parent)
    [at_b] = waitlists.join(slot_id=b.id, child_id=kid.id, parent=parent)
    assert at_b.status == "offered" and at_b.reservation.replaces_id == held.id
    [at_c] = waitlists.join(slot_id=c.id, child_id=kid.id, parent=parent)
    assert at_c.status == "waiting"  # a place and one replacing it: passed over
    reservations.cancel(held.id, parent)
    sweeps.release_lapsed()
    sweeps.release_leavers()
    sweeps.serve_waitlists()
    db.session.expire_all()
    assert db.session.get(WaitlistEntry, at_c.id).status == "offered"
    assert one_place_breaches([kid.id], strict=True) == {}


def test_a_sweep_freeing_two_slots_a_child_waits_for_offers_it_one_place(app):
    c = f.centre()
    s1, s2 = f.slot(c, capacity=1), f.slot(c, capacity=1)
    earlier = clock.now() - EARLIER
    for s in (s1, s2):
        p, k = family()
        reservations.place_hold(slot_id=s.id, child_id=k.id, parent=p, now=earlier)
    parent, kid = family()
    for s in (s1, s2):
        waitlists.join(slot_id=s.id, child_id=kid.id, parent=parent,
                       now=earlier + timedelta(minutes=1))
    assert sweeps.release_lapsed() == 2
    assert one_place_breaches([kid.id], strict=True) == {}


def enrolled_then_transferring(old_start, new_start):
    """A child enrolled at S1 (since three days ago), then holding a transfer to S2 at another
    centre, which the staff there confirm: (the old enrolment, the new one)."""
    a, b = f.centre(), f.centre()
    s1, s2 = f.slot(a, capacity=1, starts_on=old_start), f.slot(b, capacity=1,
                                                                 starts_on=new_start)
    parent, kid = family()
    intake_check(kid, parent)
    earlier = clock.now() - EARLIER
    old = reservations.place_hold(slot_id=s1.id, child_id=kid.id, parent=parent, now=earlier)
    enrolment.confirm(old.id, f.user("staff", centre_id=a.id), now=earlier)
    new = reservations.place_hold(slot_id=s2.id, child_id=kid.id, parent=parent, transfer=True)
    enrolment.confirm(new.id, f.user("staff", centre_id=b.id))
    db.session.expire_all()
    return db.session.get(Reservation, old.id), db.session.get(Reservation, new.id)


@pytest.mark.parametrize("new_start", [date(2027, 3, 1), date(2027, 2, 1)])
def test_a_transfer_confirmed_before_the_old_care_began_ends_it_at_once(app, new_start):
    old, new = enrolled_then_transferring(date(2027, 3, 1), new_start)
    assert old.status == "withdrawn"
    assert [r.id for r in live_of([old.child_id])] == [new.id]
    assert [r.id for r in live_at_day(old.child_id, new_start)] == [new.id]


def live_at_day(child_id, day):
    from datetime import datetime, time

    from booking.clock import LOCAL
    return db.session.scalars(select(Reservation).where(
        Reservation.child_id == child_id,
        live_at(datetime.combine(day, time(12), tzinfo=LOCAL)))).all()


def test_a_confirmed_transfer_keeps_its_link_to_the_care_it_replaces(app):
    old, new = enrolled_then_transferring(STARTED, date(2027, 3, 1))
    assert (old.status, old.leaves_on) == ("enrolled", date(2027, 2, 28))
    assert one_place_breaches([old.child_id]) == {}  # linked by the audit event
    assert one_place_breaches([old.child_id], strict=True) == {}
