"""Reading and acknowledging outbreak alerts (docs/outbreaks.md).

The centre's director and health worker see their centre's alerts with the children; a
regulator sees the alerts of the centres in its jurisdiction with counts only; anyone else,
and any alert outside the reader's reach, is answered as missing (404).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ..audit.services import record
from ..auth.permissions import can
from ..children.models import Child
from ..clock import now as clock_now
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..regulator.jurisdiction import centre_clause
from ..transactions import command
from .models import OutbreakAlert, OutbreakAlertChild

# Acknowledged alerts stay on the lists this long, so the regulator sees when each was taken
# up; open ones stay until acknowledged.
SHOWN_DAYS = 30
MAX_NOTE = 1000


@dataclass
class AlertChild:
    child_id: int
    name: str
    group_id: int | None
    sources: list[str]
    ill_since: date | None


@dataclass
class AlertView:
    alert: OutbreakAlert
    count: int
    # None for readers who see counts only (regulators): never the names.
    children: list[AlertChild] | None = field(default=None)

    @property
    def is_open(self) -> bool:
        return self.alert.acknowledged_at is None


def _is_centre_reader(user) -> bool:
    return user.role == "staff" and can(user, "outbreak.read", user.centre_id)


def _scoped(user):
    stmt = select(OutbreakAlert)
    if user.role == "staff":
        if not _is_centre_reader(user):
            return None
        return stmt.where(OutbreakAlert.centre_id == user.centre_id)
    if user.role in ("regulator", "admin"):
        return stmt.where(centre_clause(user, OutbreakAlert.centre_id))
    return None


def _views(user, alerts: list[OutbreakAlert]) -> list[AlertView]:
    if not alerts:
        return []
    ids = [a.id for a in alerts]
    counts = dict(db.session.execute(
        select(OutbreakAlertChild.alert_id, func.count()).where(
            OutbreakAlertChild.alert_id.in_(ids)).group_by(OutbreakAlertChild.alert_id)).all())
    named: dict[int, list[AlertChild]] | None = None
    if _is_centre_reader(user):
        named = {i: [] for i in ids}
        for row, name in db.session.execute(
                select(OutbreakAlertChild, Child.name).join(Child, Child.id == OutbreakAlertChild.child_id)
                .where(OutbreakAlertChild.alert_id.in_(ids))
                .order_by(OutbreakAlertChild.alert_id, OutbreakAlertChild.child_id)).all():
            named[row.alert_id].append(AlertChild(row.child_id, name, row.group_id,
                                                  row.sources.split(","), row.ill_since))
    return [AlertView(a, counts.get(a.id, 0), named[a.id] if named is not None else None)
            for a in alerts]


def alerts_for(user, *, now=None) -> list[AlertView]:
    """The reader's alerts: open ones, then those acknowledged in the last SHOWN_DAYS days;
    newest first. Staff get the children, regulators and admins counts only."""
    now = now or clock_now()
    stmt = _scoped(user)
    if stmt is None:
        raise NotFound()
    since = now - timedelta(days=SHOWN_DAYS)
    alerts = db.session.scalars(stmt.where(or_(
        OutbreakAlert.acknowledged_at.is_(None), OutbreakAlert.acknowledged_at >= since))
        .order_by(OutbreakAlert.acknowledged_at.is_not(None), OutbreakAlert.opened_at.desc(),
                  OutbreakAlert.id.desc())).all()
    return _views(user, list(alerts))


def alert_for(user, alert_id: int) -> AlertView:
    """One alert in the reader's reach. :raises NotFound: outside it, or no such alert."""
    stmt = _scoped(user)
    alert = db.session.scalar(stmt.where(OutbreakAlert.id == alert_id)) if stmt is not None \
        else None
    if alert is None:
        raise NotFound()
    return _views(user, [alert])[0]


@command
def acknowledge(alert_id: int, user, *, note: str | None = None,
                now: datetime | None = None) -> OutbreakAlert:
    """The centre's director or health worker acknowledges an open alert, saying what was
    done (reported to the CDC, classes disinfected, ...). Audited.

    :raises NotFound: not their centre's alert. :raises ValidationFailed: (field `note`) no
        note, or too long. :raises Conflict: already acknowledged.
    """
    now = now or clock_now()
    if user.role != "staff" or not can(user, "outbreak.acknowledge", user.centre_id):
        raise NotFound()
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(errors={"note": [_("请写明已采取的措施（如已报告疾控、已消毒）")]})
    if len(note) > MAX_NOTE:
        raise ValidationFailed(errors={"note": [_("最多 %(n)s 字", n=MAX_NOTE)]})
    # The conditional UPDATE settles two acknowledgements at once: one wins, the other is told.
    done = db.session.execute(
        OutbreakAlert.__table__.update()
        .where(OutbreakAlert.id == alert_id, OutbreakAlert.centre_id == user.centre_id,
               OutbreakAlert.acknowledged_at.is_(None))
        .values(acknowledged_at=now, acknowledged_by=user.id, note=note)).rowcount
    alert = db.session.scalar(select(OutbreakAlert).where(
        OutbreakAlert.id == alert_id, OutbreakAlert.centre_id == user.centre_id))
    if alert is None:
        raise NotFound()
    if not done:
        raise Conflict(_("这条预警已经确认过了"))
    db.session.refresh(alert)
    record("outbreak.acknowledged", alert, actor=user, centre_id=alert.centre_id, at=now,
           after={"note": note})
    db.session.commit()
    return alert
