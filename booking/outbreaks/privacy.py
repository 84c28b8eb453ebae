"""The outbreak alerts that counted a child, in its family's export (docs/privacy.md). They
stay with the account's deletion: the centre's and the health commission's record of an
infectious illness cluster, of a child now anonymised."""
from sqlalchemy import select

from ..children.holders import Holder, iso, register
from ..extensions import db
from .models import OutbreakAlert, OutbreakAlertChild


def export(child_ids, _user) -> list[dict]:
    rows = db.session.execute(select(OutbreakAlertChild, OutbreakAlert).join(
        OutbreakAlert, OutbreakAlert.id == OutbreakAlertChild.alert_id).where(
        OutbreakAlertChild.child_id.in_(child_ids)).order_by(OutbreakAlertChild.id)).all()
    return [{"child_id": member.child_id, "symptom": alert.symptom,
             "window_starts_on": iso(alert.window_starts_on),
             "window_ends_on": iso(alert.window_ends_on), "ill_since": iso(member.ill_since),
             "sources": member.sources, "opened_at": iso(alert.opened_at)}
            for member, alert in rows]


register(Holder("outbreak_alerts", ("outbreak_alert_child",), export))
