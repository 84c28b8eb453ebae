"""Holding, cancelling, confirming and releasing places (预约入托 → 入托).

Every command here locks the slot row first (places/locking.py), so no place is sold twice,
writes its audit event in the same transaction, and is one unit of work (transactions.py).
A hold past `expires_at` never counts (models.live_at); the sweeps (places/sweeps.py) only
tidy up, notify and offer places on. docs/design.md follows a request through this file.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from ..audit.services import notify, record
from ..auth.permissions import allowed
from ..centres.bands import age_in_months, band_fits, check_band
from ..children import services as children
from ..clock import end_of_day, local_date
from ..clock import now as clock_now
from ..errors import (AlreadyReserved, Conflict, Forbidden, HealthCheckRequired, NotFound, SlotFull,
                      ValidationFailed)
from ..extensions import db
from ..fees.services import on_leaving_changed, on_withdrawal
from ..health.services import has_valid_health_check
from ..places.lapses import tidy
from ..places.locking import lock_slot
from ..places.offers import end_offers, offer_next, waiting_count
from ..regulator.models import Filing
from ..rosters.checks import gap_if_enrolled
from ..slots.models import Slot
from ..slots.queries import taken_count
from ..transactions import command, kept
from .labels import STATUS_LABELS
from .models import Reservation, Status, held_at, live_at, past_leaving_at


def hold_ttl() -> timedelta:
    return timedelta(seconds=current_app.config["TUOWEI_HOLD_TTL_SECONDS"])


@command
def place_hold(*, slot_id: int, child_id: int, parent, now=None) -> Reservation:
    """Hold a place for a child for TUOWEI_HOLD_TTL_SECONDS.

    Rules: the centre's filing is approved; the parent is the child's guardian; the child's
    age in months on the slot's start date fits its band (设置标准 art. 19); one live
    reservation per child per slot; and while families wait for this slot, freed places go
    to them, never to a newcomer (so a lapse no job has processed yet cannot be jumped).
    :raises NotFound, AgeOutOfBand, AlreadyReserved, SlotFull, Conflict.
    """
    now = now or clock_now()
    child = children.child_for_guardian(parent, child_id)
    if _visibly_full(slot_id, child, now):
        raise SlotFull(extra={"waitlist_url": f"/api/v1/waitlist?slot_id={slot_id}",
                              "slot_id": slot_id})
    slot = lock_slot(slot_id)
    if slot.centre.filing is None or slot.centre.filing.status != "approved":
        raise Conflict(_("该机构目前不接受预约"))
    check_band(slot.age_band, slot.starts_on, child)
    if db.session.scalar(select(Reservation.id).where(
            Reservation.slot_id == slot.id, Reservation.child_id == child.id,
            live_at(now)).limit(1)):
        raise AlreadyReserved()
    # Tidy this slot's lapsed holds and leavers now (offering the places to the queue below)
    # instead of waiting for the sweeps.
    tidy(slot, now)
    # offer_next does nothing while nobody waits: the rush (no queue yet) skips its count.
    waiting = waiting_count(slot.id)
    if waiting:
        offer_next(slot, now)
        # The child may itself have been first in the queue: the offer is then its place
        # (a second hold would break one live reservation per child per slot).
        offered = db.session.scalar(select(Reservation).where(
            Reservation.slot_id == slot.id, Reservation.child_id == child.id, held_at(now)))
        if offered is not None:
            db.session.commit()
            return offered
        waiting = waiting_count(slot.id)
    if waiting > 0 or slot.capacity - taken_count(slot.id, now) <= 0:
        slot_id = slot.id  # read before the commit expires the slot (no reload to answer)
        # The tidying and the offers made above stand although this request is refused:
        # the families offered a place were told so.
        raise kept(SlotFull(extra={"waitlist_url": f"/api/v1/waitlist?slot_id={slot_id}",
                                   "slot_id": slot_id}))
    hold = Reservation(slot_id=slot.id, child_id=child.id, parent_id=parent.id,
                       status=Status.HELD, created_at=now, expires_at=now + hold_ttl())
    db.session.add(hold)
    db.session.flush()
    record("reservation.held", hold, actor=parent, centre_id=slot.centre_id,
           after={"status": Status.HELD, "expires_at": hold.expires_at, "child_id": child.id})
    db.session.commit()
    return hold


def _visibly_full(slot_id: int, child, now) -> bool:
    """The rush's common answer, slot-full, decided in one read without the slot lock.

    Only a refusal is decided here, and only when the locked path below would give the same
    one with nothing to do first: the filing is approved, the child fits the band, holds no
    place in the slot, and the slot has no lapsed hold or leaver to tidy while its live holds and
    enrolments fill it. The read is one statement, so one consistent snapshot: the slot was
    full at that instant, and the refusal is ordered before any place freed later. Anything
    else (and every hold) takes the locked path (DESIGN.md rule 3), which can never oversell.
    """
    of_slot = Reservation.slot_id == Slot.id
    row = db.session.execute(
        select(Slot.capacity, Slot.age_band, Slot.starts_on, Filing.status,
               select(func.count(Reservation.id)).where(of_slot, live_at(now))
               .scalar_subquery(),
               select(Reservation.id).where(of_slot, or_(
                   and_(Reservation.status == Status.HELD, Reservation.expires_at <= now),
                   past_leaving_at(now))).exists(),
               select(Reservation.id).where(
                   of_slot, Reservation.child_id == child.id, live_at(now)).exists())
        .join(Filing, Filing.centre_id == Slot.centre_id).where(Slot.id == slot_id)).first()
    if row is None:
        return False
    capacity, band, starts_on, filing_status, taken, lapsed, mine = row
    return (filing_status == "approved" and not lapsed and not mine and taken >= capacity
            and band_fits(band, age_in_months(child.birth_date, starts_on)))


def visible_reservation(reservation_id: int, user) -> Reservation:
    """A reservation its guardians, its centre's staff, the regulators whose jurisdiction
    holds its centre, and admins may see (404 for anyone else)."""
    r = db.session.get(Reservation, reservation_id)
    if r is None or not children.may_see_booking(user, r.child_id, r.slot.centre_id):
        raise NotFound()
    return r


@command
def cancel(reservation_id: int, actor, now=None) -> Reservation:
    """Cancel a held place (its parent or its centre's staff). The place frees at once and is
    offered to the waitlist in the same transaction.

    :raises NotFound: not theirs. :raises Conflict: not held (enrolled children withdraw).
    """
    now = now or clock_now()
    r = visible_reservation(reservation_id, actor)
    if actor.role not in ("parent", "staff") or not allowed(actor, "reservation.cancel"):
        raise Forbidden()
    slot = lock_slot(r.slot_id)
    db.session.refresh(r)
    if not is_live_hold(r, now):
        raise Conflict(_("只有保留中的预约可以取消（当前状态：%(s)s）", s=_shown(r)))
    r.status, r.ended_at = Status.CANCELLED, now
    r.end_reason = "cancelled by parent" if actor.role == "parent" else "cancelled by centre"
    entry_ids = end_offers([r], "withdrawn", now, actor=actor, centre_id=slot.centre_id)
    record("reservation.cancelled", r, actor=actor, centre_id=slot.centre_id,
           before={"status": Status.HELD},
           after={"status": Status.CANCELLED, "waitlist_entries": entry_ids})
    if actor.role != "parent":
        notify(r.parent_id, "reservation_cancelled", reservation_id=r.id, centre=slot.centre.name)
    offer_next(slot, now)
    db.session.commit()
    return r


def is_live_hold(r: Reservation, now) -> bool:
    return r.status == Status.HELD and r.expires_at > now


def _shown(r: Reservation) -> str:
    """The status a person reads: a lapsed hold the sweep has not reached reads as expired."""
    return STATUS_LABELS[Status.EXPIRED if r.status == Status.HELD else r.status]


def _staff_live_hold(reservation_id: int, staff, now, refusal: str,
                     action: str) -> tuple[Reservation, Slot]:
    """The centre's live hold, its slot locked, for staff who may do `action` there;
    `refusal` (with %(s)s for the status) when it is no longer held."""
    r = visible_reservation(reservation_id, staff)
    if staff.role != "staff" or not allowed(staff, action):
        raise Forbidden()
    slot = lock_slot(r.slot_id)
    db.session.refresh(r)
    if not is_live_hold(r, now):
        raise Conflict(refusal % {"s": _shown(r)})
    return r, slot


def extend_hold_to_day(reservation_id: int, staff, last_day, now=None) -> Reservation:
    """extend_hold to the end of `last_day` in Beijing (the web form asks for a day)."""
    return extend_hold(reservation_id, staff, end_of_day(last_day), now)


@command
def extend_hold(reservation_id: int, staff, expires_at, now=None) -> Reservation:
    """Staff give a family more time: a place starting further ahead than an intake check
    stays valid (90 days by default) cannot be confirmed within the usual hold, so the
    centre may keep it until, at the latest, the end of the start date.

    :raises NotFound: not their centre's. :raises Conflict: not a live hold.
    :raises ValidationFailed: not later than now and the current expiry, or past the start.
    """
    now = now or clock_now()
    r, slot = _staff_live_hold(reservation_id, staff, now,
                               _("只有保留中的预约可以延长（当前状态：%(s)s）"),
                               "reservation.extend")
    latest = end_of_day(slot.starts_on)
    if expires_at <= r.expires_at:
        raise ValidationFailed(errors={"expires_at": [_("新的保留期限应晚于当前期限")]})
    if expires_at > latest:
        raise ValidationFailed(errors={"expires_at": [
            _("保留期限不能晚于入托日期 %(d)s", d=slot.starts_on.isoformat())]})
    before = r.expires_at
    r.expires_at, r.reminded_at = expires_at, None
    record("reservation.extended", r, actor=staff, centre_id=slot.centre_id,
           before={"expires_at": before}, after={"expires_at": expires_at})
    notify(r.parent_id, "hold_extended", reservation_id=r.id, centre=slot.centre.name,
           expires_at=expires_at.isoformat())
    db.session.commit()
    return r


@command
def confirm(reservation_id: int, staff, now=None) -> Reservation:
    """Staff turn a live hold into an enrolment once the child passed the intake check.

    :raises NotFound: not their centre's. :raises Conflict: not a live hold.
    :raises HealthCheckRequired: no verified passing check valid on the start date.
    """
    now = now or clock_now()
    r, slot = _staff_live_hold(reservation_id, staff, now,
                               _("只有保留中的预约可以确认入托（当前状态：%(s)s）"),
                               "reservation.confirm")
    if not has_valid_health_check(r.child_id, slot.starts_on):
        raise HealthCheckRequired()
    r.status, r.enrolled_at = Status.ENROLLED, now
    end_offers([r], "accepted", now, actor=staff, centre_id=slot.centre_id)
    record("reservation.enrolled", r, actor=staff, centre_id=slot.centre_id,
           before={"status": Status.HELD}, after={"status": Status.ENROLLED})
    notify(r.parent_id, "enrolled", reservation_id=r.id, centre=slot.centre.name,
           starts_on=slot.starts_on.isoformat())
    db.session.flush()
    warning = ratio_warning(slot, r.child)
    db.session.commit()
    r.ratio_warning = warning  # not a column: the caller shows it (page and API alike)
    return r


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


@command
def withdraw(reservation_id: int, actor, on_date, reason: str, now=None) -> Reservation:
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
    slot = lock_slot(r.slot_id)
    db.session.refresh(r)
    if r.status != Status.ENROLLED:
        raise Conflict(_("只有在读的孩子可以办理离园（当前状态：%(s)s）", s=_shown(r)))
    if r.leaves_on is not None:
        raise Conflict(_("已办理离园，离园日期为 %(d)s", d=r.leaves_on.isoformat()))
    errors = {}
    if not reason or not reason.strip():
        errors["reason"] = [_("请填写离园原因")]
    if on_date is None or (r.enrolled_at and on_date < local_date(r.enrolled_at)):
        errors["on_date"] = [_("离园日期不能早于入托日期")]
    if errors:
        raise ValidationFailed(errors=errors)
    reason = reason.strip()[:200]
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
                   on_date=on_date.isoformat())
    if not stays:
        offer_next(slot, now)
    db.session.commit()
    return r


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
    slot = lock_slot(r.slot_id)
    db.session.refresh(r)
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
