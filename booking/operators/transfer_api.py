"""docs/api.md: transfers between an operator's centres (docs/operators.md)."""
from datetime import date, datetime
from typing import Literal

from flask import g
from pydantic import Field

from ..api.framework import endpoint
from ..api.schemas import Body, Id, Out, Query
from . import transfers


class TransferIn(Body):
    child_id: Id
    slot_id: Id = Field(description="a slot at another centre run now by the same operator")
    starts_on: date | None = Field(None, description="the first day at the new centre: the "
                                   "slot's start or later, not before today (default: the "
                                   "later of the two)")


class RefuseIn(Body):
    reason: str = Field(min_length=1, max_length=transfers.REASON_MAX,
                        description="told to the family")


class TransferQuery(Query):
    status: Literal["requested", "approved", "refused", "withdrawn"] | None = None


class TransferOut(Out):
    id: int
    child_id: int
    child_name: str
    operator_id: int
    from_centre_id: int
    from_centre_name: str
    to_centre_id: int
    to_centre_name: str
    slot_id: int
    starts_on: date
    status: str
    requested_at: datetime
    decided_at: datetime | None = None
    reason: str | None = None
    reservation_id: int | None = Field(None, description="the enrolment at the new centre, "
                                       "once approved")


def out(t) -> dict:
    return {"id": t.id, "child_id": t.child_id, "child_name": t.child.name,
            "operator_id": t.operator_id, "from_centre_id": t.from_centre_id,
            "from_centre_name": t.from_centre.name, "to_centre_id": t.to_centre_id,
            "to_centre_name": t.to_centre.name, "slot_id": t.slot_id,
            "starts_on": t.starts_on, "status": t.status, "requested_at": t.requested_at,
            "decided_at": t.decided_at, "reason": t.reason,
            "reservation_id": t.new_reservation_id}


@endpoint("/operator-transfers", "POST", summary="Ask to move a child in care to a slot at "
          "another centre of the same operator", tags=["operators"],
          permission="transfer.request", body=TransferIn, response=TransferOut, status=201,
          errors=(404, 409, 422))
def transfer_create(body: TransferIn):
    return out(transfers.request(g.api_user, body.child_id, body.slot_id, body.starts_on))


@endpoint("/operator-transfers", summary="Transfers in the caller's scope: a guardian's own, a "
          "director's centre's, the 运营负责人's operator's", tags=["operators"],
          permission="transfer.read", query=TransferQuery, response=list[TransferOut])
def transfer_list(query: TransferQuery):
    return [out(t) for t in transfers.listing(g.api_user, status=query.status)]


@endpoint("/operator-transfers/<int:transfer_id>", summary="One transfer", tags=["operators"],
          permission="transfer.read", response=TransferOut, errors=(404,))
def transfer_show(transfer_id: int):
    return out(transfers.visible(g.api_user, transfer_id))


@endpoint("/operator-transfers/<int:transfer_id>/approve", "POST", summary="Approve (the "
          "operator's 运营负责人): the child enrolled at the new centre, its old care ending "
          "the day before", tags=["operators"], permission="transfer.decide",
          response=TransferOut, errors=(404, 409))
def transfer_approve(transfer_id: int):
    return out(transfers.approve(g.api_user, transfer_id))


@endpoint("/operator-transfers/<int:transfer_id>/refuse", "POST", summary="Refuse (the "
          "operator's 运营负责人), with a reason told to the family", tags=["operators"],
          permission="transfer.decide", body=RefuseIn, response=TransferOut,
          errors=(404, 409, 422))
def transfer_refuse(transfer_id: int, body: RefuseIn):
    return out(transfers.refuse(g.api_user, transfer_id, body.reason))


@endpoint("/operator-transfers/<int:transfer_id>/withdraw", "POST", summary="Withdraw an open "
          "request (the family, or the director who asked for it)", tags=["operators"],
          permission="transfer.request", response=TransferOut, errors=(403, 404, 409))
def transfer_withdraw(transfer_id: int):
    return out(transfers.withdraw(g.api_user, transfer_id))
