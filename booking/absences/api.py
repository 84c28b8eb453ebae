"""The JSON API's absences (docs/api.md, docs/absences.md): a child's guardians report and
withdraw them; they and the staff of the child's centre read them."""
from flask import g

from ..api.framework import endpoint
from ..errors import NotFound
from . import queries, services
from .schemas import AbsenceIn, AbsenceOut


@endpoint("/children/<int:child_id>/absences",
          summary="A child's absences, the latest first (guardians; the centre's care staff)",
          tags=["absences"], permission="absence.read", response=list[AbsenceOut])
def list_absences(child_id: int):
    if not queries.may_read(g.api_user, child_id, "absence.read"):
        raise NotFound()
    return [AbsenceOut.model_validate(a) for a in queries.absences_of(child_id)]


@endpoint("/children/<int:child_id>/absences", "POST",
          summary="Report an absence for a day or a range (请假)", tags=["absences"],
          permission="absence.report", body=AbsenceIn, response=AbsenceOut, status=201,
          errors=(409,), idempotent=True)
def report_absence(child_id: int, body: AbsenceIn):
    return AbsenceOut.model_validate(services.report(child_id, g.api_user, **body.model_dump()))


@endpoint("/children/<int:child_id>/absences/<int:absence_id>/withdraw", "POST",
          summary="Withdraw an absence before its first day, or its days after today",
          tags=["absences"], permission="absence.report", response=AbsenceOut, errors=(409,))
def withdraw_absence(child_id: int, absence_id: int):
    return AbsenceOut.model_validate(services.withdraw(absence_id, g.api_user,
                                                       child_id=child_id))
