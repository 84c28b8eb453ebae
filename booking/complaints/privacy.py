"""A signed-in complainant's complaints in their export; on the account's deletion the case
stays with the regulator (its record of supervision) but loses the account and the contact
(docs/privacy.md, docs/complaints.md). Anonymous complaints are tied to no account: they are
in nobody's export."""
from sqlalchemy import select, update

from ..children.holders import Holder, iso, register
from ..extensions import db
from .models import Complaint


def export(_child_ids, user) -> list[dict]:
    rows = db.session.scalars(select(Complaint).where(
        Complaint.complainant_user_id == user.id).order_by(Complaint.id)).all()
    return [{"centre": c.centre.name, "category": c.category, "body": c.body,
             "contact": c.contact, "status": c.status, "received_at": iso(c.received_at),
             "due_on": iso(c.due_on), "outcome": c.outcome, "outcome_text": c.outcome_text,
             "tracking_code": c.tracking_code} for c in rows]


def erase(_child_ids, user, _now) -> dict:
    result = db.session.execute(update(Complaint).where(
        Complaint.complainant_user_id == user.id).values(
        complainant_user_id=None, contact=None).execution_options(synchronize_session="fetch"))
    return {"complaints_detached": result.rowcount}


register(Holder("complaints", ("complaint",), export, erase))
