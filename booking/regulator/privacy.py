"""A centre's closure followed for a family (关停应急处置), in its export (docs/privacy.md).
The case stays with the account's deletion: the health commission's record of the closure."""
from sqlalchemy import select

from ..centres.models import Centre
from ..children.holders import Holder, iso, register
from ..extensions import db
from .models import ClosureCase


def export(child_ids, _user) -> list[dict]:
    rows = db.session.execute(select(ClosureCase, Centre.name).join(
        Centre, Centre.id == ClosureCase.centre_id).where(
        ClosureCase.child_id.in_(child_ids)).order_by(ClosureCase.id)).all()
    return [{"child_id": c.child_id, "centre": centre, "state": c.state,
             "notified_at": iso(c.notified_at), "resolved_at": iso(c.resolved_at)}
            for c, centre in rows]


register(Holder("closure_cases", ("closure_case",), export))
