"""A family's allowance applications in its export (docs/privacy.md). On the account's
deletion the applications of a child who is anonymised are erased: they are the family's own
notes of what it asked the paying office, which keeps the official record itself; a child
another guardian keeps keeps them. The declared subsidy city goes with the child's name.
The child's subsidy city is in the children part of the export (children/privacy.py)."""
from sqlalchemy import delete, select, update

from ..children.holders import Holder, iso, register
from ..children.models import Child
from ..extensions import db
from .models import AllowanceApplication


def export(child_ids, _user) -> list[dict]:
    return [{"child_id": a.child_id, "scheme": a.scheme, "city": a.city,
             "applied_on": iso(a.applied_on), "reference": a.reference, "status": a.status,
             "status_on": iso(a.status_on), "amount_fen": a.amount_fen, "note": a.note,
             "created_at": iso(a.created_at)}
            for a in db.session.scalars(select(AllowanceApplication).where(
                AllowanceApplication.child_id.in_(child_ids)).order_by(AllowanceApplication.id))]


def erase(child_ids, _user, _now) -> dict:
    if not child_ids:
        return {"allowance_applications_erased": 0}
    result = db.session.execute(delete(AllowanceApplication).where(
        AllowanceApplication.child_id.in_(child_ids)).execution_options(
        synchronize_session=False))
    db.session.execute(update(Child).where(Child.id.in_(child_ids)).values(subsidy_city=None)
                       .execution_options(synchronize_session=False))
    return {"allowance_applications_erased": result.rowcount}


register(Holder("allowance_applications", ("allowance_application",), export, erase))
