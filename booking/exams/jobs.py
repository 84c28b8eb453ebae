"""The exam jobs (docs/exams.md, Reminders and no-shows): each claims its rows with a
conditional UPDATE, so two schedulers running at once send one reminder and mark once."""
from datetime import timedelta

from sqlalchemy import select, update

from ..audit.services import notify_many, record_many
from ..children import services as children
from ..clock import LOCAL, end_of_day, local_date, start_of_day
from ..clock import now as clock_now
from ..extensions import db
from ..transactions import command
from .models import ExamAppointment, ExamSession


@command
def remind_exams(now=None) -> int:
    """Tell the guardians of each child booked for a session tomorrow (Beijing), once."""
    now = now or clock_now()
    tomorrow = local_date(now) + timedelta(days=1)
    rows = db.session.scalars(select(ExamAppointment).join(ExamSession).where(
        ExamAppointment.status == "booked", ExamAppointment.reminded_at.is_(None),
        ExamSession.cancelled_at.is_(None), ExamSession.starts_at >= start_of_day(tomorrow),
        ExamSession.starts_at < end_of_day(tomorrow))).all()
    sent = []
    for a in rows:
        claimed = db.session.execute(update(ExamAppointment).where(
            ExamAppointment.id == a.id, ExamAppointment.reminded_at.is_(None))
            .values(reminded_at=now).execution_options(synchronize_session=False))
        if not claimed.rowcount:
            continue
        s = a.session
        sent += [{"user_id": g, "kind": "exam_reminder", "params": {
            "appointment_id": a.id, "institution": s.institution.name,
            "address": s.institution.address or "", "bring": s.bring or "",
            "starts_at": s.starts_at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M"),
            "child": a.child.name, "child_id": a.child_id}}
            for g in children.guardians_of(a.child_id)]
    notify_many(sent, at=now)
    db.session.commit()
    return len(sent)


@command
def mark_no_shows(now=None) -> int:
    """Appointments still booked, with no arrival marked, whose session ended before today
    (Beijing) become no-shows (the institution never saw the child)."""
    now = now or clock_now()
    ids = db.session.scalars(select(ExamAppointment.id).join(ExamSession).where(
        ExamAppointment.status == "booked", ExamAppointment.marked_at.is_(None),
        ExamSession.ends_at < start_of_day(local_date(now)))).all()
    marked = []
    for appointment_id in ids:
        claimed = db.session.execute(update(ExamAppointment).where(
            ExamAppointment.id == appointment_id, ExamAppointment.status == "booked",
            ExamAppointment.marked_at.is_(None)).values(status="no_show")
            .execution_options(synchronize_session=False))
        if claimed.rowcount:
            marked.append(appointment_id)
    record_many([{"action": "exam_appointment.no_show", "entity_type": "exam_appointment",
                  "entity_id": i, "reason": "not marked arrived by the end of the session day",
                  "before": {"status": "booked"}, "after": {"status": "no_show"}}
                 for i in marked], at=now)
    db.session.commit()
    return len(marked)
