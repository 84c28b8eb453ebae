"""Races for the last places of a session, settled by the database as for slots (docs/design.md,
Locking): 50+ real threads, each with its own app context, on SQLite or PostgreSQL."""
from collections import Counter
from datetime import date, time

from sqlalchemy import func, select

from booking.auth.models import User
from booking.errors import BookingError
from booking.extensions import db
from booking.sessions import services as sessions
from booking.sessions.models import LIVE, SessionBooking
from tests import factories as f
from tests.concurrency.helpers import assert_no_locks_left, families, post, race, slug


def live(session_id):
    db.session.expire_all()
    return db.session.scalar(select(func.count(SessionBooking.id)).where(
        SessionBooking.session_id == session_id, SessionBooking.status.in_(LIVE)))


def a_session(capacity, subsidised=False):
    c = f.centre()
    staff = f.user("staff", centre_id=c.id)
    [s] = sessions.publish(c, sessions.SessionSpec(
        kind="occasional", age_band="toddler", on_date=date(2026, 11, 25), start=time(9),
        end=time(11), capacity=capacity, price_per_hour_fen=3000, subsidised=subsidised),
        actor=staff)
    return s.id


def test_sixty_families_race_for_eight_places_of_a_session_over_http(app):
    session_id = a_session(8)
    racers = families(60)
    db.session.remove()

    results = race(60, lambda i: post(app, f"/api/v1/sessions/{session_id}/bookings",
                                      racers[i][2], {"child_id": racers[i][1]}))

    assert [r for r in results if isinstance(r, BaseException)] == []
    outcome = Counter((status, slug(body) if status != 201 else body["status"])
                      for status, body in results)
    assert outcome == {(201, "booked"): 8, (409, "session-full"): 52}
    assert live(session_id) == 8
    winners = {body["child_id"] for status, body in results if status == 201}
    assert winners == set(db.session.scalars(select(SessionBooking.child_id).where(
        SessionBooking.session_id == session_id)))
    assert_no_locks_left(app)


def test_fifty_threads_race_the_service_for_the_last_two_places(app):
    session_id = a_session(5)
    for _ in range(3):
        p = f.user()
        sessions.book(session_id=session_id, child_id=f.child(p).id, parent=p)
    racers = families(50)
    db.session.remove()

    def book(i):
        parent_id, child_id, _token = racers[i]
        with app.app_context():
            try:
                parent = db.session.get(User, parent_id)
                return sessions.book(session_id=session_id, child_id=child_id,
                                     parent=parent).status
            except BookingError as err:
                db.session.rollback()
                return err.slug

    assert Counter(race(50, book)) == {"booked": 2, "session-full": 48}
    assert live(session_id) == 5
    assert_no_locks_left(app)


def test_one_family_spends_its_last_quota_place_once_across_sessions(app):
    """The quota spans sessions, so the session lock alone would not serialise it: the
    booking also writes the parent's row first. 31 subsidised sessions, quota 12, 11 used, 20 racing."""
    from booking.centres.models import CityPolicy
    db.session.add(CityPolicy(city="西安", session_quota_per_year=12))
    db.session.commit()
    [(parent_id, child_id, token)] = families(1)
    ids = [a_session(3, subsidised=True) for _ in range(31)]
    parent = db.session.get(User, parent_id)
    for sid in ids[:11]:
        sessions.book(session_id=sid, child_id=child_id, parent=parent)
    rest = ids[11:]
    db.session.remove()

    results = race(len(rest), lambda i: post(app, f"/api/v1/sessions/{rest[i]}/bookings",
                                             token, {"child_id": child_id}))

    outcome = Counter((status, slug(body) if status != 201 else "booked")
                      for status, body in results)
    assert outcome == {(201, "booked"): 1, (409, "session-quota-exceeded"): 19}
    db.session.expire_all()
    assert db.session.scalar(select(func.count(SessionBooking.id)).where(
        SessionBooking.child_id == child_id, SessionBooking.status == "booked")) == 12
    assert_no_locks_left(app)
