"""The JSON API of change filings (docs/changes.md, docs/api.md)."""
from flask import g

from ..api.framework import endpoint
from ..auth.permissions import can
from ..centres.models import Centre
from ..errors import NotFound
from ..extensions import db
from ..regulator.jurisdiction import holds_centre
from . import queries, services
from .schemas import ChangeApproveIn, ChangeIn, ChangeOut, ChangesQuery, ChangeReasonIn

READERS = ("staff", "regulator", "admin")


def change_out(c) -> dict:
    return {"id": c.id, "centre_id": c.centre_id, "centre_name": c.centre.name,
            "status": c.status, "changes": c.changes, "materials": c.materials,
            "submitted_at": c.submitted_at, "received_on": c.received_on,
            "record_due_on": c.record_due_on, "notice_due_on": c.notice_due_on,
            "provisional": c.provisional, "overdue": queries.is_overdue(c),
            "decided_at": c.decided_at, "reason": c.reason}


def _readable(change_or_centre_id, user):
    """The director of the centre reads its changes; a regulator those of the jurisdiction."""
    if user.role == "staff":
        return can(user, "centre.filing", change_or_centre_id)
    return holds_centre(user, db.session.get(Centre, change_or_centre_id))


def _values(body) -> dict:
    return {k: getattr(body, k) for k in ("address", "capacity", "manager", "scope",
                                          "opening_hours")}


@endpoint("/centres/<int:centre_id>/changes", "POST", summary="File a change (变更备案) of the "
          "centre's record", tags=["changes"], permission="centre.filing", body=ChangeIn,
          response=ChangeOut, status=201, errors=(404, 409, 422))
def centre_change_file(centre_id: int, body: ChangeIn):
    return change_out(services.file_change(centre_id, g.api_user, values=_values(body),
                                           materials=body.materials))


@endpoint("/centres/<int:centre_id>/changes", summary="The centre's change filings",
          tags=["changes"], auth=READERS, response=list[ChangeOut], errors=(404,))
def centre_changes(centre_id: int):
    if not _readable(centre_id, g.api_user):
        raise NotFound()
    return [change_out(c) for c in queries.of_centre(centre_id)]


@endpoint("/changes", summary="Change filings in the jurisdiction; status=due|overdue for "
          "those awaiting a decision", tags=["changes"], permission="supervision.act",
          query=ChangesQuery, response=list[ChangeOut])
def centre_changes_due(query: ChangesQuery):
    return [change_out(c) for c in queries.for_regulator(g.api_user, query.status)]


@endpoint("/changes/<int:change_id>", summary="One change filing", tags=["changes"],
          auth=READERS, response=ChangeOut, errors=(404,))
def centre_change(change_id: int):
    user = g.api_user
    c = (services.for_centre(change_id, user) if user.role == "staff"
         else services.for_regulator(change_id, user))
    if user.role == "staff" and not can(user, "centre.filing", c.centre_id):
        raise NotFound()
    return change_out(c)


@endpoint("/changes/<int:change_id>/resubmit", "POST", summary="File a returned change again, "
          "corrected", tags=["changes"], permission="centre.filing", body=ChangeIn,
          response=ChangeOut, errors=(404, 409, 422))
def centre_change_resubmit(change_id: int, body: ChangeIn):
    return change_out(services.resubmit(change_id, g.api_user, values=_values(body),
                                        materials=body.materials))


@endpoint("/changes/<int:change_id>/approve", "POST", summary="Record the change; the "
          "centre's record and disclosure follow", tags=["changes"],
          permission="supervision.act", body=ChangeApproveIn, response=ChangeOut,
          errors=(404, 409, 422))
def centre_change_approve(change_id: int, body: ChangeApproveIn):
    return change_out(services.decide(change_id, g.api_user, "approve", body.reason))


@endpoint("/changes/<int:change_id>/return", "POST", summary="Return the change for "
          "correction, with the reason", tags=["changes"], permission="supervision.act",
          body=ChangeReasonIn, response=ChangeOut, errors=(404, 409, 422))
def centre_change_return(change_id: int, body: ChangeReasonIn):
    return change_out(services.decide(change_id, g.api_user, "return", body.reason))


@endpoint("/changes/<int:change_id>/reject", "POST", summary="Refuse the change, with the "
          "reason", tags=["changes"], permission="supervision.act", body=ChangeReasonIn,
          response=ChangeOut, errors=(404, 409, 422))
def centre_change_reject(change_id: int, body: ChangeReasonIn):
    return change_out(services.decide(change_id, g.api_user, "reject", body.reason))
