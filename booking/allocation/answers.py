"""The family's answer to an offer made by the draw (docs/allocation.md, "After the draw").

Accepting keeps the offered place (a hold the family held elsewhere ends now, its place goes
on to its queue); the usual enrolment follows (the intake health check, the centre's
confirmation). Declining ends the offer: the seat goes to the next family that ranked it above
what it got, in the draw's order, then to the ordinary waitlist. An offer left unanswered lapses
at its deadline like any hold, with the same effect.
"""
from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.services import record
from ..auth.permissions import allowed
from ..clock import now as clock_now
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..places.locking import lock_children, lock_slots
from ..reservations.enrolment import release_hold
from ..reservations.models import Reservation, Status, is_live
from ..transactions import command
from .models import Application, ApplicationChild, AppStatus
from .rounds import lock_round


def _offer(round_id: int, application_id: int, parent, now):
    """The round locked, the parent's application, its children's holds from the draw (live)
    and the slots they touch locked, in the lock order."""
    if not allowed(parent, "round.apply"):
        raise Forbidden()
    rnd = lock_round(round_id)
    app = db.session.get(Application, application_id)
    if app is None or app.round_id != rnd.id or app.parent_id != parent.id:
        raise NotFound()
    db.session.refresh(app)
    if app.status != AppStatus.OFFERED:
        raise Conflict(_("这个申请没有待答复的派位结果"))
    hold_ids = db.session.scalars(select(ApplicationChild.reservation_id).where(
        ApplicationChild.application_id == app.id)).all()
    holds = db.session.scalars(select(Reservation).where(Reservation.id.in_(hold_ids))
                               .order_by(Reservation.child_id)).all()
    lock_children([h.child_id for h in holds])
    replaced = [h.replaces for h in holds if h.replaces is not None]
    slots = {s.id: s for s in lock_slots([h.slot_id for h in holds]
                                         + [r.slot_id for r in replaced])}
    for h in holds:
        db.session.refresh(h)
    if not holds or not all(h.status == Status.HELD and h.expires_at > now for h in holds):
        raise Conflict(_("派位的托位已不再保留（已过答复期限或已取消）"))
    return app, holds, slots


@command
def accept(round_id: int, application_id: int, parent, now=None) -> Application:
    """Keep the offered place. :raises Forbidden, NotFound, Conflict (no live offer)."""
    now = now or clock_now()
    app, holds, slots = _offer(round_id, application_id, parent, now)
    for h in holds:
        old = h.replaces
        if old is not None:
            db.session.refresh(old)
            if old.status == Status.HELD and is_live(old, now):
                release_hold(old, slots[old.slot_id], parent, now,
                             reason="a round's offer accepted")
    app.status, app.updated_at = AppStatus.ACCEPTED, now
    record("round.offer_accepted", app, actor=parent, at=now,
           before={"status": AppStatus.OFFERED},
           after={"status": AppStatus.ACCEPTED, "reservations": [h.id for h in holds]})
    db.session.commit()
    return app


@command
def decline(round_id: int, application_id: int, parent, now=None) -> Application:
    """Turn the offer down: the holds end and their seats go on at once. :raises Forbidden,
    NotFound, Conflict (no live offer)."""
    now = now or clock_now()
    app, holds, slots = _offer(round_id, application_id, parent, now)
    for h in holds:
        release_hold(h, slots[h.slot_id], parent, now, reason="a round's offer declined")
    app.status, app.updated_at = AppStatus.DECLINED, now
    record("round.offer_declined", app, actor=parent, at=now,
           before={"status": AppStatus.OFFERED},
           after={"status": AppStatus.DECLINED, "reservations": [h.id for h in holds]})
    db.session.commit()
    return app
