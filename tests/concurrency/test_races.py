"""Races for the last places, settled by the database (docs/design.md, Locking), on whichever
database the suite runs against: 50+ real threads, each with its own app context."""
from collections import Counter

from sqlalchemy import func, select

from booking.places import offers
from booking.auth.models import User
from booking.errors import BookingError
from booking.extensions import db
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.waitlists import services as waitlists
from booking.waitlists.models import WaitlistEntry
from tests import factories as f
from tests.concurrency.helpers import (assert_no_locks_left, families, post, race, slug,
                                       token_for)


def live_count(slot_id):
    db.session.expire_all()
    return db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.slot_id == slot_id, Reservation.status.in_(("held", "enrolled"))))


def test_sixty_parents_race_for_ten_places_over_http(app):
    s = f.slot(capacity=10)
    slot_id = s.id
    racers = families(60)
    db.session.remove()

    results = race(60, lambda i: post(app, "/api/v1/reservations", racers[i][2],
                                      {"slot_id": slot_id, "child_id": racers[i][1]}))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    outcome = Counter((status, slug(body) if status != 201 else body["status"])
                      for status, body in results)
    assert outcome == {(201, "held"): 10, (409, "slot-full"): 50}
    assert live_count(slot_id) == 10
    winners = {body["child_id"] for status, body in results if status == 201}
    assert winners == set(db.session.scalars(select(Reservation.child_id).where(
        Reservation.slot_id == slot_id)))
    assert_no_locks_left(app)


def test_fifty_threads_race_the_service_for_the_last_three_places(app):
    s = f.slot(capacity=10)
    slot_id = s.id
    for _ in range(7):
        p = f.user()
        reservations.place_hold(slot_id=slot_id, child_id=f.child(p).id, parent=p)
    racers = families(50)
    db.session.remove()

    def reserve(i):
        parent_id, child_id, _token = racers[i]
        with app.app_context():
            try:
                parent = db.session.get(User, parent_id)
                return reservations.place_hold(slot_id=slot_id, child_id=child_id,
                                               parent=parent).status
            except BookingError as err:
                db.session.rollback()
                return err.slug

    results = race(50, reserve)
    assert Counter(results) == {"held": 3, "slot-full": 47}
    assert live_count(slot_id) == 10
    assert_no_locks_left(app)


def test_one_child_sent_twenty_times_at_once_is_held_once(app):
    slot_id = f.slot(capacity=5).id
    [(_parent_id, child_id, token)] = families(1)
    db.session.remove()

    results = race(20, lambda i: post(app, "/api/v1/reservations", token,
                                      {"slot_id": slot_id, "child_id": child_id}))
    outcome = Counter((status, slug(body) if status != 201 else "held") for status, body in results)
    assert outcome == {(201, "held"): 1, (409, "already-reserved"): 19}
    assert live_count(slot_id) == 1
    assert_no_locks_left(app)


def test_sixty_families_join_a_waitlist_at_once(app):
    s = f.slot(capacity=10)
    slot_id = s.id
    racers = families(60)
    db.session.remove()

    results = race(60, lambda i: post(app, "/api/v1/waitlist", racers[i][2],
                                      {"slot_id": slot_id, "child_id": racers[i][1]}))

    assert {status for status, _ in results} == {201}, [b for s_, b in results if s_ != 201][:3]
    bodies = [body for _, body in results]
    assert Counter(b["status"] for b in bodies) == {"offered": 10, "waiting": 50}
    assert sorted(b["position"] for b in bodies if b["status"] == "waiting") == list(range(1, 51))
    assert live_count(slot_id) == 10
    db.session.expire_all()
    offered = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.slot_id == slot_id, WaitlistEntry.status == "offered")).all()
    assert len(offered) == 10 and all(e.reservation.status == "held" for e in offered)
    # the offers went to the first ten in the queue
    queue = db.session.scalars(select(WaitlistEntry.id).where(WaitlistEntry.slot_id == slot_id)
                               .order_by(*offers.queue_order())).all()
    assert {e.id for e in offered} == set(queue[:10])
    assert_no_locks_left(app)


def test_cancel_races_newcomers_for_the_last_place_and_the_queue_wins(app):
    s = f.slot(capacity=1)
    holder = f.user()
    hold = reservations.place_hold(slot_id=s.id, child_id=f.child(holder).id, parent=holder)
    waiter = f.user()
    [entry] = waitlists.join(slot_id=s.id, child_id=f.child(waiter).id, parent=waiter)
    holder_token = token_for(holder)
    newcomers = families(50)
    slot_id, hold_id, entry_id = s.id, hold.id, entry.id
    db.session.remove()

    def act(i):
        if i == 25:
            return post(app, f"/api/v1/reservations/{hold_id}/cancel", holder_token, {})
        _, child_id, token = newcomers[i if i < 25 else i - 1]
        return post(app, "/api/v1/reservations", token, {"slot_id": slot_id, "child_id": child_id})

    results = race(51, act)
    cancel = results.pop(25)
    assert cancel[0] == 200 and cancel[1]["status"] == "cancelled"
    # before the cancel the slot is full; after it the place is offered to the waiting family
    # in the same transaction, so no newcomer ever sees it free
    assert Counter((status, slug(body)) for status, body in results) == {(409, "slot-full"): 50}
    entry = db.session.get(WaitlistEntry, entry_id)
    assert entry.status == "offered" and entry.reservation.status == "held"
    assert live_count(slot_id) == 1
    assert_no_locks_left(app)


def test_cancel_races_newcomers_with_nobody_waiting(app):
    s = f.slot(capacity=1)
    holder = f.user()
    hold = reservations.place_hold(slot_id=s.id, child_id=f.child(holder).id, parent=holder)
    holder_token = token_for(holder)
    newcomers = families(50)
    slot_id, hold_id = s.id, hold.id
    db.session.remove()

    def act(i):
        if i == 0:
            return post(app, f"/api/v1/reservations/{hold_id}/cancel", holder_token, {})
        _, child_id, token = newcomers[i - 1]
        return post(app, "/api/v1/reservations", token, {"slot_id": slot_id, "child_id": child_id})

    results = race(51, act)
    cancel = results.pop(0)
    assert cancel[0] == 200 and cancel[1]["status"] == "cancelled"
    outcome = Counter((status, slug(body) if status != 201 else "held") for status, body in results)
    # whoever came after the cancel: exactly one of them; everyone else is told it is full
    assert set(outcome) <= {(201, "held"), (409, "slot-full")}
    assert outcome[(201, "held")] <= 1 and sum(outcome.values()) == 50
    assert live_count(slot_id) == outcome[(201, "held")]
    assert_no_locks_left(app)
