"""Waitlists: joining, leaving, priority tiers and their evidence.

Who is next for a freed place, and the offer itself, belong to the places
(places/offers.py): the centre's priority tiers (docs/waitlists.md; 长幼随学, 二孩三孩,
应急转托 ...), then the lottery's draw, then joining time; multiples as one unit.
"""
from uuid import uuid4

from flask_babel import gettext as _
from sqlalchemy import select

from ..allocation.gate import refuse_if_in_round
from ..audit.services import notify, record
from ..auth.permissions import can
from ..centres.bands import check_band
from ..centres.models import Centre
from ..children import services as children
from ..children.models import Child, Guardianship
from ..clock import now as clock_now
from ..employers.rules import check_employer
from ..errors import AlreadyReserved, Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..places.lapses import tidy
from ..places.locking import lock_children, lock_slot
from ..places.offers import offer_next, queue_order
from ..regulator.closure import open_case_for
from ..reservations.models import Reservation, Status, in_care_at, live_at
from ..slots.models import Slot
from ..transactions import command, kept
from .models import DEFAULT_TIERS, PriorityTier, WaitlistEntry
from .ranking import check_room, next_rank

# Tiers a family claims with evidence the staff can check; the others the system derives.
CLAIMED_TIERS = ("special_needs", "employer_staff", "district_resident")


def policy_of(centre_id: int) -> list[str]:
    """The centre's tiers, highest first; the national defaults when it set none."""
    codes = db.session.scalars(select(PriorityTier.code).where(PriorityTier.centre_id == centre_id)
                               .order_by(PriorityTier.rank)).all()
    return list(codes) or list(DEFAULT_TIERS)


@command
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
                in_care_at(clock_now())).limit(1)):
        tiers.add("sibling")  # 长幼随学 / 多孩同园
    if any(s.birth_date < child.birth_date for s in siblings):
        tiers.add("second_third_child")  # 二孩、三孩家庭
    if open_case_for(child.id) is not None:
        tiers.add("closure_transfer")  # 应急转托: the child's centre closed
    return tiers


def _rank(centre_id: int, tiers: set[str]) -> tuple[int, str]:
    order = policy_of(centre_id)
    for rank, code in enumerate(order, 1):
        if code in tiers:
            return rank, code
    return len(order), "everyone"


@command
def join(*, slot_id: int, child_id: int, parent, tier: str | None = None,
         evidence: str | None = None, employer_id: int | None = None,
         now=None) -> list[WaitlistEntry]:
    """Put a child (and its twins/multiples, as one unit) on a slot's waitlist.

    A claimed tier (special needs, employer's staff, district resident) needs evidence,
    which the centre's staff check; derived tiers (sibling, second child) come from the
    records. If places are free and nobody waits, the unit is offered at once. The wait is
    ranked last among the child's waits (ranking.py); a child waits for at most the city's
    `max_waits` slots, whether or not it has a place elsewhere (its offers then replace it).
    :raises NotFound, AgeOutOfBand, AlreadyReserved, ValidationFailed, Conflict.
    """
    now = now or clock_now()
    child = children.child_for_guardian(parent, child_id)
    unit = children.multiples_of(child, parent.id)
    # The lock order: the children (their count of waits and ranks), then the slot.
    lock_children([m.id for m in unit])
    slot = lock_slot(slot_id)
    centre = slot.centre
    if centre.filing is None or centre.filing.status != "approved":
        raise Conflict(_("该机构目前不接受预约"))
    refuse_if_in_round(slot.id)
    if tier is not None and tier not in CLAIMED_TIERS:
        raise ValidationFailed(errors={"tier": [_("此优先类别由系统根据记录判断，无需申报")]})
    if tier is not None and not (evidence and evidence.strip()):
        raise ValidationFailed(errors={"evidence": [_("申报优先类别需要提供证明材料说明")]})
    if tier == "special_needs" and centre.kind != "special_needs":
        raise ValidationFailed(errors={"tier": [_("该机构不提供特殊儿童优先")]})
    check_employer(slot.id, tier, employer_id)
    # A lapsed hold or offer never counts (docs/waitlists.md, Offers): tidy them first, so a child
    # whose hold lapsed may join, and an offer made below never meets a stale `held` row.
    tidy(slot, now)
    for member in unit:
        check_band(slot.age_band, slot.starts_on, member)
        if db.session.scalar(select(WaitlistEntry.id).where(
                WaitlistEntry.slot_id == slot.id, WaitlistEntry.child_id == member.id,
                WaitlistEntry.status.in_(("waiting", "offered")))):
            raise AlreadyReserved(_("孩子已在该托位的候补名单上"))
        if db.session.scalar(select(Reservation.id).where(
                Reservation.slot_id == slot.id, Reservation.child_id == member.id,
                live_at(now))):
            raise AlreadyReserved()
    check_room(unit, slot)
    choice = next_rank(unit)
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
                              employer_id=employer_id if tier == "employer_staff" else None,
                              joined_at=now, choice_rank=choice)
        db.session.add(entry)
        entries.append(entry)
    db.session.flush()
    for entry in entries:
        record("waitlist.joined", entry, actor=parent, centre_id=centre.id,
               after={"status": "waiting", "priority": rank, "tier": code, "unit": unit_key,
                      "choice_rank": choice, "employer_id": entry.employer_id})
    offer_next(slot, now)
    db.session.commit()
    return entries


def position(entry: WaitlistEntry) -> int | None:
    """1 for the next unit to be offered; None when the entry no longer waits."""
    if entry.status != "waiting":
        return None
    keys = db.session.scalars(select(WaitlistEntry.unit_key).where(
        WaitlistEntry.slot_id == entry.slot_id, WaitlistEntry.status == "waiting")
        .order_by(*queue_order())).all()
    units = list(dict.fromkeys(keys))
    return units.index(entry.unit_key) + 1


def entry_for(entry_id: int, user) -> WaitlistEntry:
    """An entry its parent, its centre's staff, the regulators whose jurisdiction holds its
    centre, and admins may see (404 for anyone else)."""
    entry = db.session.get(WaitlistEntry, entry_id)
    if entry is None or not children.may_see_booking(user, entry.child_id, entry.slot.centre_id):
        raise NotFound()
    return entry


@command
def leave(entry_id: int, parent, now=None) -> WaitlistEntry:
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
    tidy(slot, now)
    db.session.refresh(entry)
    if entry.status not in ("waiting", "offered"):
        # The tidying stands although the request is refused (as place_hold's).
        raise kept(Conflict(_("该候补已结束")))
    before = entry.status
    if entry.status == "offered" and entry.reservation is not None \
            and entry.reservation.status == Status.HELD:
        entry.reservation.status = Status.CANCELLED
        entry.reservation.ended_at = now
        entry.reservation.end_reason = "offer declined"
        record("reservation.cancelled", entry.reservation, actor=parent, centre_id=slot.centre_id,
               before={"status": Status.HELD}, after={"status": Status.CANCELLED})
    entry.status, entry.ended_at = "withdrawn", now
    record("waitlist.withdrawn", entry, actor=parent, centre_id=slot.centre_id,
           before={"status": before}, after={"status": "withdrawn"})
    offer_next(slot, now)
    db.session.commit()
    return entry


@command
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
        notify(entry.parent_id, "priority_rejected", entry_id=entry.id, centre=slot.centre.name,
               child=entry.child.name, child_id=entry.child_id)
    for member in unit:
        member.evidence_checked_by = staff.id
        if not accepted:
            member.priority, member.tier = rank, code
            member.employer_id = None  # the employer link stands on the claim (employers/)
        record("waitlist.evidence_checked", member, actor=staff, centre_id=slot.centre_id,
               before=before, after={"priority": member.priority, "tier": member.tier,
                                     "accepted": accepted})
    db.session.commit()
    return entry
