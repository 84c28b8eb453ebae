"""The family's choice when a place is offered to a child who already holds one elsewhere
(docs/domain.md, "One child, one place"): take it (the other hold ends in the same
transaction) or decline it (the wait goes on, not offered again while the kept place is live,
or ends). A transfer offer, replacing an enrolment, needs no choice: the centre's
confirmation completes it, and declining it works the same way.
"""
from flask_babel import gettext as _

from ..audit.services import record
from ..auth.permissions import allowed
from ..clock import now as clock_now
from ..errors import Conflict, Forbidden
from ..extensions import db
from ..places.locking import lock_children, lock_slots
from ..places.offers import decline_offer_entry, offer_next
from ..transactions import command
from .enrolment import release_hold
from .models import Reservation, Status, is_live
from .services import is_live_hold, shown, visible_reservation


def _mine(reservation_id: int, parent, now):
    """The parent's live hold with its child and every slot it touches locked (the lock
    order), and the live place it would replace (None when there is none any more)."""
    r = visible_reservation(reservation_id, parent)
    if parent.role != "parent" or not allowed(parent, "reservation.cancel"):
        raise Forbidden()
    lock_children([r.child_id])
    db.session.refresh(r)
    old = r.replaces
    slots = {s.id: s for s in lock_slots([r.slot_id] + ([old.slot_id] if old else []))}
    db.session.refresh(r)
    if not is_live_hold(r, now):
        raise Conflict(_("这个托位已不再保留（当前状态：%(s)s）", s=shown(r)))
    if old is not None:
        db.session.refresh(old)
        if not is_live(old, now):
            old = None
    return r, old, slots


@command
def take_offer(reservation_id: int, parent, now=None) -> Reservation:
    """Take a place offered while the child holds another: that hold ends now and its place
    goes to its queue; this hold becomes the child's place (the centre then confirms it as
    usual).

    :raises NotFound: not the parent's. :raises Conflict: not a live hold, or a transfer
        (replacing an enrolment: the centre's confirmation completes it).
    """
    now = now or clock_now()
    r, old, slots = _mine(reservation_id, parent, now)
    if old is not None and old.status == Status.ENROLLED:
        raise Conflict(_("这是转托：机构确认入托后，原托位在新托位开始的前一天结束，无需另行选择"))
    before = r.replaces_id
    if old is not None:
        release_hold(old, slots[old.slot_id], parent, now, reason="another offer taken")
    # `replaces_id` stays as the link to the hold this one replaced (now cancelled).
    record("reservation.offer_taken", r, actor=parent, centre_id=slots[r.slot_id].centre_id,
           before={"replaces": before, "replaced_status": Status.HELD if old else None},
           after={"replaced_status": Status.CANCELLED if old else None})
    db.session.commit()
    return r


@command
def decline_offer(reservation_id: int, parent, *, keep_waiting: bool, now=None) -> Reservation:
    """Decline a held place (an offer, or any hold): it ends and goes to the next family.
    With `keep_waiting`, a wait the offer came from goes on, but is not offered again while
    the place the child keeps is live; otherwise the wait ends too.

    :raises NotFound: not the parent's. :raises Conflict: not a live hold.
    """
    now = now or clock_now()
    r, old, slots = _mine(reservation_id, parent, now)
    slot = slots[r.slot_id]
    r.status, r.ended_at, r.end_reason = Status.CANCELLED, now, "offer declined"
    entry_ids = decline_offer_entry(r, parent, now, keep_waiting=keep_waiting and old is not None,
                                    kept_place_id=old.id if old is not None else None)
    record("reservation.cancelled", r, actor=parent, centre_id=slot.centre_id,
           reason="offer declined", before={"status": Status.HELD},
           after={"status": Status.CANCELLED, "waitlist_entries": entry_ids,
                  "keep_waiting": bool(keep_waiting and old is not None)})
    offer_next(slot, now)
    db.session.commit()
    return r
