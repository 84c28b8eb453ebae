"""The JSON API of the regulator's side of subsidy claims (docs/subsidies.md, docs/api.md).

The list `GET /subsidy-claims` is the regulator's (claims in the jurisdiction); one claim,
`GET /subsidy-claims/{id}`, is the claims area's (subsidies/api.py), readable by the centre
and its regulators alike. Decisions, anomalies, reports and the prepaid liability are here.
"""
from flask import g

from ..api.framework import endpoint
from ..centres.models import Centre
from ..errors import NotFound
from ..extensions import db
from ..regulator.jurisdiction import holds_centre
from . import anomalies, decisions, reports
from .review_schemas import (AnomalyOut, ApproveIn, LiabilityOut, ReasonIn, ReportQuery,
                             ReportRowOut, ReviewClaimOut, ReviewQuery)
from .review_views import download


def claim_out(c, found=None) -> dict:
    found = anomalies.for_claim(c) if found is None and c.status == "submitted" else found
    return {"id": c.id, "centre_id": c.centre_id, "centre_name": c.centre.name,
            "district": c.centre.district.code, "month": c.month, "status": c.status,
            "operating_fen": c.operating_fen, "sibling_reward_fen": c.sibling_reward_fen,
            "construction_places": c.construction_places,
            "construction_fen": c.construction_fen, "total_fen": c.total_fen,
            "approved_fen": c.approved_fen, "submitted_at": c.submitted_at,
            "decided_at": c.decided_at, "decided_by": c.decided_by,
            "decision_reason": c.decision_reason, "anomaly_count": len(found or [])}


@endpoint("/subsidy-claims", summary="Subsidy claims in the regulator's jurisdiction "
          "(submitted first), with their anomaly counts", tags=["subsidies"],
          permission="supervision.read", query=ReviewQuery, response=list[ReviewClaimOut],
          errors=(422,))
def review_subsidy_claims(query: ReviewQuery):
    return [claim_out(c, found) for c, found in
            anomalies.in_scope(g.api_user, query.month, query.status)]


@endpoint("/subsidy-claims/<int:claim_id>/anomalies", summary="A claim's anomalies, with "
          "their evidence", tags=["subsidies"], permission="supervision.read",
          response=list[AnomalyOut], errors=(404,))
def subsidy_claim_anomalies(claim_id: int):
    return [a.as_dict() for a in anomalies.for_claim(
        decisions.for_regulator(claim_id, g.api_user))]


@endpoint("/subsidy-claims/<int:claim_id>/approve", "POST", summary="Approve a submitted claim "
          "(the total or less; anomalies acknowledged)", tags=["subsidies"],
          permission="supervision.act", body=ApproveIn, response=ReviewClaimOut,
          errors=(404, 409, 422))
def approve_subsidy_claim(claim_id: int, body: ApproveIn):
    return claim_out(decisions.approve(claim_id, g.api_user, body.amount_fen,
                                       acknowledge_anomalies=body.acknowledge_anomalies))


@endpoint("/subsidy-claims/<int:claim_id>/return", "POST", summary="Return a submitted claim "
          "to the centre with a reason", tags=["subsidies"], permission="supervision.act",
          body=ReasonIn, response=ReviewClaimOut, errors=(404, 409, 422))
def return_subsidy_claim(claim_id: int, body: ReasonIn):
    return claim_out(decisions.return_claim(claim_id, g.api_user, body.reason))


@endpoint("/subsidy-claims/<int:claim_id>/reject", "POST", summary="Reject a submitted claim "
          "with a reason (final)", tags=["subsidies"], permission="supervision.act",
          body=ReasonIn, response=ReviewClaimOut, errors=(404, 409, 422))
def reject_subsidy_claim(claim_id: int, body: ReasonIn):
    return claim_out(decisions.reject(claim_id, g.api_user, body.reason))


@endpoint("/subsidy-reports", summary="Subsidies approved per district and month, or per "
          "centre, in the jurisdiction (JSON, or CSV/XLSX with Chinese headers)",
          tags=["subsidies"], permission="supervision.read", query=ReportQuery,
          response=list[ReportRowOut], errors=(422,))
def subsidy_reports(query: ReportQuery):
    if query.format != "json":
        return download(g.api_user, query.group, query.format, query.first, query.last)
    fn = reports.by_centre if query.group == "centre" else reports.by_district
    return fn(g.api_user, query.first, query.last)


@endpoint("/centres/<int:centre_id>/prepaid-liability", summary="What the centre would owe "
          "families if it closed today (from the fee ledger)", tags=["subsidies"],
          permission="supervision.read", response=LiabilityOut, errors=(404,))
def centre_prepaid_liability(centre_id: int):
    centre = db.session.get(Centre, centre_id)
    if centre is None or not holds_centre(g.api_user, centre):
        raise NotFound()
    return reports.prepaid_liability(centre_id)
