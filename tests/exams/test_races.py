"""Races on exam sessions (docs/design.md, Locking), on PostgreSQL: real threads, each with
its own app context and connection."""
from collections import Counter

from sqlalchemy import func, select

from booking.exams.models import ExamAppointment
from booking.extensions import db
from tests import factories as f
from tests.concurrency.helpers import assert_no_locks_left, families, post, race, slug, token_for
from tests.exams.conftest import at


def live(session_id=None, child_id=None):
    db.session.expire_all()
    stmt = select(func.count(ExamAppointment.id)).where(ExamAppointment.status == "booked")
    if session_id:
        stmt = stmt.where(ExamAppointment.session_id == session_id)
    if child_id:
        stmt = stmt.where(ExamAppointment.child_id == child_id)
    return db.session.scalar(stmt)


def test_forty_families_race_for_five_places(app, pg_only):
    inst = f.institution()
    session_id = f.exam_session(inst, starts_at=at(2026, 12, 10), capacity=5).id
    racers = families(40)
    db.session.remove()

    results = race(40, lambda i: post(app, f"/api/v1/children/{racers[i][1]}/exam-appointments",
                                      racers[i][2], {"session_id": session_id}))

    assert [r for r in results if isinstance(r, BaseException)] == []
    outcome = Counter((status, slug(body) if status != 201 else "booked")
                      for status, body in results)
    assert outcome == {(201, "booked"): 5, (409, "session-full"): 35}
    assert live(session_id=session_id) == 5
    assert_no_locks_left(app)


def test_one_child_two_requests_for_two_sessions_one_wins(app, pg_only):
    inst = f.institution()
    sessions = [f.exam_session(inst, starts_at=at(2026, 12, d), capacity=5).id
                for d in (10, 11, 14, 15, 16, 17)]
    parent = f.user()
    kid_id = f.child(parent).id
    token = token_for(parent)
    db.session.remove()

    results = race(6, lambda i: post(app, f"/api/v1/children/{kid_id}/exam-appointments",
                                     token, {"session_id": sessions[i]}))

    assert [r for r in results if isinstance(r, BaseException)] == []
    statuses = Counter(status for status, _body in results)
    assert statuses == {201: 1, 409: 5}
    assert live(child_id=kid_id) == 1
    assert_no_locks_left(app)


def test_moves_and_bookings_race_for_the_last_place(app, pg_only):
    inst = f.institution()
    first = f.exam_session(inst, starts_at=at(2026, 12, 10), capacity=10)
    target = f.exam_session(inst, starts_at=at(2026, 12, 11), capacity=3)
    movers = families(6)
    from booking.exams import appointments
    from booking.auth.models import User
    booked = [appointments.book(child_id=kid, session_id=first.id,
                                parent=db.session.get(User, pid)).id
              for pid, kid, _t in movers]
    target_id, first_id = target.id, first.id
    db.session.remove()

    results = race(6, lambda i: post(app, f"/api/v1/exam-appointments/{booked[i]}/move",
                                     movers[i][2], {"session_id": target_id}))

    assert [r for r in results if isinstance(r, BaseException)] == []
    assert Counter(status for status, _b in results) == {200: 3, 409: 3}
    assert live(session_id=target_id) == 3 and live(session_id=first_id) == 3
    for _pid, kid, _t in movers:
        assert live(child_id=kid) == 1  # never none, never two
    assert_no_locks_left(app)


def test_two_schedulers_send_one_reminder_and_mark_once(app, pg_only):
    from booking import clock
    from booking.audit.models import AuditEvent, Notification
    from booking.exams import jobs
    from booking.exams import appointments
    from tests.concurrency.helpers import in_context
    inst = f.institution()
    s = f.exam_session(inst, starts_at=at(2026, 11, 24), capacity=20)
    for _ in range(8):
        p = f.user()
        appointments.book(child_id=f.child(p).id, session_id=s.id, parent=p)
    db.session.remove()

    sent = race(4, lambda i: in_context(app, jobs.remind_exams))
    assert sum(sent) == 8
    db.session.remove()
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "exam_reminder")) == 8

    clock.set(at(2026, 11, 25, 1))
    marked = race(4, lambda i: in_context(app, jobs.mark_no_shows))
    assert sum(marked) == 8
    db.session.remove()
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "exam_appointment.no_show")) == 8
    assert_no_locks_left(app)
