"""Holding, cancelling, confirming and releasing places (预约入托 → 入托).

Every command here locks the slot row first (places/locking.py), so no place is sold twice,
writes its audit event in the same transaction, and is one unit of work (transactions.py).
A hold past `expires_at` never counts (models.live_at); the sweeps (places/sweeps.py) only
tidy up, notify and offer places on. docs/design.md follows a request through this file.
"""
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, func, or_, select, true

from ..allocation.gate import in_round_clause, refuse_if_in_round
from ..audit.services import notify, record
from ..auth.permissions import allowed
from ..centres.bands import age_in_months, band_fits, check_band
from ..children import services as children
from ..clock import end_of_day, local_date
from ..clock import now as clock_now
from ..employers.rules import has_quotas_clause, open_places
from ..employers.rules import refusal as reserved_refusal
from ..errors import AlreadyReserved, Conflict, Forbidden, NotFound, SlotFull, ValidationFailed
from ..extensions import db
from ..observability.metrics import count_holds
from ..places.lapses import tidy
from ..places.locking import lock_children, lock_slot, lock_slot_returning
from ..places.offers import end_offers, offer_next, waiting_clause, waiting_count
from ..places.placement import replacement_for
from ..children.models import Child
from ..regulator.models import Filing
from ..slots.models import Slot
from ..slots.queries import taken_count
from ..transactions import command, commit_keeping_loaded, kept
from .labels import STATUS_LABELS
from .models import Reservation, Status, held_at, live_at, live_on, past_leaving_on


def hold_ttl() -> timedelta:
    return timedelta(seconds=current_app.config["TUOWEI_HOLD_TTL_SECONDS"])


@count_holds
@command
def place_hold(*, slot_id: int, child_id: int, parent, now=None, transfer: bool = False,
               with_multiples: bool = True) -> Reservation:
    """Hold a place for a child for TUOWEI_HOLD_TTL_SECONDS.

    Rules: the centre's filing is approved; the parent is the child's guardian; the child's
    age in months on the slot's start date fits its band (设置标准 art. 19); one live place
    per child across every centre (places/placement.py), unless this is a transfer (转托) of
    an enrolled child, which confirming completes; twins and other multiples hold together,
    all or none (unless `with_multiples` is False); and while families wait for this slot,
    freed places go to them, never to a newcomer (so a lapse no job has processed yet cannot
    be jumped). Returns the child's hold; its multiples' holds are in `.together`.
    :raises NotFound, AgeOutOfBand, AlreadyReserved, AlreadyPlaced, SlotFull, Conflict.
    """
    now = now or clock_now()
    child, full = _child_and_fullness(parent, child_id, slot_id, now)
    unit = children.multiples_of(child, parent.id) if with_multiples else [child]
    if len(unit) == 1 and not transfer and full:
        raise SlotFull(extra={"waitlist_url": f"/api/v1/waitlist?slot_id={slot_id}",
                              "slot_id": slot_id})
    # The lock order (docs/design.md, "Lock order"): the children, then the slot.
    lock_children(m.id for m in unit)
    slot = lock_slot_returning(slot_id)
    # Every rule's state in one read after the lock (so never stale); the rarer paths
    # (a queue, a lapse to tidy, a place elsewhere, quotas) then do their own work.
    state = _survey(slot.id, [m.id for m in unit], now)
    if state.filing != "approved":
        raise Conflict(_("该机构目前不接受预约"))
    if state.in_round:
        refuse_if_in_round(slot.id)
    replaces = {m.id: None for m in unit}
    for member in unit:
        check_band(slot.age_band, slot.starts_on, member)
        if not (state.mine or state.elsewhere or transfer):
            continue
        if db.session.scalar(select(Reservation.id).where(
                Reservation.slot_id == slot.id, Reservation.child_id == member.id,
                live_at(now)).limit(1)):
            raise AlreadyReserved()
        replaces[member.id] = replacement_for(member, slot, now, transfer=transfer)
    # Tidy this slot's lapsed holds and leavers now (offering the places to the queue below)
    # instead of waiting for the sweeps. What they free was not counted in `taken` anyway.
    if state.untidy:
        tidy(slot, now)
    # offer_next does nothing while nobody waits: the rush (no queue yet) skips it.
    waiting, taken = state.waiting, state.taken
    if waiting:
        offer_next(slot, now)
        # The child may itself have been first in the queue: the offer is then its place
        # (a second hold would break one live reservation per child per slot).
        offered = db.session.scalars(select(Reservation).where(
            Reservation.slot_id == slot.id, Reservation.child_id.in_([m.id for m in unit]),
            held_at(now)).order_by(Reservation.id)).all()
        if offered:
            db.session.commit()
            return _with_together(offered, child.id)
        waiting, taken = waiting_count(slot.id), taken_count(slot.id, now)
    free = slot.capacity - taken
    # Places an employer's quota still reserves are not this child's unless it is linked to
    # that employer (docs/employers.md): counted here, under the same lock.
    open_ = min(open_places(slot.id, m.id, free, now) for m in unit) if state.quotas else free
    if waiting > 0 or open_ < len(unit):
        slot_id = slot.id  # read before the commit expires the slot (no reload to answer)
        why = _("只剩 %(n)s 个托位，双（多）胞胎要一起预约 %(k)s 个：可以加入候补",
                n=free, k=len(unit)) if 0 < free < len(unit) and not waiting else None
        if why is None and not waiting and open_ < len(unit) <= free:
            why = reserved_refusal(free - max(open_, 0))
        # The tidying and the offers made above stand although this request is refused:
        # the families offered a place were told so.
        raise kept(SlotFull(why, extra={"waitlist_url": f"/api/v1/waitlist?slot_id={slot_id}",
                                        "slot_id": slot_id}))
    holds = [Reservation(slot_id=slot.id, child_id=m.id, parent_id=parent.id,
                         status=Status.HELD, created_at=now, expires_at=now + hold_ttl(),
                         replaces_id=replaces[m.id]) for m in unit]
    db.session.add_all(holds)
    db.session.flush()
    for hold in holds:
        record("reservation.held", hold, actor=parent, centre_id=slot.centre_id,
               after={"status": Status.HELD, "expires_at": hold.expires_at,
                      "child_id": hold.child_id, "replaces": hold.replaces_id,
                      "together": [h.id for h in holds if h is not hold]})
    # The answer is built from these holds and the slot as written: no reload after the commit.
    commit_keeping_loaded()
    return _with_together(holds, child.id)


def _with_together(holds: list[Reservation], child_id: int) -> Reservation:
    """The child's own hold, carrying its multiples' holds made in the same request."""
    mine = next(h for h in holds if h.child_id == child_id)
    mine.together = [h for h in holds if h is not mine]
    return mine


def _survey(slot_id: int, child_ids: list[int], now):
    """The state every reserve rule reads, in one statement: the centre's filing, an
    allocation round giving the slot out, the children's live places here and elsewhere,
    lapsed holds or leavers to tidy, the queue, the places taken, employer quotas."""
    return db.session.execute(_survey_statement(), {
        "slot_id": slot_id, "child_ids": child_ids, "now": now,
        "today": local_date(now)}).one()


@cache
def _survey_statement():
    # Built once: constructing it costs more Python than running it (bench/RESULTS.md).
    slot_id, now, today = bindparam("slot_id"), bindparam("now"), bindparam("today")
    of_slot = Reservation.slot_id == slot_id
    live_of_unit = and_(Reservation.child_id.in_(bindparam("child_ids", expanding=True)),
                        live_on(now, today))
    return (select(
        Filing.status.label("filing"),
        in_round_clause(slot_id).label("in_round"),
        select(Reservation.id).where(of_slot, live_of_unit).exists().label("mine"),
        select(Reservation.id).where(Reservation.slot_id != slot_id, live_of_unit)
        .exists().label("elsewhere"),
        select(Reservation.id).where(of_slot, or_(
            and_(Reservation.status == Status.HELD, Reservation.expires_at <= now),
            past_leaving_on(today))).exists().label("untidy"),
        waiting_clause(slot_id).scalar_subquery().label("waiting"),
        select(func.count(Reservation.id)).where(of_slot, live_on(now, today))
        .scalar_subquery().label("taken"),
        has_quotas_clause(slot_id).label("quotas"))
        .select_from(Slot).outerjoin(Filing, Filing.centre_id == Slot.centre_id)
        .where(Slot.id == slot_id))


def _child_and_fullness(parent, child_id: int, slot_id: int, now):
    """The child (404 unless `parent` is its guardian) and whether the slot is visibly full
    for it, in one read without the slot lock: the rush's common answer, slot-full.

    Only a refusal is decided from it, and only when the locked path would give the same one
    with nothing to do first: the filing is approved, the child fits the band, holds no
    place in the slot, and the slot has no lapsed hold or leaver to tidy while its live holds
    and enrolments fill it. The read is one statement, so one consistent snapshot: the slot
    was full at that instant, and the refusal is ordered before any place freed later.
    Anything else (and every hold) takes the locked path (docs/design.md, "Locking"), which
    can never oversell.
    """
    row = db.session.execute(_fullness_statement(), {
        "slot_id": slot_id, "child_id": child_id, "user_id": parent.id, "now": now,
        "today": local_date(now)}).first()
    if row is None:
        raise NotFound()
    child, s = row[0], row._mapping
    full = (s["filing"] == "approved" and not s["untidy"] and not s["mine"]
            and s["taken"] >= s["capacity"]
            and band_fits(s["age_band"], age_in_months(child.birth_date, s["starts_on"])))
    return child, full


@cache
def _fullness_statement():
    now, today, child_id = bindparam("now"), bindparam("today"), bindparam("child_id")
    of_slot = Reservation.slot_id == Slot.id
    slot = (select(
        Slot.capacity, Slot.age_band, Slot.starts_on, Filing.status.label("filing"),
        select(func.count(Reservation.id)).where(of_slot, live_on(now, today))
        .scalar_subquery().label("taken"),
        select(Reservation.id).where(of_slot, or_(
            and_(Reservation.status == Status.HELD, Reservation.expires_at <= now),
            past_leaving_on(today))).exists().label("untidy"),
        select(Reservation.id).where(
            of_slot, Reservation.child_id == child_id, live_on(now, today))
        .exists().label("mine"))
        .join(Filing, Filing.centre_id == Slot.centre_id)
        .where(Slot.id == bindparam("slot_id")).subquery())
    return select(Child, slot).outerjoin(slot, true()).where(
        children.guarded_by_id(bindparam("user_id"), child_id))


def visible_reservation(reservation_id: int, user) -> Reservation:
    """A reservation its guardians, its centre's staff, the regulators whose jurisdiction
    holds its centre, and admins may see (404 for anyone else)."""
    r = db.session.get(Reservation, reservation_id)
    if r is None or not children.may_see_booking(user, r.child_id, r.slot.centre_id):
        raise NotFound()
    return r


CANCEL_REASON_MAX = 200


@command
def cancel(reservation_id: int, actor, now=None, reason: str | None = None) -> Reservation:
    """Cancel a held place (its parent or its centre's staff). The place frees at once and is
    offered to the waitlist in the same transaction. `reason` is logged and, when the centre
    cancels, told to the family (the staff page asks for it).

    :raises NotFound: not theirs. :raises Conflict: not held (enrolled children withdraw).
    :raises ValidationFailed: a reason over 200 characters.
    """
    now = now or clock_now()
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > CANCEL_REASON_MAX:
        raise ValidationFailed(errors={"reason": [
            _("原因最多 %(n)s 个字", n=CANCEL_REASON_MAX)]})
    r = visible_reservation(reservation_id, actor)
    if actor.role not in ("parent", "staff") or not allowed(actor, "reservation.cancel"):
        raise Forbidden()
    lock_children([r.child_id])  # the lock order: the child, then the slot
    slot = lock_slot(r.slot_id)
    db.session.refresh(r)
    if not is_live_hold(r, now):
        raise Conflict(_("只有保留中的预约可以取消（当前状态：%(s)s）", s=shown(r)))
    r.status, r.ended_at = Status.CANCELLED, now
    r.end_reason = "cancelled by parent" if actor.role == "parent" else "cancelled by centre"
    entry_ids = end_offers([r], "withdrawn", now, actor=actor, centre_id=slot.centre_id)
    record("reservation.cancelled", r, actor=actor, centre_id=slot.centre_id,
           before={"status": Status.HELD},
           after={"status": Status.CANCELLED, "waitlist_entries": entry_ids}, reason=reason)
    if actor.role != "parent":
        notify(r.parent_id, "reservation_cancelled", reservation_id=r.id, centre=slot.centre.name,
               child=r.child.name, child_id=r.child_id, reason=reason or "")
    offer_next(slot, now)
    db.session.commit()
    return r


def is_live_hold(r: Reservation, now) -> bool:
    return r.status == Status.HELD and r.expires_at > now


def shown(r: Reservation) -> str:
    """The status a person reads: a lapsed hold the sweep has not reached reads as expired."""
    return STATUS_LABELS[Status.EXPIRED if r.status == Status.HELD else r.status]


def staff_live_hold(reservation_id: int, staff, now, refusal: str,
                    action: str) -> tuple[Reservation, Slot]:
    """The centre's live hold, its child and slot locked (in that order), for staff who may
    do `action` there; `refusal` (with %(s)s for the status) when it is no longer held."""
    r = visible_reservation(reservation_id, staff)
    if staff.role != "staff" or not allowed(staff, action):
        raise Forbidden()
    lock_children([r.child_id])
    slot = lock_slot(r.slot_id)
    db.session.refresh(r)
    if not is_live_hold(r, now):
        raise Conflict(refusal % {"s": shown(r)})
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
    r, slot = staff_live_hold(reservation_id, staff, now,
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
           child=r.child.name, child_id=r.child_id,
           expires_at=expires_at.isoformat())
    db.session.commit()
    return r
