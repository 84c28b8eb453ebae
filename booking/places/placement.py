"""One child, one place (docs/domain.md, "One child, one place"): a child has at most one live
place, a hold not lapsed or an enrolment not past its leaving date, across every centre.
Hourly and occasional sessions are not places.

A second hold may exist only to *replace* the first once it takes effect
(`Reservation.replaces_id`): a transfer (转托) replaces an enrolment and ends it the day before
the new start when confirmed; an offer from the waitlist to a child holding a place elsewhere
replaces that hold if the family takes it. So a child's live reservations are either one
place, or one place and one hold waiting to replace it. The caller holds the child's row lock
(locking.lock_children, or claim_children for offers), so these reads are never stale.
"""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..errors import AlreadyPlaced, Conflict
from ..extensions import db
from ..reservations.models import Reservation, Status, live_at
from ..slots.models import Slot


def live_places(child_ids, now) -> dict[int, list[Reservation]]:
    """{child_id: its live reservations} for these children, in one query."""
    ids = list(set(child_ids))
    out: dict[int, list[Reservation]] = {cid: [] for cid in ids}
    if not ids:
        return out
    for r in db.session.scalars(select(Reservation).where(
            Reservation.child_id.in_(ids), live_at(now))
            .options(joinedload(Reservation.slot).joinedload(Slot.centre))
            .order_by(Reservation.id)):
        out[r.child_id].append(r)
    return out


def standing(places: list[Reservation]) -> list[Reservation]:
    """The places that stand: live reservations not waiting to replace another live one."""
    live_ids = {r.id for r in places}
    return [r for r in places if r.replaces_id not in live_ids]


def replacement_for(child, slot: Slot, now, *, transfer: bool = False) -> int | None:
    """What a new hold of `child` at `slot` would replace: nothing (None) when the child has no
    live place elsewhere; its enrolment when this is a transfer.

    :raises AlreadyPlaced: the child has a live place elsewhere (and this is not a transfer
        from an enrolment), naming it and what the family can do.
    :raises Conflict: a transfer for a child not in care anywhere.
    """
    places = [r for r in live_places([child.id], now)[child.id] if r.slot_id != slot.id]
    if not places:
        if transfer:
            raise Conflict(_("%(name)s 目前没有在读的托位，无需转托，直接预约即可", name=child.name))
        return None
    mine = standing(places)[0]
    if transfer and len(places) == 1 and mine.status == Status.ENROLLED:
        return mine.id
    raise already_placed(child, mine, pending=len(places) > 1)


def already_placed(child, place: Reservation, *, pending: bool = False) -> AlreadyPlaced:
    centre = place.slot.centre.name
    if pending:
        message = _("%(name)s 在 %(centre)s 已有托位，且另有一个转托或待选的托位尚未处理，请先处理它",
                    name=child.name, centre=centre)
    elif place.status == Status.ENROLLED:
        message = _("%(name)s 正在 %(centre)s 在读：一个孩子只能有一个托位。如要转到这里，请申请转托",
                    name=child.name, centre=centre)
    else:
        message = _("%(name)s 已在 %(centre)s 保留了托位：一个孩子只能有一个托位。如要改选这里，请先取消那个预约",
                    name=child.name, centre=centre)
    return AlreadyPlaced(message, extra={"reservation_id": place.id, "slot_id": place.slot_id,
                                         "transfer_possible": place.status == Status.ENROLLED
                                         and not pending})
