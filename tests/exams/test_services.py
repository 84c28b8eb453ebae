"""The rules of institutions, sessions and appointments (docs/exams.md), service by service."""
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.errors import Conflict, Forbidden, NotFound, SessionFull, ValidationFailed
from booking.exams import appointments, exam_sessions, institutions
from booking.exams.models import ExamAppointment
from booking.extensions import db
from tests import factories as f
from tests.exams.conftest import at


def actions(entity_type):
    return [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == entity_type).order_by(AuditEvent.id))]


def spec(d, **kw):
    base = dict(name="雁塔区妇幼保健院", kind="maternal_child", district_id=d.id,
                address="长安路 1 号", phone="029-1234", cancel_cutoff_hours=24)
    base.update(kw)
    return institutions.InstitutionSpec(**base)


# --- institutions -------------------------------------------------------------------------

def test_a_district_regulator_registers_an_institution_and_its_accounts(world):
    reg = world["regulator"]
    inst = institutions.register(spec(world["district"]), actor=reg)
    assert inst.active and inst.created_by == reg.id
    nurse = institutions.create_account(inst.id, actor=reg, name="李护士", role="nurse",
                                        password=f.PASSWORD, email="li@example.com")
    assert nurse.role == "institution" and nurse.institution_id == inst.id
    assert nurse.institution_role == "nurse"
    institutions.deactivate_account(inst.id, nurse.id, actor=reg)
    assert not nurse.active
    assert "institution.created" in actions("health_institution")


def test_outside_the_jurisdiction_an_institution_is_missing(world):
    with pytest.raises(ValidationFailed) as err:
        institutions.register(spec(world["other_district"]), actor=world["regulator"])
    assert "district_id" in err.value.errors
    with pytest.raises(NotFound):
        institutions.visible_institution(world["inst_b"].id, world["regulator"])
    with pytest.raises(NotFound):
        institutions.create_account(world["inst_b"].id, actor=world["regulator"], name="x",
                                    role="doctor", password=f.PASSWORD, email="x@example.com")
    with pytest.raises(Forbidden):
        institutions.register(spec(world["district"]), actor=world["parent"])
    assert institutions.visible_institution(world["inst_b"].id, world["admin"])


def test_bad_institution_values_are_refused(world):
    with pytest.raises(ValidationFailed) as err:
        institutions.register(spec(world["district"], name=" ", kind="clinic",
                                   cancel_cutoff_hours=500), actor=world["admin"])
    assert set(err.value.errors) >= {"name", "kind", "cancel_cutoff_hours"}


def test_edit_changes_and_deactivates(world):
    inst = institutions.edit(world["inst"].id, spec(world["district"], cancel_cutoff_hours=48),
                             actor=world["regulator"], active=False)
    assert inst.cancel_cutoff_hours == 48 and not inst.active
    assert actions("health_institution")[-1] == "institution.changed"


# --- sessions -----------------------------------------------------------------------------

def s_spec(**kw):
    base = dict(on_date=date(2026, 12, 1), start=time(8, 30), end=time(11, 30), capacity=10,
                bring="疫苗接种证")
    base.update(kw)
    return exam_sessions.ExamSessionSpec(**base)


def test_the_institution_publishes_sessions_over_several_working_days(world):
    made = exam_sessions.publish(world["inst"].id, s_spec(days=3, on_date=date(2026, 12, 4)),
                                 actor=world["clerk"])
    days = [clock.local_date(s.starts_at) for s in made]
    assert days == [date(2026, 12, 4), date(2026, 12, 7), date(2026, 12, 8)]  # Fri, Mon, Tue
    assert made[0].starts_at.astimezone(clock.LOCAL).hour == 8
    assert actions("exam_session").count("exam_session.published") == 3


def test_publishing_is_refused_outside_the_institution_or_with_bad_values(world):
    with pytest.raises(NotFound):
        exam_sessions.publish(world["inst"].id, s_spec(), actor=world["doctor_b"])
    with pytest.raises(Forbidden):
        exam_sessions.publish(world["inst"].id, s_spec(), actor=world["parent"])
    with pytest.raises(ValidationFailed) as err:
        exam_sessions.publish(world["inst"].id, s_spec(capacity=0, end=time(8), items=["x"]),
                              actor=world["clerk"])
    assert set(err.value.errors) == {"capacity", "end", "items"}
    with pytest.raises(ValidationFailed) as err:
        exam_sessions.publish(world["inst"].id, s_spec(on_date=date(2026, 11, 22)),
                              actor=world["clerk"])
    assert "on_date" in err.value.errors


def test_cancelling_a_session_cancels_its_appointments_and_tells_the_guardians(world):
    s = world["session"]
    a = appointments.book(child_id=world["kid"].id, session_id=s.id, parent=world["parent"])
    exam_sessions.cancel_session(s.id, actor=world["nurse"], reason="医生外出")
    db.session.refresh(a)
    assert a.status == "cancelled" and a.cancel_reason == "医生外出" and a.cancelled_at
    note = db.session.scalar(select(Notification).where(Notification.kind == "exam_cancelled"))
    assert note.user_id == world["parent"].id
    with pytest.raises(Conflict):
        exam_sessions.cancel_session(s.id, actor=world["nurse"])
    with pytest.raises(NotFound):
        exam_sessions.cancel_session(world["later"].id, actor=world["doctor_b"])


# --- appointments -------------------------------------------------------------------------

def test_book_and_one_live_appointment_per_child(world):
    p, kid = world["parent"], world["kid"]
    a = appointments.book(child_id=kid.id, session_id=world["session"].id, parent=p)
    assert a.status == "booked" and a.booked_by == p.id
    with pytest.raises(Conflict) as err:
        appointments.book(child_id=kid.id, session_id=world["later"].id, parent=p)
    assert world["inst"].name in err.value.message
    assert err.value.extra["appointment_id"] == a.id
    assert actions("exam_appointment") == ["exam_appointment.booked"]


def test_a_full_session_a_past_one_a_cancelled_one_and_a_strangers_child(world):
    s = world["session"]
    for _ in range(2):
        other = f.user()
        appointments.book(child_id=f.child(other).id, session_id=s.id, parent=other)
    with pytest.raises(SessionFull):
        appointments.book(child_id=world["kid"].id, session_id=s.id, parent=world["parent"])
    past = f.exam_session(world["inst"], starts_at=at(2026, 11, 20))
    with pytest.raises(ValidationFailed):
        appointments.book(child_id=world["kid"].id, session_id=past.id, parent=world["parent"])
    exam_sessions.cancel_session(world["later"].id, actor=world["clerk"])
    with pytest.raises(Conflict):
        appointments.book(child_id=world["kid"].id, session_id=world["later"].id,
                          parent=world["parent"])
    with pytest.raises(NotFound):
        appointments.book(child_id=world["kid"].id, session_id=s.id, parent=world["stranger"])
    with pytest.raises(Forbidden):
        appointments.book(child_id=world["kid"].id, session_id=s.id, parent=world["doctor"])


def test_cancel_and_move_until_the_cutoff(world):
    p, kid = world["parent"], world["kid"]
    a = appointments.book(child_id=kid.id, session_id=world["session"].id, parent=p)
    new = appointments.move(a.id, session_id=world["later"].id, parent=p)
    db.session.refresh(a)
    assert a.status == "cancelled" and a.moved_to_id == new.id and new.status == "booked"
    assert appointments.live_of(kid.id).id == new.id
    with pytest.raises(ValidationFailed):
        appointments.move(new.id, session_id=world["later"].id, parent=p)
    # 24 h before 17 Dec 09:00 is 16 Dec 09:00; one minute later the family must call.
    clock.set(at(2026, 12, 16, 9) + timedelta(minutes=1))
    with pytest.raises(Conflict) as err:
        appointments.cancel(new.id, parent=p)
    assert "2026-12-16 09:00" in err.value.message
    clock.set(at(2026, 12, 16, 9))
    assert appointments.cancel(new.id, parent=p).status == "cancelled"
    with pytest.raises(NotFound):
        appointments.cancel(new.id, parent=world["stranger"])


def test_a_move_to_a_full_session_leaves_the_old_appointment(world):
    p, kid = world["parent"], world["kid"]
    a = appointments.book(child_id=kid.id, session_id=world["session"].id, parent=p)
    for _ in range(2):
        other = f.user()
        appointments.book(child_id=f.child(other).id, session_id=world["later"].id,
                          parent=other)
    with pytest.raises(SessionFull):
        appointments.move(a.id, session_id=world["later"].id, parent=p)
    db.session.refresh(a)
    assert a.status == "booked" and a.moved_to_id is None


def test_the_institution_marks_arrival_and_no_show_on_the_day(world):
    a = appointments.book(child_id=world["kid"].id, session_id=world["session"].id,
                          parent=world["parent"])
    with pytest.raises(Conflict):
        appointments.mark(a.id, actor=world["clerk"], status="arrived")  # not the day yet
    clock.set(at(2026, 12, 10, 8))
    with pytest.raises(Conflict):
        appointments.mark(a.id, actor=world["clerk"], status="no_show")  # not started
    marked = appointments.mark(a.id, actor=world["clerk"], status="arrived")
    assert marked.status == "booked" and marked.marked_by == world["clerk"].id
    with pytest.raises(NotFound):
        appointments.mark(a.id, actor=world["doctor_b"], status="no_show")
    with pytest.raises(Forbidden):
        appointments.mark(a.id, actor=world["parent"], status="no_show")
    with pytest.raises(ValidationFailed):
        appointments.mark(a.id, actor=world["clerk"], status="examined")
    clock.set(at(2026, 12, 10, 10))
    assert appointments.mark(a.id, actor=world["nurse"], status="no_show").status == "no_show"
    assert actions("exam_appointment")[-2:] == ["exam_appointment.arrived",
                                                "exam_appointment.no_show"]


def test_an_arrival_marked_means_the_family_can_no_longer_cancel_online(world):
    a = appointments.book(child_id=world["kid"].id, session_id=world["session"].id,
                          parent=world["parent"])
    clock.set(at(2026, 12, 10, 8))
    appointments.mark(a.id, actor=world["clerk"], status="arrived")
    assert not appointments.may_change_online(a)


# --- suggestion ---------------------------------------------------------------------------

def test_the_suggestion_is_the_earliest_session_still_valid_on_the_start_date(world):
    p, kid = world["parent"], world["kid"]
    c = f.centre(world["district"])
    slot = f.slot(c, starts_on=date(2027, 3, 1))
    from booking.reservations import services as reservations
    hold = reservations.place_hold(slot_id=slot.id, child_id=kid.id, parent=p)
    # Valid 90 days: examined on or after 1 Dec 2026 (2027-03-01 − 90 days).
    early = f.exam_session(world["inst"], starts_at=at(2026, 11, 30))
    ok = f.exam_session(world["inst_b"], starts_at=at(2026, 12, 2))
    sug = appointments.suggest(p, kid.id, hold.id)
    assert sug["earliest"] == date(2026, 12, 1) and sug["latest"] == date(2027, 3, 1)
    assert sug["session"].id == ok.id != early.id
    # Without a hold: the earliest session with a free place.
    assert appointments.suggest(p, kid.id)["session"].id == early.id
    with pytest.raises(NotFound):
        appointments.suggest(world["stranger"], kid.id)
    with pytest.raises(NotFound):
        appointments.suggest(p, kid.id, hold.id + 999)
    a = appointments.book(child_id=kid.id, session_id=ok.id, parent=p,
                          reservation_id=hold.id)
    assert a.reservation_id == hold.id


def test_the_childs_district_comes_first_on_the_same_day(world):
    p, kid = world["parent"], world["kid"]
    c = f.centre(world["district"])
    from booking.reservations import services as reservations
    hold = reservations.place_hold(slot_id=f.slot(c, starts_on=date(2027, 1, 1)).id,
                                   child_id=kid.id, parent=p)
    f.exam_session(world["inst_b"], starts_at=at(2026, 11, 30, 8))
    home = f.exam_session(world["inst"], starts_at=at(2026, 11, 30, 14))
    assert appointments.suggest(p, kid.id, hold.id)["session"].id == home.id


def test_appointments_are_seen_by_the_family_and_the_institution_only(world):
    a = appointments.book(child_id=world["kid"].id, session_id=world["session"].id,
                          parent=world["parent"])
    assert appointments.visible(a.id, world["parent"]) is a
    assert appointments.visible(a.id, world["clerk"]) is a
    for outsider in ("stranger", "doctor_b", "regulator", "admin"):
        with pytest.raises(NotFound):
            appointments.visible(a.id, world[outsider])
    assert db.session.scalar(select(ExamAppointment.id)) == a.id


def test_the_familys_export_holds_its_appointments_and_deletion_cancels_them(world):
    from booking.exams.appointment_privacy import erase, export
    a = appointments.book(child_id=world["kid"].id, session_id=world["session"].id,
                          parent=world["parent"])
    [row] = export([world["kid"].id], world["parent"])
    assert row["institution"] == world["inst"].name and row["status"] == "booked"
    assert erase([world["kid"].id], world["parent"], clock.now()) == {
        "exam_appointments_cancelled": 1}
    db.session.commit()
    db.session.refresh(a)
    assert a.status == "cancelled" and a.cancel_reason == "account deleted"
