"""Enrolment-round lottery (摇号) within priority tiers, reproducible by anyone.

1. Staff publish a draw for a slot: a random seed, and with it the list of participants
   frozen at that moment (the entries then waiting) and its SHA-256, all public before the
   draw. Ordering is SHA-256 of "<seed>:<entry id>", so anyone who knows the seed knows every
   entry's number: were the participants read at draw time, a family could withdraw and
   re-join until a new entry id drew well. Entries that join after publication wait for the
   next draw; a family that withdraws and re-joins is in no draw until then.
2. At the draw, the frozen entries still waiting are listed per tier, one number per unit
   (twins: the lowest frozen id of the unit, fixed at publication), and each tier is ordered
   by SHA-256 of "<seed>:<id>". The result and the lists are published; anyone can check the
   frozen list against the published hash and run `order(seed, ids)` (or the four lines on the
   public page) on it and get the same order.
Tiers stay in force: the draw orders families only within their tier (docs/waitlists.md).
"""
import hashlib
import json
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.services import record
from ..auth.permissions import can
from ..clock import now as clock_now
from ..errors import Conflict, NotFound
from ..extensions import db
from ..places.locking import lock_slot
from ..transactions import command
from .models import LotteryDraw, LotteryParticipant, WaitlistEntry


def order(seed: str, entry_ids: list[int]) -> list[int]:
    """The draw itself: sort by SHA-256("<seed>:<id>")."""
    return sorted(entry_ids, key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).hexdigest())


def participants_digest(entry_ids) -> str:
    """SHA-256 of the frozen entry ids, ascending, comma-separated (published with the seed)."""
    return hashlib.sha256(",".join(str(i) for i in sorted(entry_ids)).encode()).hexdigest()


def frozen_ids(draw: LotteryDraw) -> list[int]:
    """The entry ids frozen into the draw at publication, ascending."""
    return list(db.session.scalars(select(LotteryParticipant.entry_id)
                                   .where(LotteryParticipant.draw_id == draw.id)
                                   .order_by(LotteryParticipant.entry_id)))


@command
def publish(slot_id: int, staff, now=None) -> LotteryDraw:
    """Publish a seed for the slot's next draw. :raises Conflict: one is already pending."""
    now = now or clock_now()
    slot = lock_slot(slot_id)
    if staff.role != "staff" or not can(staff, "waitlist.manage", slot.centre_id):
        raise NotFound()
    if db.session.scalar(select(LotteryDraw.id).where(LotteryDraw.slot_id == slot_id,
                                                      LotteryDraw.drawn_at.is_(None))):
        raise Conflict(_("该托位已有一个待开奖的摇号"))
    # Frozen under the slot's lock, which joins and withdrawals also take: no entry comes or
    # goes between this list and the seed.
    ids = list(db.session.scalars(select(WaitlistEntry.id).where(
        WaitlistEntry.slot_id == slot_id, WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.id)))
    draw = LotteryDraw(slot_id=slot_id, seed=secrets.token_hex(16), published_by=staff.id,
                       published_at=now, participants_sha256=participants_digest(ids))
    db.session.add(draw)
    db.session.flush()
    db.session.add_all([LotteryParticipant(draw_id=draw.id, entry_id=i) for i in ids])
    record("lottery.published", draw, actor=staff, centre_id=slot.centre_id,
           after={"seed": draw.seed, "participants": ids,
                  "participants_sha256": draw.participants_sha256})
    db.session.commit()
    return draw


@command
def run(draw_id: int, staff, now=None) -> LotteryDraw:
    """Draw: give every unit frozen at publication and still waiting its position in its tier.

    :raises NotFound: not this staff member's. :raises Conflict: already drawn, or drawn at the
    moment of publication (the seed must be public before the draw).
    """
    now = now or clock_now()
    draw = db.session.get(LotteryDraw, draw_id)
    if draw is None:
        raise NotFound()
    slot = lock_slot(draw.slot_id)
    if staff.role != "staff" or not can(staff, "waitlist.manage", slot.centre_id):
        raise NotFound()
    db.session.refresh(draw)
    if draw.drawn_at is not None:
        raise Conflict(_("已经开奖"))
    if now <= draw.published_at:
        raise Conflict(_("种子公布后才能开奖"))
    frozen = frozen_ids(draw)
    entries = db.session.scalars(select(WaitlistEntry).join(
        LotteryParticipant, LotteryParticipant.entry_id == WaitlistEntry.id)
        .where(LotteryParticipant.draw_id == draw.id).order_by(WaitlistEntry.id)).all()
    # A unit's number is its lowest frozen id whoever of it still waits: withdrawing one twin
    # cannot swap the unit's number for a better one.
    units: dict[str, list[WaitlistEntry]] = {}
    for e in entries:
        units.setdefault(e.unit_key, []).append(e)
    tiers: dict[int, list[int]] = {}
    by_first: dict[int, list[WaitlistEntry]] = {}
    for members in units.values():
        waiting = [e for e in members if e.status == "waiting"]
        if not waiting:
            continue
        tiers.setdefault(waiting[0].priority, []).append(members[0].id)
        by_first[members[0].id] = waiting
    result = {"seed": draw.seed, "algorithm": "sha256(seed:entry_id) ascending, per tier",
              "frozen": frozen, "participants_sha256": draw.participants_sha256,
              "participants": {str(t): sorted(ids) for t, ids in sorted(tiers.items())},
              "order": {}}
    for tier, ids in sorted(tiers.items()):
        ordered = order(draw.seed, ids)
        result["order"][str(tier)] = ordered
        for pos, first_id in enumerate(ordered, 1):
            for e in by_first[first_id]:
                e.draw_position = pos
    draw.drawn_at = now
    draw.result = json.dumps(result, ensure_ascii=False)
    record("lottery.drawn", draw, actor=staff, centre_id=slot.centre_id, after=result)
    db.session.commit()
    return draw
