"""Confirming a hold as an enrolment (入托), and what one child, one place makes of it: a
transfer (转托) ends the old care the day before the new start, an offer taken over another
hold ends that hold, and the child's waits ranked below the place taken end
(docs/domain.md, "One child, one place").
"""
from datetime import timedelta

from flask_babel import gettext as _

from ..audit.services import notify, record
from ..auth.permissions import allowed
from ..clock import local_date
from ..clock import now as clock_now
from ..errors import Conflict, Forbidden, HealthCheckRequired
from ..extensions import db
from ..health.services import has_valid_health_check
from ..places.locking import lock_children, lock_slots
from ..places.offers import end_offers, end_waits_below, offer_next
from ..rosters.checks import gap_if_enrolled
from ..slots.models import Slot
from ..transactions import command
from .leaving import leave
from .models import Reservation, Status, is_live
from .services import is_live_hold, shown, visible_reservation


@command
def confirm(reservation_id: int, staff, now=None) -> Reservation:
    """Staff turn a live hold into an enrolment once the child passed the intake check.

    A hold replacing the child's enrolment elsewhere (a transfer) ends that care the day
    before this place starts, in this transaction (its fees settled as for any leaving, its
    place offered on); a hold replacing another hold ends that hold. The child's waits ranked
    below this place end. Returns the enrolment with `ratio_warning` (设置标准 art. 20).

    :raises NotFound: not their centre's. :raises Conflict: not a live hold, or a transfer
        whose new start leaves no day to end the old care on.
    :raises HealthCheckRequired: no verified passing check valid on the start date.
    """
    now = now or clock_now()
    r = visible_reservation(reservation_id, staff)
    if staff.role != "staff" or not allowed(staff, "reservation.confirm"):
        raise Forbidden()
    # The lock order: the child, then every slot this changes, ascending.
    lock_children([r.child_id])
    db.session.refresh(r)
    old = r.replaces if r.replaces_id is not None else None
    slots = {s.id: s for s in lock_slots([r.slot_id] + ([old.slot_id] if old else []))}
    slot = slots[r.slot_id]
    db.session.refresh(r)
    if not is_live_hold(r, now):
        raise Conflict(_("只有保留中的预约可以确认入托（当前状态：%(s)s）", s=shown(r)))
    if not has_valid_health_check(r.child_id, slot.starts_on):
        raise HealthCheckRequired()
    if old is not None:
        db.session.refresh(old)
        _replace(r, old, slots[old.slot_id], slot, staff, now)
    # `replaces_id` stays: the enrolment keeps the link to the place it replaced.
    r.status, r.enrolled_at = Status.ENROLLED, now
    end_offers([r], "accepted", now, actor=staff, centre_id=slot.centre_id)
    record("reservation.enrolled", r, actor=staff, centre_id=slot.centre_id,
           before={"status": Status.HELD},
           after={"status": Status.ENROLLED, "replaced": old.id if old else None})
    notify(r.parent_id, "enrolled", reservation_id=r.id, centre=slot.centre.name,
           child=r.child.name, child_id=r.child_id, starts_on=slot.starts_on.isoformat())
    end_waits_below(r, staff, now)
    db.session.flush()
    warning = ratio_warning(slot, r.child)
    db.session.commit()
    r.ratio_warning = warning  # not a column: the caller shows it (page and API alike)
    return r


def _replace(new: Reservation, old: Reservation, old_slot: Slot, new_slot: Slot, actor,
             now, starts_on=None) -> None:
    """End the place `new` replaces, if it is still live. Only flushes. `starts_on`: a
    transfer starting later than its slot (an operator's transfer, operators/transfers.py)."""
    if not is_live(old, now):
        return
    if old.status == Status.ENROLLED:
        # 转托: the old care ends the day before the new place starts (or today, when the
        # new place has started already), or at its own leaving date if that comes first.
        last_day = max(starts_on or new_slot.starts_on, local_date(now)) - timedelta(days=1)
        start = max(old_slot.starts_on, local_date(old.enrolled_at)) if old.enrolled_at \
            else old_slot.starts_on
        if last_day < start:  # care there never began: it ends now, with no day to charge
            last_day = start - timedelta(days=1)
        if old.leaves_on is not None and old.leaves_on <= last_day:
            return  # it leaves by then anyway
        reason = _("转托至 %(centre)s", centre=new_slot.centre.name)[:200]
        leave(old, old_slot, actor, last_day, reason, now)
        return
    release_hold(old, old_slot, actor, now, reason="another place taken")


# The same ending for a transfer approved elsewhere (an operator's, operators/transfers.py).
end_replaced = _replace


def release_hold(old: Reservation, old_slot: Slot, actor, now, *, reason: str) -> None:
    """A live hold of the child ends because another place of the same child took effect;
    its place goes to the queue. Only flushes; the caller holds both locks."""
    old.status, old.ended_at, old.end_reason = Status.CANCELLED, now, reason
    entry_ids = end_offers([old], "withdrawn", now, actor=actor, centre_id=old_slot.centre_id)
    record("reservation.cancelled", old, actor=actor, centre_id=old_slot.centre_id,
           reason=reason, before={"status": Status.HELD},
           after={"status": Status.CANCELLED, "waitlist_entries": entry_ids})
    offer_next(old_slot, now)


def ratio_warning(slot: Slot, child) -> dict | None:
    """设置标准 art. 20: whether the class would be short of carers on the start date with
    this child in it (the enrolment stands; staff are told to adjust the roster). None when
    the slot has no class or the roster is enough."""
    if slot.group_id is None:
        return None
    gaps = gap_if_enrolled(slot.group_id, child, slot.starts_on)
    if not gaps:
        return None
    return {"on_date": slot.starts_on, "hours_short": len(gaps),
            "most_missing": max(g.missing for g in gaps)}
