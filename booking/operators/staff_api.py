"""docs/api.md: staff across an operator's centres (docs/operators.md, Staff across centres)."""
from flask import g

from ..api.framework import endpoint
from . import assignments, figures, managers
from .staff_schemas import (AssignIn, AssignmentOut, SwitchIn, ManagerIn, ManagerOut,
                            MeCentreOut, OverviewOut)


def assignment_out(a) -> dict:
    return {"id": a.id, "user_id": a.user_id, "centre_id": a.centre_id,
            "centre_name": a.centre.name, "staff_role": a.staff_role,
            "current": a.ended_at is None and a.user.centre_id == a.centre_id,
            "ended_at": a.ended_at}


def _me(user) -> dict:
    return {"centre_id": user.centre_id, "centre_name": user.centre.name,
            "staff_role": user.staff_role,
            "centres": [assignment_out(a) for a in assignments.active_of(user.id)]}


@endpoint("/me/centre", summary="The caller's current centre and the centres it may switch to",
          tags=["staff"], permission="staff.switch", response=MeCentreOut)
def my_centre():
    return _me(g.api_user)


@endpoint("/me/centre", "POST", summary="Switch the caller's current centre (one it is "
          "assigned to); its role there comes with it", tags=["staff"],
          permission="staff.switch", body=SwitchIn, response=MeCentreOut, errors=(404,))
def switch_centre(body: SwitchIn):
    return _me(assignments.switch(g.api_user, body.centre_id))


@endpoint("/staff/<int:user_id>/assignments", "POST", summary="Add a staff account to another "
          "centre of the same operator, in a role", tags=["staff"],
          permission="staff_accounts.manage", body=AssignIn, response=AssignmentOut,
          status=201, errors=(403, 404, 409, 422))
def assign(user_id: int, body: AssignIn):
    return assignment_out(assignments.assign(g.api_user, user_id, body.centre_id,
                                             body.staff_role))


@endpoint("/staff-assignments/<int:assignment_id>/end", "POST", summary="End a staff "
          "account's assignment at a centre (never its last)", tags=["staff"],
          permission="staff_accounts.manage", response=AssignmentOut, errors=(404, 409))
def end_assignment(assignment_id: int):
    return assignment_out(assignments.end(g.api_user, assignment_id))


@endpoint("/operators/<int:operator_id>/managers", "POST", summary="Appoint the operator's "
          "运营负责人 (an existing staff account of its centres, or a new one)",
          tags=["operators"], permission="operator.manage", body=ManagerIn,
          response=ManagerOut, status=201, errors=(403, 404, 409, 422))
def appoint_manager(operator_id: int, body: ManagerIn):
    m = managers.appoint(g.api_user, operator_id, **body.model_dump())
    return {"id": m.id, "operator_id": m.operator_id, "user_id": m.user_id,
            "centres": [a.centre_id for a in assignments.active_of(m.user_id)]}


@endpoint("/operator/overview", summary="The 运营负责人's operator: its centres side by side",
          tags=["operators"], permission="operator.overview", response=OverviewOut,
          errors=(404,))
def overview():
    op, rows = managers.overview(g.api_user)
    keys = ("places", "enrolled", "holds", "waiting", "billed_fen", "collected_fen",
            "claim_status", "claim_fen", "classes_short", "carers_missing", "ratio_gaps")
    return {"operator_id": op.id, "operator_name": op.name, **figures.summary(rows),
            "centres": [{"centre_id": r["centre"].id, "centre_name": r["centre"].name,
                         "open_today": r["open"], **{k: r[k] for k in keys}} for r in rows]}
