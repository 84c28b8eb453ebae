"""docs/api.md: staff ID numbers (one centre per person), training hours, and the
regulator's qualification and training coverage (docs/workforce.md)."""
from flask import g

from ..api.framework import endpoint
from ..clock import today
from . import identity, queries, services
from .schemas import (IdNumberIn, WorkforceCoverageOut, WorkforceCoverageQuery,
                      IdNumberOut, TrainingIn, TrainingListOut, TrainingOut)


@endpoint("/staff/<int:staff_id>/id-number", "PUT",
          summary="Set a staff member's ID number (stored encrypted; one active centre per "
          "person, 挂靠 refused)", tags=["rosters"], permission="roster.manage",
          body=IdNumberIn, response=IdNumberOut, errors=(404, 409, 422))
def staff_id_number(staff_id: int, body: IdNumberIn):
    staff = services.staff_for(g.api_user, staff_id, "roster.manage")
    staff = identity.set_id_number(staff.id, body.id_number, actor=g.api_user)
    return {"staff_member_id": staff.id, "id_number_masked": staff.id_number_masked}


@endpoint("/staff/<int:staff_id>/training", summary="A staff member's training records and "
          "this year's hours", tags=["rosters"], permission="roster.read",
          response=TrainingListOut, errors=(404,))
def staff_training_list(staff_id: int):
    staff = services.staff_for(g.api_user, staff_id, "roster.read")
    year = today().year
    return {"staff_member_id": staff.id, "year": year,
            "hours_this_year": queries.hours_by_staff([staff.id], year).get(staff.id, 0),
            "target_hours": queries.TRAINING_HOURS_TARGET,
            "records": [TrainingOut.model_validate(r) for r in queries.training_of(staff.id)]}


@endpoint("/staff/<int:staff_id>/training", "POST", summary="Record training hours",
          tags=["rosters"], permission="roster.manage", body=TrainingIn, response=TrainingOut,
          status=201, errors=(404, 422))
def staff_training_record(staff_id: int, body: TrainingIn):
    staff = services.staff_for(g.api_user, staff_id, "roster.manage")
    rec = services.record_training(staff.id, on_date=body.on_date, hours=body.hours,
                                   topic=body.topic, actor=g.api_user)
    return TrainingOut.model_validate(rec)


@endpoint("/workforce/coverage", summary="Qualification, background check and training "
          "coverage per centre or district of the jurisdiction", tags=["regulator"],
          permission="supervision.read", query=WorkforceCoverageQuery,
          response=list[WorkforceCoverageOut])
def workforce_coverage(query: WorkforceCoverageQuery):
    return [coverage_out(row, query.group) for row in queries.coverage(g.api_user, query.group)]


def coverage_out(row, group: str) -> dict:
    return {"group": group, "id": row.key, "name": row.name, "carers": row.carers,
            "qualified": row.qualified, "qualified_share": row.share(row.qualified),
            "background_valid": row.background_valid,
            "background_valid_share": row.share(row.background_valid),
            "trained": row.trained, "trained_share": row.share(row.trained),
            "hours_this_year": row.hours, "target_hours": queries.TRAINING_HOURS_TARGET}
