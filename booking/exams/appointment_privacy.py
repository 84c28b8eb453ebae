"""A family's exam appointments and results in its export (docs/privacy.md, docs/exams.md).
When the account is deleted and a child anonymised, its booked appointments are cancelled: the
institution must not expect, or examine, a child whose family has left. Signed results are
health records and stay, as intake checks do (they point to the anonymised child)."""
from sqlalchemy import select, update

from ..children.holders import Holder, iso, register
from ..extensions import db
from .models import ExamAppointment, ExamResult, ExamSession, HealthInstitution


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


def export_results(child_ids, _user) -> list[dict]:
    rows = db.session.execute(
        select(ExamResult, HealthInstitution.name)
        .join(HealthInstitution, HealthInstitution.id == ExamResult.institution_id)
        .where(ExamResult.child_id.in_(child_ids)).order_by(ExamResult.id))
    return [{"child_id": r.child_id, "institution": name, "examined_on": iso(r.examined_on),
             "status": r.status, "history": r.history, "height_cm": r.height_cm,
             "weight_kg": r.weight_kg, "findings": r.findings,
             "haemoglobin_g_l": r.haemoglobin_g_l, "vision": r.vision, "hearing": r.hearing,
             "vaccination_checked": r.vaccination_checked,
             "vaccination_note": r.vaccination_note, "conclusion": r.conclusion,
             "follow_up_actions": r.follow_up_actions, "follow_up_by": iso(r.follow_up_by),
             "signed_at": iso(r.signed_at)} for r, name in rows]


register(Holder("exam_results", ("exam_result",), export_results, None))
