"""Holding, cancelling, confirming and releasing places (预约入托 → 入托).

Every command here locks the slot row first (locking.py), so no place is sold twice, and
writes its audit event in the same transaction. A hold past `expires_at` never counts
(slots/queries.py); the sweeps (sweeps.py) only tidy up, notify and offer places on.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from ..audit.services import notify, notify_many, record, record_many
from ..auth.permissions import allowed
from ..centres.bands import age_in_months, band_fits
from ..children import services as children
from ..clock import LOCAL, end_of_day
from ..clock import now as clock_now
from ..errors import (AlreadyReserved, Conflict, Forbidden, HealthCheckRequired, NotFound, SlotFull,
                      ValidationFailed)
from ..extensions import db
from ..health.models import HealthCheck
from ..regulator.models import Filing
from ..slots.models import Slot
from ..slots.queries import live_condition, taken_count
from ..waitlists import services as waitlists
from .labels import STATUS_LABELS
from .locking import lock_slot
from .models import Reservation


def hold_ttl() -> timedelta:
    return timedelta(seconds=current_app.config["TUOWEI_HOLD_TTL_SECONDS"])


def expire_lapsed_in_slot(slot: Slot, now) -> list[Reservation]:
    """Mark the slot's lapsed holds expired and close their offers. Only flushes; the caller
    holds the slot lock."""
    lapsed = db.session.scalars(select(Reservation).where(
        Reservation.slot_id == slot.id, Reservation.status == "held",
        Reservation.expires_at <= now)).all()
    for r in lapsed:
        r.status, r.ended_at = "expired", now
    if lapsed:
        entry_ids = waitlists.end_offer_for(lapsed, "expired", now)
        record_many([{"action": "reservation.expired", "entity_type": "reservation",
                      "entity_id": r.id, "centre_id": slot.centre_id,
                      "before": {"status": "held", "expires_at": r.expires_at},
                      "after": {"status": "expired"}} for r in lapsed]
                    + [{"action": "waitlist.offer_expired", "entity_type": "waitlist_entry",
                        "entity_id": i, "centre_id": slot.centre_id,
                        "before": {"status": "offered"}, "after": {"status": "expired"}}
                       for i in entry_ids], at=now)
        notify_many([{"user_id": r.parent_id, "kind": "hold_lapsed",
                      "params": {"reservation_id": r.id, "centre": slot.centre.name}}
                     for r in lapsed], at=now)
    return lapsed


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
    waitlists._check_band(slot, child)
    if db.session.scalar(select(Reservation.id).where(
            Reservation.slot_id == slot.id, Reservation.child_id == child.id,
            or_(Reservation.status == "enrolled",
                and_(Reservation.status == "held", Reservation.expires_at > now))).limit(1)):
        raise AlreadyReserved()
    # Tidy this slot's lapsed holds now (offering them to the queue) instead of waiting for
    # the sweep; the work is kept even when this request is then refused.
    expire_lapsed_in_slot(slot, now)
    # offer_next does nothing while nobody waits: the rush (no queue yet) skips its count.
    waiting = waitlists.waiting_count(slot.id)
    if waiting:
        waitlists.offer_next(slot, now)
        # The child may itself have been first in the queue: the offer is then its place
        # (a second hold would break one live reservation per child per slot).
        offered = db.session.scalar(select(Reservation).where(
            Reservation.slot_id == slot.id, Reservation.child_id == child.id,
            Reservation.status == "held", Reservation.expires_at > now))
        if offered is not None:
            db.session.commit()
            return offered
        waiting = waitlists.waiting_count(slot.id)
    if waiting > 0 or slot.capacity - taken_count(slot.id, now) <= 0:
        slot_id = slot.id  # read before the commit expires the slot (no reload to answer)
        db.session.commit()
        raise SlotFull(extra={"waitlist_url": f"/api/v1/waitlist?slot_id={slot_id}",
                              "slot_id": slot_id})
    hold = Reservation(slot_id=slot.id, child_id=child.id, parent_id=parent.id, status="held",
                       created_at=now, expires_at=now + hold_ttl())
    db.session.add(hold)
    db.session.flush()
    record("reservation.held", hold, actor=parent, centre_id=slot.centre_id,
           after={"status": "held", "expires_at": hold.expires_at, "child_id": child.id})
    db.session.commit()
    return hold


def _visibly_full(slot_id: int, child, now) -> bool:
    """The rush's common answer, slot-full, decided in one read without the slot lock.

    Only a refusal is decided here, and only when the locked path below would give the same
    one with nothing to do first: the filing is approved, the child fits the band, holds no
    place in the slot, and the slot has no lapsed hold to tidy while its live holds and
    enrolments fill it. The read is one statement, so one consistent snapshot: the slot was
    full at that instant, and the refusal is ordered before any place freed later. Anything
    else (and every hold) takes the locked path (DESIGN.md rule 3), which can never oversell.
    """
    of_slot = Reservation.slot_id == Slot.id
    row = db.session.execute(
        select(Slot.capacity, Slot.age_band, Slot.starts_on, Filing.status,
               select(func.count(Reservation.id)).where(of_slot, live_condition(now))
               .scalar_subquery(),
               select(Reservation.id).where(of_slot, Reservation.status == "held",
                                            Reservation.expires_at <= now).exists(),
               select(Reservation.id).where(
                   of_slot, Reservation.child_id == child.id,
                   or_(Reservation.status == "enrolled",
                       and_(Reservation.status == "held", Reservation.expires_at > now))).exists())
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
    if r.status != "held" or r.expires_at <= now:
        raise Conflict(_("只有保留中的预约可以取消（当前状态：%(s)s）",
                         s=STATUS_LABELS["expired" if r.status == "held" else r.status]))
    r.status, r.ended_at = "cancelled", now
    r.end_reason = "cancelled by parent" if actor.role == "parent" else "cancelled by centre"
    entry_ids = waitlists.end_offer_for([r], "withdrawn", now)
    record("reservation.cancelled", r, actor=actor, centre_id=slot.centre_id,
           before={"status": "held"}, after={"status": "cancelled", "waitlist_entries": entry_ids})
    _record_offers_ended(entry_ids, "withdrawn", actor, slot, now)
    if actor.role != "parent":
        notify(r.parent_id, "reservation_cancelled", reservation_id=r.id, centre=slot.centre.name)
    waitlists.offer_next(slot, now)
    db.session.commit()
    return r


def _record_offers_ended(entry_ids: list[int], status: str, actor, slot: Slot, now) -> None:
    """Each waitlist entry whose offer ended with its hold gets its own audit event, so the
    entry's history is complete without reading the reservation's."""
    record_many([{"action": f"waitlist.{status}", "entity_type": "waitlist_entry",
                  "entity_id": i, "centre_id": slot.centre_id, "actor_id": actor.id,
                  "before": {"status": "offered"}, "after": {"status": status}}
                 for i in entry_ids], at=now)


def has_valid_health_check(child_id: int, on_date) -> bool:
    """入托体检 (76号令 art. 15): verified, passed, vaccination record checked, and still
    valid on the start date."""
    return db.session.scalar(select(HealthCheck.id).where(
        HealthCheck.child_id == child_id, HealthCheck.status == "verified",
        HealthCheck.result == "pass", HealthCheck.vaccination_verified.is_(True),
        HealthCheck.examined_on <= on_date, HealthCheck.valid_until >= on_date).limit(1)) is not None


def _staff_live_hold(reservation_id: int, staff, now, refusal: str,
                     action: str) -> tuple[Reservation, Slot]:
    """The centre's live hold, its slot locked, for staff who may do `action` there;
    `refusal` (with %(s)s for the status) when it is no longer held."""
    r = visible_reservation(reservation_id, staff)
    if staff.role != "staff" or not allowed(staff, action):
        raise Forbidden()
    slot = lock_slot(r.slot_id)
    db.session.refresh(r)
    if r.status != "held" or r.expires_at <= now:
        raise Conflict(refusal % {"s": STATUS_LABELS["expired" if r.status == "held" else r.status]})
    return r, slot


def extend_hold_to_day(reservation_id: int, staff, last_day, now=None) -> Reservation:
    """extend_hold to the end of `last_day` in Beijing (the web form asks for a day)."""
    return extend_hold(reservation_id, staff, end_of_day(last_day), now)


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
    r.status, r.enrolled_at = "enrolled", now
    entry_ids = waitlists.end_offer_for([r], "accepted", now)
    record("reservation.enrolled", r, actor=staff, centre_id=slot.centre_id,
           before={"status": "held"}, after={"status": "enrolled"})
    _record_offers_ended(entry_ids, "accepted", staff, slot, now)
    notify(r.parent_id, "enrolled", reservation_id=r.id, centre=slot.centre.name,
           starts_on=slot.starts_on.isoformat())
    db.session.commit()
    return r


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
    if r.status != "enrolled":
        raise Conflict(_("只有在读的孩子可以办理离园（当前状态：%(s)s）", s=r.status))
    if r.leaves_on is not None:
        raise Conflict(_("已办理离园，离园日期为 %(d)s", d=r.leaves_on.isoformat()))
    errors = {}
    if not reason or not reason.strip():
        errors["reason"] = [_("请填写离园原因")]
    if on_date is None or (r.enrolled_at and on_date < r.enrolled_at.astimezone(LOCAL).date()):
        errors["on_date"] = [_("离园日期不能早于入托日期")]
    if errors:
        raise ValidationFailed(errors=errors)
    reason = reason.strip()[:200]
    today = now.astimezone(LOCAL).date()
    stays = on_date >= today and on_date >= slot.starts_on  # still in care on a later day
    r.end_reason, r.leaves_on = reason, on_date
    if stays:
        record("reservation.leaving", r, actor=actor, centre_id=slot.centre_id, reason=reason,
               before={"status": "enrolled"}, after={"status": "enrolled", "on_date": on_date})
    else:
        r.status, r.ended_at = "withdrawn", now
        record("reservation.withdrawn", r, actor=actor, centre_id=slot.centre_id, reason=reason,
               before={"status": "enrolled"}, after={"status": "withdrawn", "on_date": on_date})
    # 预收费: charges are settled to the leaving date and the unused balance is owed back,
    # in this same transaction (fees/services.py).
    from ..fees.services import on_withdrawal
    on_withdrawal(r, actor, now)
    for guardian_id in children.guardians_of(r.child_id):
        if guardian_id != actor.id:
            notify(guardian_id, "withdrawn", reservation_id=r.id, centre=slot.centre.name,
                   on_date=on_date.isoformat())
    if not stays:
        waitlists.offer_next(slot, now)
    db.session.commit()
    return r


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
    today = now.astimezone(LOCAL).date()
    if r.status != "enrolled" or r.leaves_on is None or r.leaves_on < today:
        raise Conflict(_("只能更改尚未到来的离园日期"))
    errors = {}
    if not reason or not reason.strip():
        errors["reason"] = [_("请填写更改原因")]
    start = max(slot.starts_on, r.enrolled_at.astimezone(LOCAL).date()) if r.enrolled_at \
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
    from ..fees.services import on_leaving_changed  # as withdraw: fees build on reservations
    on_leaving_changed(r, actor, now)
    record("reservation.leaving_changed", r, actor=actor, centre_id=slot.centre_id,
           reason=reason.strip()[:200], before={"status": "enrolled", "on_date": before},
           after={"status": "enrolled", "on_date": on_date})
    db.session.commit()
    return r
