"""Leaving care (离园): ending an enrolment on a leaving date (the last day in care), and
correcting that date while it is still ahead. A child leaving on a later day keeps its place
until then; it stops counting the day after, job or no job (models.live_at).
"""
from flask_babel import gettext as _

from ..audit.services import notify, record
from ..auth.permissions import allowed
from ..children import services as children
from ..clock import local_date
from ..clock import now as clock_now
from ..errors import Conflict, Forbidden, ValidationFailed
from ..extensions import db
from ..fees.services import on_leaving_changed, on_withdrawal
from ..places.locking import lock_children, lock_slot
from ..places.offers import offer_next
from ..slots.models import Slot
from ..transactions import command
from .models import Reservation, Status
from .services import shown, visible_reservation


def _lock(r: Reservation) -> Slot:
    """The lock order: the child, then the slot; the row is read again under them."""
    lock_children([r.child_id])
    slot = lock_slot(r.slot_id)
    db.session.refresh(r)
    return slot


@command
def end_care(reservation_id: int, actor, on_date, reason: str, now=None) -> Reservation:
    """End an enrolment (离园): its parent or its centre's staff, with the leaving date (the
    last day in care) and a reason. The family's unused prepaid balance becomes a refund due
    in the same transaction. A child leaving on a later day while in care keeps the place
    until then (it stays enrolled, with `leaves_on`; it stops counting the day after, whether
    or not a job has run, and release_leavers offers it on); otherwise the place frees at once
    and is offered to the waitlist.

    :raises NotFound: not theirs. :raises Forbidden: not a parent or staff.
    :raises Conflict: not enrolled. :raises ValidationFailed: no reason, or a leaving date
        before the enrolment began.
    """
    now = now or clock_now()
    r = visible_reservation(reservation_id, actor)
    if actor.role not in ("parent", "staff") or not allowed(actor, "reservation.withdraw"):
        raise Forbidden()
    slot = _lock(r)
    if r.status != Status.ENROLLED:
        raise Conflict(_("只有在读的孩子可以办理退托（当前状态：%(s)s）", s=shown(r)))
    if r.leaves_on is not None:
        raise Conflict(_("已办理退托，离园日期为 %(d)s", d=r.leaves_on.isoformat()))
    errors = {}
    if not reason or not reason.strip():
        errors["reason"] = [_("请填写离园原因")]
    if on_date is None or (r.enrolled_at and on_date < local_date(r.enrolled_at)):
        errors["on_date"] = [_("离园日期不能早于入托日期")]
    if errors:
        raise ValidationFailed(errors=errors)
    leave(r, slot, actor, on_date, reason.strip()[:200], now)
    db.session.commit()
    return r


def leave(r: Reservation, slot: Slot, actor, on_date, reason: str, now) -> None:
    """The leaving itself, for end_care and for a transfer's confirmation: the caller holds
    the child's and the slot's locks. Only flushes."""
    today = local_date(now)
    stays = on_date >= today and on_date >= slot.starts_on  # still in care on a later day
    r.end_reason, r.leaves_on = reason, on_date
    if stays:
        record("reservation.leaving", r, actor=actor, centre_id=slot.centre_id, reason=reason,
               before={"status": Status.ENROLLED},
               after={"status": Status.ENROLLED, "on_date": on_date})
    else:
        r.status, r.ended_at = Status.WITHDRAWN, now
        record("reservation.withdrawn", r, actor=actor, centre_id=slot.centre_id, reason=reason,
               before={"status": Status.ENROLLED},
               after={"status": Status.WITHDRAWN, "on_date": on_date})
    # 预收费: charges are settled to the leaving date and the unused balance is owed back,
    # in this same transaction (fees/services.py).
    on_withdrawal(r, actor, now)
    for guardian_id in children.guardians_of(r.child_id):
        if guardian_id != actor.id:
            notify(guardian_id, "withdrawn", reservation_id=r.id, centre=slot.centre.name,
                   child=r.child.name, child_id=r.child_id,
                   on_date=on_date.isoformat())
    if not stays:
        offer_next(slot, now)


@command
def change_leaving(reservation_id: int, actor, on_date, reason: str, now=None) -> Reservation:
    """Correct a leaving date still ahead (the child is in care until then), or undo it
    (`on_date` None: the child stays). The centre's staff only, with a reason; audited, and
    the family's charges follow the new date (fees.services.on_leaving_changed).

    :raises NotFound: not theirs. :raises Forbidden: not staff. :raises Conflict: no leaving
        date, or its day has passed, or the fees cannot follow. :raises ValidationFailed: no
        reason, the same date, or a new date before today or the start of care.
    """
    now = now or clock_now()
    r = visible_reservation(reservation_id, actor)
    if actor.role != "staff" or not allowed(actor, "reservation.leaving_change"):
        raise Forbidden()
    slot = _lock(r)
    today = local_date(now)
    if r.status != Status.ENROLLED or r.leaves_on is None or r.leaves_on < today:
        raise Conflict(_("只能更改尚未到来的离园日期"))
    errors = {}
    if not reason or not reason.strip():
        errors["reason"] = [_("请填写更改原因")]
    start = max(slot.starts_on, local_date(r.enrolled_at)) if r.enrolled_at \
        else slot.starts_on
    if on_date is not None and (on_date < today or on_date < start):
        errors["on_date"] = [_("新的离园日期不能早于今天或入托日期")]
    elif on_date == r.leaves_on:
        errors["on_date"] = [_("新的离园日期与原日期相同")]
    if errors:
        raise ValidationFailed(errors=errors)
    before = r.leaves_on
    r.leaves_on = on_date
    if on_date is None:
        r.end_reason = None
    on_leaving_changed(r, actor, now)
    record("reservation.leaving_changed", r, actor=actor, centre_id=slot.centre_id,
           reason=reason.strip()[:200], before={"status": Status.ENROLLED, "on_date": before},
           after={"status": Status.ENROLLED, "on_date": on_date})
    db.session.commit()
    return r
