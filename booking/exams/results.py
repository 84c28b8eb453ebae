"""Entering and signing the intake examination (docs/exams.md, "Results").

The institution's nurse or doctor enters a draft for an open appointment; only the doctor
signs it. Signing is final and does everything in one transaction: the result is signed, the
child gets a verified intake check (`health_check.source = 'institution'`, counted as verified
by every centre holding a place, so no centre verifies it again), a growth measurement with its
z-scores, the appointment becomes `examined`, and the guardians are told.

Both writes take the appointment row first (docs/design.md, Locking): a conditional UPDATE
that only an open appointment passes. Two signatures queue on it and the second finds it
examined (409); a draft saved while the doctor signs finds it examined too. The unique
`exam_result.appointment_id` and `health_check_id` hold the rest.
"""
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..audit.services import notify, record
from ..children import services as children
from ..clock import local_date, today
from ..clock import now as clock_now
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..growth import services as growth
from ..health import services as health
from ..health.models import HealthCheck
from ..reservations.models import Reservation
from ..transactions import command
from . import access
from .models import CONCLUSIONS, SCREENINGS, SYSTEM_ITEMS, ExamAppointment, ExamResult
from .result_labels import findings_summary

HEIGHT, WEIGHT, HAEMOGLOBIN = (40, 130), (1, 40), (30, 250)
TEXT_MAX = {"history": 2000, "vaccination_note": 200, "follow_up_actions": 1000}
NOTE_MAX = 200
FIELDS = ("examined_on", "history", "height_cm", "weight_kg", "findings", "haemoglobin_g_l",
          "vision", "hearing", "vaccination_checked", "vaccination_note", "conclusion",
          "follow_up_actions", "follow_up_by")


def result_of(appointment_id: int) -> ExamResult | None:
    return db.session.scalar(select(ExamResult).where(
        ExamResult.appointment_id == appointment_id))


@command
def open_record(appointment_id: int, user, *, where: str = "exam") -> tuple:
    """The open appointment and its result so far (None before the first save), for the
    institution's doctor or nurse; the read is logged.

    :raises NotFound: outside the reach (access.appointment_for)."""
    appointment = access.appointment_for(user, appointment_id)
    access.log_reads(user, [appointment], where=where)
    db.session.commit()
    return appointment, result_of(appointment.id)


def _number(value, bounds, name, message, errors, *, whole=False):
    if value is None or value == "":
        return None
    try:
        number = int(value) if whole else float(value)
    except (TypeError, ValueError):
        errors[name] = [_("请填写整数") if whole else _("请填写数字")]
        return None
    if not bounds[0] <= number <= bounds[1]:
        errors[name] = [message]
        return None
    return number


def _text(value, name, errors):
    text = (value or "").strip() or None
    if text and len(text) > TEXT_MAX[name]:
        errors[name] = [_("最多 %(n)s 个字", n=TEXT_MAX[name])]
    return text


def _findings(raw, errors) -> dict:
    """{code: {"normal": bool, "note": str}} for the systems examined; unknown codes refused."""
    out = {}
    for code, item in (raw or {}).items():
        if code not in SYSTEM_ITEMS or not isinstance(item, dict) \
                or not isinstance(item.get("normal"), bool):
            errors[f"findings.{code}"] = [_("请选择正常或异常")]
            continue
        note = (item.get("note") or "").strip()
        if len(note) > NOTE_MAX:
            errors[f"findings.{code}"] = [_("最多 %(n)s 个字", n=NOTE_MAX)]
        elif not item["normal"] and not note:
            errors[f"findings.{code}"] = [_("异常请写明所见")]
        out[code] = {"normal": item["normal"], "note": note}
    return out


def session_day(appointment: ExamAppointment) -> date:
    return local_date(appointment.session.starts_at)


def _validate(appointment: ExamAppointment, data: dict) -> dict:
    """The draft's values, checked as the table's CHECKs and the form's rules say.

    :raises ValidationFailed: with a message per field."""
    errors: dict[str, list] = {}
    examined_on = data.get("examined_on")
    if examined_on is None:
        errors["examined_on"] = [_("请填写体检日期")]
    elif examined_on > today():
        errors["examined_on"] = [_("体检日期不能晚于今天")]
    elif examined_on < session_day(appointment):
        errors["examined_on"] = [_("体检日期不能早于预约的体检日 %(d)s",
                                   d=session_day(appointment).isoformat())]
    out = {"examined_on": examined_on,
           "height_cm": _number(data.get("height_cm"), HEIGHT, "height_cm",
                                _("身长/身高应在 40–130 厘米之间"), errors),
           "weight_kg": _number(data.get("weight_kg"), WEIGHT, "weight_kg",
                                _("体重应在 1–40 千克之间"), errors),
           "haemoglobin_g_l": _number(data.get("haemoglobin_g_l"), HAEMOGLOBIN,
                                      "haemoglobin_g_l", _("血红蛋白应在 30–250 g/L 之间"),
                                      errors, whole=True),
           "findings": _findings(data.get("findings"), errors),
           "vaccination_checked": bool(data.get("vaccination_checked")),
           "follow_up_by": data.get("follow_up_by")}
    for name in TEXT_MAX:
        out[name] = _text(data.get(name), name, errors)
    for name in ("vision", "hearing"):
        out[name] = data.get(name) or None
        if out[name] is not None and out[name] not in SCREENINGS:
            errors[name] = [_("请选择通过或转诊")]
    out["conclusion"] = data.get("conclusion") or None
    if out["conclusion"] is not None and out["conclusion"] not in CONCLUSIONS:
        errors["conclusion"] = [_("结论应为合格、不合格或需复查")]
    if out["conclusion"] == "follow_up":
        if not out["follow_up_actions"] and "follow_up_actions" not in errors:
            errors["follow_up_actions"] = [_("需复查时请写明复查或处理的项目")]
        if out["follow_up_by"] is None:
            errors["follow_up_by"] = [_("需复查时请填写复查期限")]
        elif out["follow_up_by"] <= today():
            errors["follow_up_by"] = [_("复查期限应晚于今天")]
    else:
        out["follow_up_actions"], out["follow_up_by"] = None, None
    if errors:
        raise ValidationFailed(errors=errors)
    return out


def _claim(appointment: ExamAppointment, status: str) -> None:
    """Write the guarding row first: only an open appointment passes; the second of two
    concurrent writers waits for the first and then finds it examined.

    :raises Conflict: signed meanwhile."""
    done = db.session.execute(
        update(ExamAppointment).where(ExamAppointment.id == appointment.id,
                                      ExamAppointment.status == "booked").values(status=status),
        execution_options={"synchronize_session": False}).rowcount
    if done != 1:
        raise Conflict(_("体检结果已由医生签名，不能再修改"))
    db.session.refresh(appointment)


@command
def save_draft(appointment_id: int, actor, now=None, **data) -> ExamResult:
    """The nurse or doctor enters or updates the draft (every field at once, as the form).

    :raises NotFound: outside the reach. :raises Conflict: signed already.
    :raises ValidationFailed: a value out of range, a date in the future or before the
        session's day, a follow-up without what and by when.
    """
    now = now or clock_now()
    appointment = access.appointment_for(actor, appointment_id, write=True)
    fields = _validate(appointment, data)
    _claim(appointment, "booked")
    result = result_of(appointment.id)
    before = None
    if result is None:
        result = ExamResult(appointment_id=appointment.id, child_id=appointment.child_id,
                            institution_id=appointment.session.institution_id,
                            status="draft", entered_by=actor.id)
        db.session.add(result)
    else:
        before = {"conclusion": result.conclusion}
    for name, value in fields.items():
        setattr(result, name, value)
    result.entered_by, result.entered_at = actor.id, now
    db.session.flush()
    record("exam_result.saved", result, actor=actor, before=before,
           after={"appointment_id": appointment.id, "child_id": appointment.child_id,
                  "conclusion": result.conclusion})
    db.session.commit()
    return result


def _signable(result: ExamResult) -> None:
    """Height, weight, conclusion and the vaccination record are needed to sign."""
    errors = {}
    if result.height_cm is None:
        errors["height_cm"] = [_("签名前请填写身长/身高")]
    if result.weight_kg is None:
        errors["weight_kg"] = [_("签名前请填写体重")]
    if result.conclusion is None:
        errors["conclusion"] = [_("签名前请填写结论")]
    if not result.vaccination_checked:
        errors["vaccination_checked"] = [_("签名前请查验预防接种证")]
    if result.examined_on > today():
        errors["examined_on"] = [_("体检日期不能晚于今天")]
    if result.conclusion == "follow_up" and (result.follow_up_by is None
                                              or result.follow_up_by <= today()):
        errors["follow_up_by"] = [_("复查期限应晚于今天")]
    if errors:
        raise ValidationFailed(errors=errors)


def valid_days(appointment: ExamAppointment, now) -> int:
    """The validity the hold it was booked for asks (its city's policy), else the child's."""
    reservation = db.session.get(Reservation, appointment.reservation_id) \
        if appointment.reservation_id else None
    if reservation is not None:
        return health.valid_days_for(reservation.slot)
    return health.valid_days_for_child(appointment.child_id, now)


@command
def sign(appointment_id: int, doctor, now=None) -> ExamResult:
    """The doctor signs the draft: final, and the child's verified intake check.

    :raises NotFound: not a doctor of the institution, or not its open appointment.
    :raises Conflict: no draft yet, or signed already (also by a concurrent signature).
    :raises ValidationFailed: height, weight, conclusion or the vaccination check missing.
    """
    now = now or clock_now()
    appointment = access.appointment_for(doctor, appointment_id, "exam.sign", write=True)
    if result_of(appointment.id) is None:
        raise Conflict(_("还没有录入体检结果，无法签名"))
    _claim(appointment, "examined")
    result = result_of(appointment.id)
    db.session.refresh(result)
    if result.status == "signed":
        raise Conflict(_("体检结果已由医生签名，不能再修改"))
    _signable(result)
    child = appointment.child
    check = HealthCheck(
        child_id=child.id, examined_on=result.examined_on, institution=result.institution.name,
        result=result.conclusion, vaccination_verified=result.vaccination_checked,
        height_cm=result.height_cm, weight_kg=result.weight_kg,
        haemoglobin_g_l=result.haemoglobin_g_l, findings=findings_summary(result) or None,
        status="verified", source="institution", submitted_by=doctor.id, submitted_at=now,
        verified_by=doctor.id, verified_at=now,
        valid_until=result.examined_on + timedelta(days=valid_days(appointment, now)))
    db.session.add(check)
    db.session.flush()
    result.status, result.signed_by, result.signed_at = "signed", doctor.id, now
    result.health_check_id = check.id
    growth.record_from_exam(child, doctor, measured_on=result.examined_on,
                            height_cm=result.height_cm, weight_kg=result.weight_kg, now=now)
    record("exam_result.signed", result, actor=doctor,
           before={"status": "draft"},
           after={"status": "signed", "appointment_id": appointment.id,
                  "health_check_id": check.id, "conclusion": result.conclusion})
    record("exam_appointment.examined", appointment, actor=doctor,
           before={"status": "booked"}, after={"status": "examined"})
    record("health_check.verified", check, actor=doctor,
           after={"status": "verified", "source": "institution", "result": check.result,
                  "valid_until": check.valid_until})
    for guardian_id in children.guardians_of(child.id):
        notify(guardian_id, "exam_result_signed", child=child.name, child_id=child.id,
               result_id=result.id, conclusion=result.conclusion,
               institution=result.institution.name,
               follow_up_by=result.follow_up_by.isoformat() if result.follow_up_by else None)
    db.session.commit()
    return result


@command
def pending_for(doctor) -> list[ExamResult]:
    """Drafts of the doctor's institution awaiting a signature, oldest first; one logged
    read per child listed (the list names the child and the conclusion)."""
    rows = db.session.scalars(select(ExamResult).join(ExamAppointment).where(
        ExamResult.institution_id == doctor.institution_id, ExamResult.status == "draft",
        ExamAppointment.status == "booked")
        .order_by(ExamResult.examined_on, ExamResult.id)).all()
    access.log_reads(doctor, [r.appointment for r in rows], where="pending")
    db.session.commit()
    return rows


def results_of_child(child_id: int, user) -> list[ExamResult]:
    """The child's signed results, newest first, for its guardians (drafts are the
    institution's until signed).

    :raises NotFound: anyone but a guardian."""
    access.guardian_child(user, child_id)
    return db.session.scalars(select(ExamResult).where(
        ExamResult.child_id == child_id, ExamResult.status == "signed")
        .order_by(ExamResult.examined_on.desc(), ExamResult.id.desc())).all()


def result_for_family(child_id: int, result_id: int, user) -> ExamResult:
    """One signed result of the guardian's child. :raises NotFound: anyone else."""
    access.guardian_child(user, child_id)
    result = db.session.get(ExamResult, result_id)
    if result is None or result.child_id != child_id or result.status != "signed":
        raise NotFound()
    return result
