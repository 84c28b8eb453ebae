"""The reminder the day before, the no-show sweep (twice = once) and the regulators' counts."""
from datetime import date

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.errors import Forbidden
from booking.exams import appointments, jobs, stats
from booking.exams.models import ExamResult
from booking.extensions import db
from booking.health.models import HealthCheck
from tests import factories as f
from tests.exams.conftest import at


def reminders():
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "exam_reminder"))


def test_the_guardians_are_reminded_once_the_day_before(world):
    a = appointments.book(child_id=world["kid"].id, session_id=world["session"].id,
                          parent=world["parent"])
    assert jobs.remind_exams() == 0  # 23 Nov: not the day before
    clock.set(at(2026, 12, 9, 20))
    assert jobs.remind_exams() == 1
    assert jobs.remind_exams() == 0
    assert reminders() == 1
    db.session.refresh(a)
    assert a.reminded_at is not None


def test_a_cancelled_appointment_is_not_reminded(world):
    a = appointments.book(child_id=world["kid"].id, session_id=world["session"].id,
                          parent=world["parent"])
    appointments.cancel(a.id, parent=world["parent"])
    clock.set(at(2026, 12, 9, 8))
    assert jobs.remind_exams() == 0


def test_unmarked_appointments_of_ended_sessions_become_no_shows_once(world):
    a = appointments.book(child_id=world["kid"].id, session_id=world["session"].id,
                          parent=world["parent"])
    other = f.user()
    b = appointments.book(child_id=f.child(other).id, session_id=world["session"].id,
                          parent=other)
    clock.set(at(2026, 12, 10, 10))
    appointments.mark(b.id, actor=world["clerk"], status="arrived")
    clock.set(at(2026, 12, 10, 23))
    assert jobs.mark_no_shows() == 0  # the session's own day is not over
    clock.set(at(2026, 12, 11, 0, ))
    assert jobs.mark_no_shows() == 1
    assert jobs.mark_no_shows() == 0
    db.session.refresh(a)
    db.session.refresh(b)
    assert (a.status, b.status) == ("no_show", "booked")
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "exam_appointment.no_show")) == 1


def test_counts_per_institution_and_district_without_names(world):
    p = world["parent"]
    a = appointments.book(child_id=world["kid"].id, session_id=world["session"].id, parent=p)
    other = f.user()
    kid2 = f.child(other)
    b = appointments.book(child_id=kid2.id, session_id=world["session"].id, parent=other)
    # b examined and signed as a pass (rows written directly: the results are another part).
    b.status = "examined"
    check = HealthCheck(child_id=kid2.id, examined_on=date(2026, 12, 10),
                        institution=world["inst"].name, result="pass",
                        vaccination_verified=True, status="verified",
                        valid_until=date(2027, 3, 10), submitted_by=world["doctor"].id)
    db.session.add(check)
    db.session.flush()
    db.session.add(ExamResult(appointment_id=b.id, child_id=kid2.id,
                              institution_id=world["inst"].id, examined_on=date(2026, 12, 10),
                              status="signed", conclusion="pass", entered_by=world["doctor"].id,
                              signed_by=world["doctor"].id, signed_at=clock.now(),
                              health_check_id=check.id))
    db.session.commit()
    data = stats.exam_stats(world["regulator"])
    [row] = data["institutions"]
    assert row["institution_id"] == world["inst"].id
    assert (row["booked"], row["examined"], row["no_shows"]) == (1, 1, 0)
    assert row["pass_rate"] == 1.0
    # 10 Dec is full (2 of 2); the first free place is on 17 Dec, 24 days from 23 Nov.
    assert row["wait_days"] == 24
    [district] = data["districts"]
    assert district["institutions"] == 1 and district["examined"] == 1
    text = repr(data)
    assert world["kid"].name not in text and kid2.name not in text
    assert "child_id" not in text and a.id
    assert {r["institution_id"] for r in stats.exam_stats(world["admin"])["institutions"]} == {
        world["inst"].id, world["inst_b"].id}
    with pytest.raises(Forbidden):
        stats.exam_stats(world["clerk"])
