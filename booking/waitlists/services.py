"""Waitlists: who is next for a freed place, and offering it to them.

Order: the centre's priority tiers (docs/waitlists.md; 长幼随学, 二孩三孩,
应急转托 ...), then joining time. Twins and other multiples are one unit, offered together
or not at all (Dalian: 双（多）胞胎捆绑); a unit larger than the places free waits, and the
places go to the next unit that fits, so no place stays empty while a family that fits waits.
"""
from datetime import timedelta
from uuid import uuid4

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, insert, select

from ..audit.services import notify, notify_many, record, record_many
from ..auth.permissions import can
from ..centres.bands import AGE_BANDS, age_in_months, band_fits
from ..centres.models import Centre
from ..children import services as children
from ..children.models import Child, Guardianship
from ..clock import now as clock_now
from ..errors import AgeOutOfBand, AlreadyReserved, Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..reservations.locking import lock_slot
from ..reservations.models import Reservation
from ..slots.models import Slot
from ..slots.queries import live_condition, taken_count
from .models import DEFAULT_TIERS, PriorityTier, WaitlistEntry

# Tiers a family claims with evidence the staff can check; the others the system derives.
CLAIMED_TIERS = ("special_needs", "employer_staff", "district_resident")


def offer_ttl() -> timedelta:
    return timedelta(seconds=current_app.config["TUOWEI_OFFER_TTL_SECONDS"])


def policy_of(centre_id: int) -> list[str]:
    """The centre's tiers, highest first; the national defaults when it set none."""
    codes = db.session.scalars(select(PriorityTier.code).where(PriorityTier.centre_id == centre_id)
                               .order_by(PriorityTier.rank)).all()
    return list(codes) or list(DEFAULT_TIERS)


def set_policy(centre_id: int, codes: list[str], actor=None) -> None:
    """Replace a centre's priority policy. `everyone` is always last.

    :raises ValidationFailed: unknown or repeated tiers.
    """
    if len(set(codes)) != len(codes) or any(c not in DEFAULT_TIERS for c in codes):
        raise ValidationFailed(errors={"tiers": [_("优先级顺序无效")]})
    codes = [c for c in codes if c != "everyone"] + ["everyone"]
    before = policy_of(centre_id)
    db.session.execute(PriorityTier.__table__.delete().where(PriorityTier.centre_id == centre_id))
    db.session.add_all(PriorityTier(centre_id=centre_id, rank=i, code=c)
                       for i, c in enumerate(codes, 1))
    # Families already waiting are re-ranked, so the queue follows the new order at once.
    rank_of = {c: i for i, c in enumerate(codes, 1)}
    waiting = db.session.scalars(select(WaitlistEntry).join(Slot).where(
        Slot.centre_id == centre_id, WaitlistEntry.status == "waiting")).all()
    for entry in waiting:
        entry.priority = rank_of.get(entry.tier, rank_of["everyone"])
    record("priority_policy.changed", ("centre", centre_id), actor=actor, centre_id=centre_id,
           before={"tiers": before}, after={"tiers": codes})
    db.session.commit()


def derived_tiers(centre: Centre, child: Child, parent_id: int) -> set[str]:
    """Tiers the records prove on their own."""
    tiers = {"everyone"}
    siblings = db.session.scalars(select(Child).join(Guardianship).where(
        Guardianship.user_id == parent_id, Child.id != child.id)).all()
    sibling_ids = [s.id for s in siblings if s.multiple_birth_key is None
                   or s.multiple_birth_key != child.multiple_birth_key]
    if sibling_ids and db.session.scalar(
            select(Reservation.id).join(Slot).where(
                Slot.centre_id == centre.id, Reservation.child_id.in_(sibling_ids),
                Reservation.status == "enrolled").limit(1)):
        tiers.add("sibling")  # 长幼随学 / 多孩同园
    if any(s.birth_date < child.birth_date for s in siblings):
        tiers.add("second_third_child")  # 二孩、三孩家庭
    from ..regulator.closure import open_case_for
    if open_case_for(child.id) is not None:
        tiers.add("closure_transfer")  # 应急转托: the child's centre closed
    return tiers


def _rank(centre_id: int, tiers: set[str]) -> tuple[int, str]:
    order = policy_of(centre_id)
    for rank, code in enumerate(order, 1):
        if code in tiers:
            return rank, code
    return len(order), "everyone"


def join(*, slot_id: int, child_id: int, parent, tier: str | None = None,
         evidence: str | None = None, now=None) -> list[WaitlistEntry]:
    """Put a child (and its twins/multiples, as one unit) on a slot's waitlist.

    A claimed tier (special needs, employer's staff, district resident) needs evidence,
    which the centre's staff check; derived tiers (sibling, second child) come from the
    records. If places are free and nobody waits, the unit is offered at once.
    :raises NotFound, AgeOutOfBand, AlreadyReserved, ValidationFailed, Conflict.
    """
    now = now or clock_now()
    child = children.child_for_guardian(parent, child_id)
    slot = lock_slot(slot_id)
    centre = slot.centre
    if centre.filing is None or centre.filing.status != "approved":
        raise Conflict(_("该机构目前不接受预约"))
    if tier is not None and tier not in CLAIMED_TIERS:
        raise ValidationFailed(errors={"tier": [_("此优先类别由系统根据记录判断，无需申报")]})
    if tier is not None and not (evidence and evidence.strip()):
        raise ValidationFailed(errors={"evidence": [_("申报优先类别需要提供证明材料说明")]})
    if tier == "special_needs" and centre.kind != "special_needs":
        raise ValidationFailed(errors={"tier": [_("该机构不提供特殊儿童优先")]})
    # A lapsed hold or offer never counts (docs/waitlists.md, Offers): tidy them first, so a child
    # whose hold lapsed may join, and an offer made below never meets a stale `held` row.
    from ..reservations.services import expire_lapsed_in_slot
    expire_lapsed_in_slot(slot, now)
    unit = children.multiples_of(child, parent.id)
    for member in unit:
        _check_band(slot, member)
        if db.session.scalar(select(WaitlistEntry.id).where(
                WaitlistEntry.slot_id == slot.id, WaitlistEntry.child_id == member.id,
                WaitlistEntry.status.in_(("waiting", "offered")))):
            raise AlreadyReserved(_("孩子已在该托位的候补名单上"))
        if db.session.scalar(select(Reservation.id).where(
                Reservation.slot_id == slot.id, Reservation.child_id == member.id,
                Reservation.status.in_(("held", "enrolled")))):
            raise AlreadyReserved()
    tiers = derived_tiers(centre, child, parent.id)
    if tier:
        tiers.add(tier)
    rank, code = _rank(centre.id, tiers)
    unit_key = uuid4().hex
    entries = []
    for member in unit:
        entry = WaitlistEntry(slot_id=slot.id, child_id=member.id, parent_id=parent.id,
                              status="waiting", priority=rank, tier=code,
                              evidence=(evidence or "").strip() or None, unit_key=unit_key,
                              joined_at=now)
        db.session.add(entry)
        entries.append(entry)
    db.session.flush()
    for entry in entries:
        record("waitlist.joined", entry, actor=parent, centre_id=centre.id,
               after={"status": "waiting", "priority": rank, "tier": code, "unit": unit_key})
    offer_next(slot, now)
    db.session.commit()
    return entries


def _check_band(slot: Slot, child: Child):
    months = age_in_months(child.birth_date, slot.starts_on)
    if not band_fits(slot.age_band, months):
        band = AGE_BANDS[slot.age_band]
        raise AgeOutOfBand(_("%(name)s 在 %(date)s 时 %(m)s 个月，该托位收 %(lo)s–%(hi)s 个月的孩子",
                             name=child.name, date=slot.starts_on.isoformat(), m=months,
                             lo=band.min_months, hi=band.max_months))


def waiting_count(slot_id: int) -> int:
    return db.session.scalar(select(func.count(WaitlistEntry.id)).where(
        WaitlistEntry.slot_id == slot_id, WaitlistEntry.status == "waiting")) or 0


def queue_order():
    """Tier first; within a tier the lottery's order where a draw was held (entries that
    joined after it come after), then joining time."""
    return (WaitlistEntry.priority, WaitlistEntry.draw_position.is_(None),
            WaitlistEntry.draw_position, WaitlistEntry.joined_at, WaitlistEntry.id)


def position(entry: WaitlistEntry) -> int | None:
    """1 for the next unit to be offered; None when the entry no longer waits."""
    if entry.status != "waiting":
        return None
    keys = db.session.scalars(select(WaitlistEntry.unit_key).where(
        WaitlistEntry.slot_id == entry.slot_id, WaitlistEntry.status == "waiting")
        .order_by(*queue_order())).all()
    units = list(dict.fromkeys(keys))
    return units.index(entry.unit_key) + 1


def offer_next(slot: Slot, now) -> list[WaitlistEntry]:
    """Offer the slot's free places to the best waiting units. Only flushes.

    The caller holds the slot lock (lock_slot) so the count below cannot go stale.
    """
    return offer_next_many([slot], now)


def offer_next_many(slots: list[Slot], now) -> list[WaitlistEntry]:
    """offer_next for many slots with a constant number of statements (the sweep's batches):
    one count of places taken, one read of the queues, one batched insert of the holds.
    Only flushes; the caller holds the slots' locks."""
    if not slots:
        return []
    ids = [s.id for s in slots]
    taken = dict(db.session.execute(
        select(Reservation.slot_id, func.count(Reservation.id))
        .where(Reservation.slot_id.in_(ids), live_condition(now))
        .group_by(Reservation.slot_id)).all())
    free = {s.id: s.capacity - taken.get(s.id, 0) for s in slots}
    open_ids = [sid for sid in ids if free[sid] > 0]
    if not open_ids:
        return []
    waiting = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.slot_id.in_(open_ids), WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.slot_id, *queue_order())).all()
    units: dict[int, dict[str, list[WaitlistEntry]]] = {}
    for e in waiting:
        units.setdefault(e.slot_id, {}).setdefault(e.unit_key, []).append(e)
    expires = now + offer_ttl()
    offered: list[WaitlistEntry] = []
    for sid in open_ids:
        left = free[sid]
        for unit in units.get(sid, {}).values():
            if left <= 0:
                break
            if len(unit) > left:
                continue  # offered together or not at all
            offered += unit
            left -= len(unit)
    if not offered:
        return []
    # One executemany for all the holds (an ORM flush with RETURNING goes row by row on
    # SQLite), then one read of their ids through the live (slot, child) unique index.
    db.session.execute(insert(Reservation), [
        {"slot_id": e.slot_id, "child_id": e.child_id, "parent_id": e.parent_id,
         "status": "held", "created_at": now, "expires_at": expires} for e in offered])
    hold_ids = {(sid, cid): rid for rid, sid, cid in db.session.execute(
        select(Reservation.id, Reservation.slot_id, Reservation.child_id).where(
            Reservation.slot_id.in_({e.slot_id for e in offered}),
            Reservation.status == "held", Reservation.created_at == now))}
    for e in offered:
        e.status, e.offered_at, e.offer_expires_at, e.reservation_id = \
            "offered", now, expires, hold_ids[(e.slot_id, e.child_id)]
    db.session.flush()
    by_id = {s.id: s for s in slots}
    names = _centre_names(by_id, {e.slot_id for e in offered})
    # Both records get their history: the entry is offered, and its hold is made.
    record_many([{"action": "waitlist.offered", "entity_type": "waitlist_entry",
                  "entity_id": e.id, "centre_id": by_id[e.slot_id].centre_id,
                  "before": {"status": "waiting"},
                  "after": {"status": "offered", "reservation_id": e.reservation_id,
                            "offer_expires_at": expires}} for e in offered]
                + [{"action": "reservation.held", "entity_type": "reservation",
                    "entity_id": e.reservation_id, "centre_id": by_id[e.slot_id].centre_id,
                    "after": {"status": "held", "expires_at": expires,
                              "child_id": e.child_id, "waitlist_entry": e.id}}
                   for e in offered], at=now)
    notify_many([{"user_id": e.parent_id, "kind": "offer_made",
                  "params": {"entry_id": e.id, "slot_id": e.slot_id,
                             "reservation_id": e.reservation_id,
                             "centre": names[e.slot_id],
                             "expires_at": expires.isoformat()}} for e in offered], at=now)
    return offered


def _centre_names(slots_by_id: dict[int, Slot], slot_ids) -> dict[int, str]:
    """{slot_id: its centre's name}: from the loaded centres, else in one query."""
    names = {sid: slots_by_id[sid].centre.name for sid in slot_ids
             if "centre" in slots_by_id[sid].__dict__}
    missing = [sid for sid in slot_ids if sid not in names]
    if missing:
        names.update(db.session.execute(select(Slot.id, Centre.name).join(Centre, Centre.id == Slot.centre_id)
                                        .where(Slot.id.in_(missing))).all())
    return names


def entry_for(entry_id: int, user) -> WaitlistEntry:
    """An entry its parent, its centre's staff, the regulators whose jurisdiction holds its
    centre, and admins may see (404 for anyone else)."""
    entry = db.session.get(WaitlistEntry, entry_id)
    if entry is None or not children.may_see_booking(user, entry.child_id, entry.slot.centre_id):
        raise NotFound()
    return entry


def withdraw(entry_id: int, parent, now=None) -> WaitlistEntry:
    """The parent leaves the waitlist. An open offer is declined: its hold ends and the place
    is offered on at once.

    :raises NotFound: not the parent's entry. :raises Conflict: already ended.
    """
    now = now or clock_now()
    entry = db.session.get(WaitlistEntry, entry_id)
    if entry is None or not children.is_guardian(parent, entry.child_id):
        raise NotFound()
    slot = lock_slot(entry.slot_id)
    # An offer whose hold lapsed has expired (docs/waitlists.md), whether or not the sweep has run.
    from ..reservations.services import expire_lapsed_in_slot
    expire_lapsed_in_slot(slot, now)
    db.session.refresh(entry)
    if entry.status not in ("waiting", "offered"):
        db.session.commit()  # keep the tidying (as place_hold does), then refuse
        raise Conflict(_("该候补已结束"))
    before = entry.status
    if entry.status == "offered" and entry.reservation is not None \
            and entry.reservation.status == "held":
        entry.reservation.status = "cancelled"
        entry.reservation.ended_at = now
        entry.reservation.end_reason = "offer declined"
        record("reservation.cancelled", entry.reservation, actor=parent, centre_id=slot.centre_id,
               before={"status": "held"}, after={"status": "cancelled"})
    entry.status, entry.ended_at = "withdrawn", now
    record("waitlist.withdrawn", entry, actor=parent, centre_id=slot.centre_id,
           before={"status": before}, after={"status": "withdrawn"})
    offer_next(slot, now)
    db.session.commit()
    return entry


def check_evidence(entry_id: int, staff, accepted: bool, now=None) -> WaitlistEntry:
    """Staff check a claimed tier's evidence; a rejected claim drops to the tier the records
    prove. :raises NotFound: not this staff member's centre."""
    entry = db.session.get(WaitlistEntry, entry_id)
    if entry is None or staff.role != "staff" \
            or not can(staff, "waitlist.manage", entry.slot.centre_id):
        raise NotFound()
    slot = lock_slot(entry.slot_id)
    db.session.refresh(entry)
    # Twins claimed together and wait as one unit: the decision applies to the whole unit.
    unit = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.unit_key == entry.unit_key).order_by(WaitlistEntry.id)).all()
    before = {"priority": entry.priority, "tier": entry.tier}
    if not accepted:
        rank, code = _rank(slot.centre_id, derived_tiers(slot.centre, entry.child, entry.parent_id))
        notify(entry.parent_id, "priority_rejected", entry_id=entry.id, centre=slot.centre.name)
    for member in unit:
        member.evidence_checked_by = staff.id
        if not accepted:
            member.priority, member.tier = rank, code
        record("waitlist.evidence_checked", member, actor=staff, centre_id=slot.centre_id,
               before=before, after={"priority": member.priority, "tier": member.tier,
                                     "accepted": accepted})
    db.session.commit()
    return entry


# Used by the reservation services when a hold ends.
def end_offer_for(reservations: list[Reservation], status: str, now) -> list[int]:
    """Mark the waitlist entries whose offered hold ended (expired / accepted / withdrawn)."""
    ids = [r.id for r in reservations]
    if not ids:
        return []
    ended = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.reservation_id.in_(ids), WaitlistEntry.status == "offered")).all()
    for e in ended:
        e.status = status
        if status != "accepted":
            e.ended_at = now
    return [e.id for e in ended]
