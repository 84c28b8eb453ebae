"""Sessions on the family's monthly statement (按时间计费): each booking that was not
cancelled, at the price it was booked at. A no-show is charged like an attendance, since the
place was kept; a subsidised booking within the quota costs nothing and is left out."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..clock import LOCAL
from ..extensions import db
from ..fees.services import month_bounds
from ..fees.statement import StatementLine, register_charge_source
from .labels import KIND_LABELS
from .models import CareSession, SessionBooking


@register_charge_source
def session_charges(parent_id: int, first: date) -> list[StatementLine]:
    start, end = month_bounds(first)
    rows = db.session.execute(select(SessionBooking, CareSession).join(CareSession).where(
        SessionBooking.parent_id == parent_id,
        SessionBooking.status.in_(("booked", "attended", "no_show")),
        SessionBooking.price_fen > 0,
        CareSession.starts_at >= start, CareSession.starts_at < end)
        .order_by(CareSession.starts_at, SessionBooking.id)).all()
    return [StatementLine(
        source="sessions",
        label=_("%(kind)s %(t)s · %(child)s", kind=KIND_LABELS[s.kind],
                t=s.starts_at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M"), child=b.child.name),
        amount_fen=b.price_fen, centre_id=s.centre_id, child_id=b.child_id,
        detail={"booking_id": b.id, "status": b.status, "minutes": s.minutes})
        for b, s in rows]
