"""Races on both databases: families and staff opening the same thread at once get one thread;
many messages sent at once to one thread still give each participant one unread notice
(each post writes the thread's row first: services._lock_thread)."""
from collections import Counter

from sqlalchemy import func, select

from booking.audit.models import Notification
from booking.auth.models import User
from booking.extensions import db
from booking.messages import services
from booking.messages.models import Message, Thread
from tests.concurrency.helpers import assert_no_locks_left, race


def test_opening_one_thread_at_once_makes_one(app, world):
    w = world
    openers = [w.parent.id, w.parent2.id, w.director.id, w.carer.id] * 3
    kid_id, centre_id = w.kid.id, w.centre.id
    db.session.remove()

    def open_it(i):
        with app.app_context():
            try:
                user = db.session.get(User, openers[i])
                return services.open_thread(user, kid_id, centre_id if user.role == "parent"
                                            else None).id
            finally:
                db.session.remove()

    results = race(len(openers), open_it)
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results), results
    assert db.session.scalar(select(func.count(Thread.id))) == 1
    assert_no_locks_left(app)


def test_many_messages_at_once_give_each_participant_one_notice(app, world):
    w = world
    thread_id = services.open_thread(w.parent, w.kid.id, w.centre.id).id
    writers = [w.parent.id, w.parent2.id] * 6
    staff_ids = [w.director.id, w.carer.id, w.health.id]
    # The staff have opened the thread before: their reader rows exist, so nothing but the
    # thread's row makes the racing posts wait for each other.
    for staff in (w.director, w.carer, w.health):
        services.read_thread(thread_id, staff)
    db.session.remove()

    def write(i):
        with app.app_context():
            try:
                services.post_message(thread_id, db.session.get(User, writers[i]), f"第 {i} 条")
                return "sent"
            finally:
                db.session.remove()

    results = race(len(writers), write)
    assert Counter(results) == {"sent": len(writers)}, results
    assert db.session.scalar(select(func.count(Message.id))) == len(writers)
    notices = Counter(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "message_received")))
    assert notices == {s: 1 for s in staff_ids}
    assert_no_locks_left(app)
