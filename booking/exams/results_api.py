"""The JSON API's examinations (docs/exams.md, "Results"; docs/api.md): the institution reads
and enters the draft of an open appointment, the doctor signs; guardians read the signed
results (centres read them as the child's verified intake checks)."""
from flask import g

from ..api.framework import endpoint
from ..auth.models import User
from ..extensions import db
from . import results
from .result_schemas import ExamRecordOut, ExamResultIn, ExamResultOut, FamilyExamResultOut


def _record(appointment, result) -> dict:
    child = appointment.child
    return {"appointment_id": appointment.id, "child_id": child.id, "child_name": child.name,
            "birth_date": child.birth_date, "session_items": list(appointment.session.items),
            "result": ExamResultOut.model_validate(result) if result else None}


@endpoint("/exam-appointments/<int:appointment_id>/result",
          summary="The examination of an open appointment (the institution's doctor or nurse)",
          tags=["exams"], permission="exam.record", response=ExamRecordOut)
def get_exam_result(appointment_id: int):
    return _record(*results.open_record(appointment_id, g.api_user, where="api"))


@endpoint("/exam-appointments/<int:appointment_id>/result", "PUT",
          summary="Enter or update the draft examination (every field at once)", tags=["exams"],
          permission="exam.record", body=ExamResultIn, response=ExamRecordOut,
          errors=(404, 409, 422))
def put_exam_result(appointment_id: int, body: ExamResultIn):
    result = results.save_draft(appointment_id, g.api_user, **body.model_dump())
    return _record(result.appointment, result)


@endpoint("/exam-appointments/<int:appointment_id>/result/sign", "POST",
          summary="The doctor signs: final; the child's verified intake check and a growth "
          "measurement", tags=["exams"], permission="exam.sign", response=ExamResultOut,
          errors=(404, 409, 422))
def sign_exam_result(appointment_id: int):
    return ExamResultOut.model_validate(results.sign(appointment_id, g.api_user))


def family_out(result) -> dict:
    signer = db.session.get(User, result.signed_by)
    return {**{k: getattr(result, k) for k in (
        "id", "child_id", "examined_on", "conclusion", "follow_up_actions", "follow_up_by",
        "height_cm", "weight_kg", "haemoglobin_g_l", "vision", "hearing",
        "vaccination_checked", "findings", "signed_at", "health_check_id")},
        "institution": result.institution.name, "signed_by_name": signer.name}


@endpoint("/children/<int:child_id>/exam-results",
          summary="A child's signed intake examinations (its guardians)", tags=["exams"],
          permission="family.read", response=list[FamilyExamResultOut])
def list_child_exam_results(child_id: int):
    return [family_out(r) for r in results.results_of_child(child_id, g.api_user)]
