"""Transfers between an operator's centres in a family's export, and what deleting the
account does to them (docs/privacy.md): an open request is withdrawn (the child leaves the
platform, nobody is left to decide for), and the refusal's free text is blanked."""
from sqlalchemy import select

from ..audit.services import record
from ..children.holders import Holder, iso, register
from ..extensions import db
from .transfer_models import REQUESTED, WITHDRAWN, OperatorTransfer


def export(child_ids, _user) -> list[dict]:
    return [{"child_id": t.child_id, "from_centre": t.from_centre.name,
             "to_centre": t.to_centre.name, "slot_id": t.slot_id,
             "starts_on": iso(t.starts_on), "status": t.status,
             "requested_at": iso(t.requested_at), "decided_at": iso(t.decided_at),
             "reason": t.reason}
            for t in db.session.scalars(select(OperatorTransfer).where(
                OperatorTransfer.child_id.in_(child_ids)).order_by(OperatorTransfer.id))]


def erase(child_ids, user, now) -> dict:
    rows = db.session.scalars(select(OperatorTransfer).where(
        OperatorTransfer.child_id.in_(child_ids))).all()
    withdrawn = 0
    for t in rows:
        if t.status == REQUESTED:
            t.status, t.decided_at = WITHDRAWN, now
            withdrawn += 1
            record("operator.transfer_withdrawn", t, actor=user, centre_id=t.from_centre_id,
                   before={"status": REQUESTED}, after={"status": WITHDRAWN},
                   reason="account deleted")
        t.reason = None
    return {"operator_transfers_withdrawn": withdrawn}


register(Holder("operator_transfers", ("operator_transfer",), export, erase))
