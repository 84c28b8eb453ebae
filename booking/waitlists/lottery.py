"""Enrolment-round lottery (摇号) within priority tiers, reproducible by anyone.

1. Staff publish a draw for a slot: a random seed, public before the draw (a commitment).
2. At the draw, the waiting units are listed per tier (by the id of each unit's first entry),
   and each tier is ordered by SHA-256 of "<seed>:<entry id>". The result and the list are
   published; anyone can run `order(seed, ids)` (or the four lines on the public page) on the
   published list and get the same order.
Tiers stay in force: the draw orders families only within their tier (DOMAIN.md).
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
from ..reservations.locking import lock_slot
from .models import LotteryDraw, WaitlistEntry


def order(seed: str, entry_ids: list[int]) -> list[int]:
    """The draw itself: sort by SHA-256("<seed>:<id>")."""
    return sorted(entry_ids, key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).hexdigest())


def publish(slot_id: int, staff, now=None) -> LotteryDraw:
    """Publish a seed for the slot's next draw. :raises Conflict: one is already pending."""
    now = now or clock_now()
    slot = lock_slot(slot_id)
    if staff.role != "staff" or not can(staff, "waitlist.manage", slot.centre_id):
        raise NotFound()
    if db.session.scalar(select(LotteryDraw.id).where(LotteryDraw.slot_id == slot_id,
                                                      LotteryDraw.drawn_at.is_(None))):
        raise Conflict(_("该托位已有一个待开奖的摇号"))
    draw = LotteryDraw(slot_id=slot_id, seed=secrets.token_hex(16), published_by=staff.id,
                       published_at=now)
    db.session.add(draw)
    record("lottery.published", draw, actor=staff, centre_id=slot.centre_id,
           after={"seed": draw.seed})
    db.session.commit()
    return draw


def run(draw_id: int, staff, now=None) -> LotteryDraw:
    """Draw: give every waiting unit its position within its tier.

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
    waiting = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.slot_id == slot.id, WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.id)).all()
    units: dict[str, list[WaitlistEntry]] = {}
    for e in waiting:
        units.setdefault(e.unit_key, []).append(e)
    tiers: dict[int, list[int]] = {}
    for members in units.values():
        tiers.setdefault(members[0].priority, []).append(members[0].id)
    result = {"seed": draw.seed, "algorithm": "sha256(seed:entry_id) ascending, per tier",
              "participants": {str(t): sorted(ids) for t, ids in sorted(tiers.items())},
              "order": {}}
    by_first = {members[0].id: members for members in units.values()}
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
