"""The JSON API of dynamic evaluation (docs/evaluation.md, docs/api.md)."""
from flask import g

from ..api.framework import endpoint
from ..centres.models import Centre
from ..errors import NotFound
from ..extensions import db
from . import fixes, queries, scoring, services
from .checklist import dimensions
from .schemas import (ChecklistDimensionOut, EvaluationOut, FixItemIn, FixItemOut,
                      FixItemsQuery, FixReportIn, FixReturnIn, FixVerifyIn, GradeHistoryOut,
                      ItemInspectionIn, SelfAssessmentIn)


def fix_out(x) -> dict:
    return {"id": x.id, "evaluation_id": x.evaluation_id, "centre_id": x.centre_id,
            "code": x.code, "what": x.what, "due_on": x.due_on, "status": x.status,
            "state": fixes.state(x), "fixed_on": x.fixed_on, "fix_note": x.fix_note,
            "verified_on": x.verified_on, "returned_reason": x.returned_reason}


def evaluation_out(ev) -> dict:
    beside = services.item_map(services.latest_self(ev.centre_id)) \
        if ev.kind == "inspection" else {}
    given = {i.code: i.points for i in ev.items}
    grade = ev.inspection.grade if ev.inspection else scoring.grade(
        given, [i.code for i in ev.items if i.failed])
    return {"id": ev.id, "centre_id": ev.centre_id, "kind": ev.kind, "status": ev.status,
            "evaluated_on": ev.evaluated_on, "score": ev.score, "grade": grade,
            "basic_failed": ev.basic_failed, "inspection_id": ev.inspection_id,
            "submitted_at": ev.submitted_at,
            "items": [{"code": i.code, "points": i.points, "failed": i.failed, "note": i.note,
                       "self_points": beside[i.code].points if i.code in beside else None}
                      for i in ev.items],
            "fix_items": [fix_out(x) for x in ev.fixes]}


@endpoint("/evaluation/checklist", summary="The checklist: WS/T 821's seven dimensions, "
          "their items and points, the basic indicators", tags=["evaluation"],
          response=list[ChecklistDimensionOut])
def evaluation_checklist():
    return [{"key": key, "label": str(label), "total": total,
             "items": [{"code": i.code, "dimension": i.dimension, "label": str(i.label),
                        "max_points": i.max_points, "basic": i.basic} for i in items]}
            for key, label, total, items in dimensions()]


@endpoint("/centres/<int:centre_id>/self-assessments", "POST", summary="Save the centre's "
          "draft self-assessment, and submit it (the centre's director)", tags=["evaluation"],
          permission="evaluation.self", body=SelfAssessmentIn, response=EvaluationOut,
          errors=(404, 422))
def save_self_assessment(centre_id: int, body: SelfAssessmentIn):
    return evaluation_out(services.save_self(centre_id, g.api_user, items=body.items,
                                             notes=body.notes, failed=body.failed,
                                             submit=body.submit))


@endpoint("/self-assessments/<int:evaluation_id>/submit", "POST", summary="Submit a draft "
          "self-assessment", tags=["evaluation"], permission="evaluation.self",
          response=EvaluationOut, errors=(404, 409, 422))
def submit_self_assessment(evaluation_id: int):
    return evaluation_out(services.submit_self(evaluation_id, g.api_user))


@endpoint("/centres/<int:centre_id>/evaluations", summary="A centre's self-assessments and "
          "item-level inspections, newest first", tags=["evaluation"],
          permission="evaluation.read", response=list[EvaluationOut], errors=(404,))
def centre_evaluations(centre_id: int):
    user = g.api_user
    centre = db.session.get(Centre, centre_id)
    if centre is None or (user.role == "staff" and user.centre_id != centre_id):
        raise NotFound()
    if user.role != "staff":
        services.regulators_centre(centre_id, user)
    return [evaluation_out(ev) for ev in queries.of_centre(centre_id)]


@endpoint("/centres/<int:centre_id>/evaluations", "POST", summary="Record an item-level "
          "inspection (with its fix items)", tags=["evaluation"],
          permission="evaluation.inspect", body=ItemInspectionIn, response=EvaluationOut,
          status=201, errors=(404, 422))
def record_item_inspection(centre_id: int, body: ItemInspectionIn):
    return evaluation_out(services.record_inspection(
        centre_id, g.api_user, inspected_on=body.inspected_on, items=body.items,
        notes=body.notes, failed=body.failed, findings=body.findings,
        fixes=[x.model_dump() for x in body.fix_items]))


@endpoint("/evaluations/<int:evaluation_id>", summary="One evaluation, item by item (an "
          "inspection's with the centre's self score beside)", tags=["evaluation"],
          permission="evaluation.read", response=EvaluationOut, errors=(404,))
def evaluation_detail(evaluation_id: int):
    return evaluation_out(services.readable(evaluation_id, g.api_user))


@endpoint("/evaluations/<int:evaluation_id>/fix-items", "POST", summary="Set a fix item on "
          "an inspection", tags=["evaluation"], permission="evaluation.inspect",
          body=FixItemIn, response=FixItemOut, status=201, errors=(404, 422))
def add_fix_item(evaluation_id: int, body: FixItemIn):
    return fix_out(fixes.add_fix(evaluation_id, g.api_user, code=body.code, what=body.what,
                                 due_on=body.due_on))


@endpoint("/fix-items", summary="Unverified fix items in the jurisdiction, earliest "
          "deadline first", tags=["evaluation"], permission="evaluation.inspect",
          query=FixItemsQuery, response=list[FixItemOut])
def fix_items(query: FixItemsQuery):
    return [fix_out(x) for x in fixes.due_for(g.api_user, overdue_only=query.overdue)]


@endpoint("/fix-items/<int:fix_id>/report", "POST", summary="Report a fix item done (the "
          "centre's director)", tags=["evaluation"], permission="evaluation.self",
          body=FixReportIn, response=FixItemOut, errors=(404, 409, 422))
def report_fix_item(fix_id: int, body: FixReportIn):
    return fix_out(fixes.report_fix(fix_id, g.api_user, fixed_on=body.fixed_on, note=body.note))


@endpoint("/fix-items/<int:fix_id>/verify", "POST", summary="Verify a reported fix",
          tags=["evaluation"], permission="evaluation.inspect", body=FixVerifyIn,
          response=FixItemOut, errors=(404, 409, 422))
def verify_fix_item(fix_id: int, body: FixVerifyIn):
    return fix_out(fixes.verify_fix(fix_id, g.api_user, on_date=body.on_date))


@endpoint("/fix-items/<int:fix_id>/return", "POST", summary="Send a reported fix back, with "
          "the reason", tags=["evaluation"], permission="evaluation.inspect",
          body=FixReturnIn, response=FixItemOut, errors=(404, 409, 422))
def return_fix_item(fix_id: int, body: FixReturnIn):
    return fix_out(fixes.return_fix(fix_id, g.api_user, reason=body.reason, due_on=body.due_on))


@endpoint("/centres/<int:centre_id>/grade-history", summary="A centre's grades over time "
          "(public), oldest first", tags=["evaluation"], response=list[GradeHistoryOut],
          errors=(404,))
def grade_history(centre_id: int):
    centre = db.session.get(Centre, centre_id)
    if centre is None or centre.filing is None \
            or centre.filing.status in ("draft", "submitted", "returned"):
        raise NotFound()
    return queries.grade_history(centre_id)
