"""A family's exam appointments in its export (docs/privacy.md, docs/exams.md). When the
account is deleted and a child anonymised, its booked appointments are cancelled: the
institution must not expect, or examine, a child whose family has left."""
from sqlalchemy import select, update

from ..children.holders import Holder, iso, register
from ..extensions import db
from .models import ExamAppointment, ExamSession, HealthInstitution


def export(child_ids, _user) -> list[dict]:
    rows = db.session.execute(
        select(ExamAppointment, ExamSession, HealthInstitution.name)
        .join(ExamSession, ExamSession.id == ExamAppointment.session_id)
        .join(HealthInstitution, HealthInstitution.id == ExamSession.institution_id)
        .where(ExamAppointment.child_id.in_(child_ids)).order_by(ExamAppointment.id))
    return [{"child_id": a.child_id, "institution": name, "starts_at": iso(s.starts_at),
             "status": a.status, "created_at": iso(a.created_at),
             "cancelled_at": iso(a.cancelled_at), "cancel_reason": a.cancel_reason,
             "marked_at": iso(a.marked_at)} for a, s, name in rows]


def erase(child_ids, _user, now) -> dict:
    if not child_ids:
        return {"exam_appointments_cancelled": 0}
    result = db.session.execute(
        update(ExamAppointment).where(ExamAppointment.child_id.in_(child_ids),
                                      ExamAppointment.status == "booked")
        .values(status="cancelled", cancelled_at=now, cancel_reason="account deleted")
        .execution_options(synchronize_session=False))
    return {"exam_appointments_cancelled": result.rowcount}


register(Holder("exam_appointments", ("exam_appointment",), export, erase))
