"""docs/api.md: operators (举办者) and the centres they run (docs/operators.md)."""
from flask import g

from ..api.framework import endpoint
from ..auth.permissions import can
from ..centres.models import Centre
from ..errors import NotFound
from ..extensions import db
from ..regulator.jurisdiction import holds_centre
from . import closure, queries, services
from .schemas import (CentreOperatorOut, DecideAllIn, DecideAllOut, LinkIn, LinkOut,
                      OperatorIn, OperatorOut, OperatorPatch, UnlinkIn)


def operator_out(op, counts=None, contact=True) -> dict:
    out = {"id": op.id, "name": op.name, "credit_code": op.credit_code,
           "legal_representative": op.legal_representative, "district": op.district.code,
           "address": op.address}
    if contact:
        out.update(contact_name=op.contact_name, contact_phone=op.contact_phone)
    if counts:
        out.update(centres_in_scope=counts["centres"], places=counts["places"],
                   enrolled=counts["enrolled"])
    return out


def link_out(link) -> dict:
    return {"id": link.id, "centre_id": link.centre_id, "centre_name": link.centre.name,
            "operator_id": link.operator_id, "operator_name": link.operator.name,
            "from_date": link.from_date, "to_date": link.to_date,
            "current": link.to_date is None}


@endpoint("/operators", summary="Operators in the caller's scope, with their centres there",
          tags=["operators"], permission="operator.manage", response=list[OperatorOut])
def list_operators():
    return [operator_out(r["operator"], r) for r in queries.listing(g.api_user)]


@endpoint("/operators", "POST", summary="Register an operator (unified social credit code "
          "checked)", tags=["operators"], permission="operator.manage", body=OperatorIn,
          response=OperatorOut, status=201, errors=(409, 422), idempotent=True)
def create_operator(body: OperatorIn):
    return operator_out(services.create_operator(g.api_user, **body.model_dump()))


@endpoint("/operators/<int:operator_id>", summary="One operator", tags=["operators"],
          permission="operator.manage", response=OperatorOut, errors=(404,))
def get_operator(operator_id: int):
    return operator_out(queries.operator_for(g.api_user, operator_id))


@endpoint("/operators/<int:operator_id>", "PATCH", summary="Change an operator's particulars",
          tags=["operators"], permission="operator.manage", body=OperatorPatch,
          response=OperatorOut, errors=(403, 404, 409, 422))
def patch_operator(operator_id: int, body: OperatorPatch):
    fields = body.model_dump(exclude_unset=True)
    return operator_out(services.update_operator(g.api_user, operator_id, **fields))


@endpoint("/operators/<int:operator_id>/centres", summary="The operator's links to centres "
          "in the caller's scope, current and past", tags=["operators"],
          permission="operator.manage", response=list[LinkOut], errors=(404,))
def operator_centres(operator_id: int):
    queries.operator_for(g.api_user, operator_id)
    return [link_out(x) for x in queries.links_in_scope(g.api_user, operator_id)]


@endpoint("/operators/<int:operator_id>/centres", "POST", summary="Link a centre to the "
          "operator (its current link, if any, ends the day before)", tags=["operators"],
          permission="operator.manage", body=LinkIn, response=LinkOut, status=201,
          errors=(404, 409, 422))
def link_centre(operator_id: int, body: LinkIn):
    return link_out(services.link_centre(g.api_user, operator_id, body.centre_id,
                                         body.from_date))


@endpoint("/operators/<int:operator_id>/centres/<int:centre_id>/unlink", "POST",
          summary="End the operator's current link to a centre", tags=["operators"],
          permission="operator.manage", body=UnlinkIn, response=LinkOut,
          errors=(404, 422))
def unlink_centre(operator_id: int, centre_id: int, body: UnlinkIn):
    return link_out(services.unlink_centre(g.api_user, operator_id, centre_id, body.to_date))


@endpoint("/centres/<int:centre_id>/operator", summary="A centre's operator now and before",
          tags=["operators"], permission="operator.read", response=CentreOperatorOut,
          errors=(404,))
def centre_operator(centre_id: int):
    user = g.api_user
    centre = db.session.get(Centre, centre_id)
    if centre is None or not (can(user, "operator.read", centre) if user.role == "staff"
                              else holds_centre(user, centre)):
        raise NotFound()
    current = queries.current_operator(centre_id)
    return {"current": operator_out(current) if current else None,
            "history": [link_out(x) for x in queries.centre_history(centre_id)]}


@endpoint("/operators/<int:operator_id>/decide-all", "POST", summary="Suspend or close every "
          "centre the operator runs in the caller's scope, all or none", tags=["operators"],
          permission="supervision.act", body=DecideAllIn, response=DecideAllOut,
          errors=(404, 409, 422))
def decide_all(operator_id: int, body: DecideAllIn):
    filings = closure.decide_all(operator_id, g.api_user, body.action, body.reasons,
                                 body.effective_on, body.understood)
    return {"operator_id": operator_id, "action": body.action,
            "centres": [f.centre_id for f in filings]}
