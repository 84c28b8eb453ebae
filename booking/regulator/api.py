"""The JSON API's regulator reads (docs/api.md)."""
from flask import g

from sqlalchemy import select

from ..api.framework import endpoint
from ..centres.models import Centre
from ..errors import NotFound
from ..extensions import db
from . import filing as filing_rules
from . import inspections, services
from .jurisdiction import holds_centre
from .models import Inspection
from .schemas import (CityCoverageOut, CoverageOut, CoverageQuery, FilingOut, FilingQuery,
                      FilingReasonsIn, InspectionIn, InspectionOut)


def filing_out(f) -> dict:
    return {"id": f.id, "centre_id": f.centre_id, "centre_name": f.centre.name,
            "district": f.centre.district.code, "status": f.status,
            "filing_number": f.filing_number, "submitted_at": f.submitted_at,
            "decided_at": f.decided_at, "return_reasons": f.return_reasons}


@endpoint("/regulator/coverage", summary="Places per 1,000 residents by district",
          tags=["regulator"], permission="supervision.read", query=CoverageQuery,
          response=list[CoverageOut])
def coverage(query: CoverageQuery):
    return services.coverage(g.api_user, city=query.city)


@endpoint("/regulator/coverage/cities", summary="Places per 1,000 residents by city",
          tags=["regulator"], permission="supervision.read", query=CoverageQuery,
          response=list[CityCoverageOut])
def coverage_by_city(query: CoverageQuery):
    """The dashboard's city table: the districts of /regulator/coverage summed per city."""
    return services.city_rollup(services.coverage(g.api_user, city=query.city))


@endpoint("/regulator/filings", summary="Filing (备案) records", tags=["regulator"],
          permission="supervision.read", query=FilingQuery, response=list[FilingOut])
def filings(query: FilingQuery):
    return [filing_out(f) for f in services.filings(g.api_user, query.status)]


def _decide(filing_id, action, body):
    return filing_out(filing_rules.decide(filing_id, g.api_user, action, body.reasons))


# The filing decisions of the pages (filing.py), one route each.
for _action, _summary in (("approve", "Approve a filing (a filing number is issued)"),
                          ("return", "Return a filing with reasons"),
                          ("suspend", "Suspend a centre's filing (reasons required)"),
                          ("reinstate", "Reinstate a suspended filing"),
                          ("close", "Close a centre's filing (reasons required)")):
    def _view(filing_id: int, body: FilingReasonsIn, _a=_action):
        return _decide(filing_id, _a, body)
    _view.__name__ = f"filing_{_action}"
    endpoint(f"/filings/<int:filing_id>/{_action}", "POST", summary=_summary,
             tags=["regulator"], permission="supervision.act", body=FilingReasonsIn,
             response=FilingOut, errors=(404, 409, 422))(_view)


def _inspection_out(i) -> dict:
    return {"id": i.id, "centre_id": i.centre_id, "inspected_on": i.inspected_on,
            "score": i.score, "grade": i.grade, "findings": i.findings,
            "fix_deadline": i.fix_deadline, "followed_up_on": i.followed_up_on}


@endpoint("/centres/<int:centre_id>/inspections", summary="A centre's inspections",
          tags=["regulator"], permission="supervision.read", response=list[InspectionOut],
          errors=(404,))
def centre_inspections(centre_id: int):
    if not holds_centre(g.api_user, db.session.get(Centre, centre_id)):
        raise NotFound()
    return [_inspection_out(i) for i in db.session.scalars(select(Inspection).where(
        Inspection.centre_id == centre_id).order_by(Inspection.inspected_on.desc()))]


@endpoint("/centres/<int:centre_id>/inspections", "POST", summary="Record an inspection "
          "(WS/T 821 scores per dimension)", tags=["regulator"], permission="supervision.act",
          body=InspectionIn, response=InspectionOut, status=201, errors=(404, 422))
def record_inspection(centre_id: int, body: InspectionIn):
    return _inspection_out(inspections.record_inspection(
        centre_id, g.api_user, inspected_on=body.inspected_on, scores=body.scores,
        findings=body.findings, fix_deadline=body.fix_deadline,
        basic_failed=body.basic_failed))
