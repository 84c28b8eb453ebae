"""The JSON API's waitlists (docs/api.md)."""
import json
from datetime import datetime

from flask import g
from sqlalchemy import func, select

from ..api.framework import endpoint
from ..extensions import db
from ..api.schemas import Out
from . import lottery, ranking, services
from .models import LotteryDraw, WaitlistEntry
from .schemas import WaitlistIn, WaitlistJoinOut, WaitlistOut, WaitsRankIn


def entry_out(e: WaitlistEntry) -> dict:
    size = db.session.scalar(select(func.count(WaitlistEntry.id)).where(
        WaitlistEntry.unit_key == e.unit_key)) or 1
    return {"id": e.id, "status": e.status, "position": services.position(e),
            "priority": e.priority, "tier": e.tier, "slot_id": e.slot_id,
            "child_id": e.child_id, "unit_size": size, "offer_expires_at": e.offer_expires_at,
            "reservation_id": e.reservation_id, "choice_rank": ranking.shown_rank(e)}


@endpoint("/waitlist", "POST", summary="Join a slot's waitlist (twins join as one unit)",
          tags=["waitlists"], permission="waitlist.join", body=WaitlistIn, response=WaitlistJoinOut,
          status=201, errors=(404, 409), idempotent=True)
def join_waitlist(body: WaitlistIn):
    entries = services.join(slot_id=body.slot_id, child_id=body.child_id, parent=g.api_user,
                            tier=body.tier, evidence=body.evidence,
                            employer_id=body.employer_id)
    first = next(e for e in entries if e.child_id == body.child_id)
    out = entry_out(first)
    out["entries"] = [entry_out(e) for e in entries]
    return out


@endpoint("/waitlist/<int:entry_id>", summary="One waitlist entry with its position",
          tags=["waitlists"], auth="any", response=WaitlistOut)
def get_waitlist_entry(entry_id: int):
    return entry_out(services.entry_for(entry_id, g.api_user))


@endpoint("/waitlist/<int:entry_id>/withdraw", "POST", summary="Leave the waitlist",
          tags=["waitlists"], permission="waitlist.join", response=WaitlistOut, errors=(409,))
def withdraw_waitlist_entry(entry_id: int):
    return entry_out(services.leave(entry_id, g.api_user))


@endpoint("/children/<int:child_id>/waits", summary="A child's live waits, most wanted first (志愿)",
          tags=["waitlists"], permission="family.read", response=list[WaitlistOut],
          errors=(404,))
def list_child_waits(child_id: int):
    return [entry_out(e) for e in ranking.waits_of(child_id, g.api_user)]


@endpoint("/children/<int:child_id>/waits", "PUT",
          summary="Rank a child's waits (志愿顺序; twins' waits in step)", tags=["waitlists"],
          permission="waitlist.join", body=WaitsRankIn, response=list[WaitlistOut],
          errors=(404,))
def rank_child_waits(child_id: int, body: WaitsRankIn):
    return [entry_out(e) for e in ranking.rerank(child_id, g.api_user, body.entry_ids)]


class LotteryOut(Out):
    id: int
    slot_id: int
    seed: str
    published_at: datetime
    drawn_at: datetime | None
    result: dict | None
    # The entries frozen into the draw when the seed was published, and their SHA-256.
    participants: list[int]
    participant_count: int
    participants_sha256: str | None


def lottery_out(d) -> dict:
    frozen = lottery.frozen_ids(d)
    return {"id": d.id, "slot_id": d.slot_id, "seed": d.seed, "published_at": d.published_at,
            "drawn_at": d.drawn_at, "result": json.loads(d.result) if d.result else None,
            "participants": frozen, "participant_count": len(frozen),
            "participants_sha256": d.participants_sha256}


@endpoint("/slots/<int:slot_id>/lottery", "POST", summary="Publish a lottery seed (摇号)",
          tags=["waitlists"], permission="waitlist.manage", response=LotteryOut, status=201, errors=(409,))
def publish_lottery(slot_id: int):
    return lottery_out(lottery.publish(slot_id, g.api_user))


@endpoint("/lottery/<int:draw_id>/draw", "POST", summary="Draw: order each tier by the seed",
          tags=["waitlists"], permission="waitlist.manage", response=LotteryOut, errors=(409,))
def run_lottery(draw_id: int):
    return lottery_out(lottery.run(draw_id, g.api_user))


@endpoint("/lottery/<int:draw_id>", summary="A draw's seed, participants and result (public)",
          tags=["waitlists"], response=LotteryOut)
def get_lottery(draw_id: int):
    from ..errors import NotFound
    d = db.session.get(LotteryDraw, draw_id)
    if d is None:
        raise NotFound()
    return lottery_out(d)
