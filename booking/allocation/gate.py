"""While a round gives out a slot's places (open or closed, not yet drawn), the slot is not
booked first-come or queued for: the round is the one way in (docs/allocation.md)."""
from sqlalchemy import select

from ..errors import SlotInRound
from ..extensions import db
from .models import Round, RoundSlot, RoundStatus


def refuse_if_in_round(slot_id: int) -> None:
    """:raises SlotInRound: naming the round and where to apply. The caller holds the slot's
    lock, which opening a round takes too, so the answer cannot go stale."""
    found = db.session.execute(
        select(Round.id, Round.name).join(RoundSlot, RoundSlot.round_id == Round.id)
        .where(RoundSlot.slot_id == slot_id,
               Round.status.in_((RoundStatus.OPEN, RoundStatus.CLOSED))).limit(1)).first()
    if found is not None:
        raise SlotInRound(extra={"round_id": found.id, "round_url": f"/rounds/{found.id}"})


def in_round_clause(slot_id: int):
    """True while a round gives out the slot, as a SQL expression (for a combined read)."""
    return select(RoundSlot.slot_id).join(Round, Round.id == RoundSlot.round_id).where(
        RoundSlot.slot_id == slot_id,
        Round.status.in_((RoundStatus.OPEN, RoundStatus.CLOSED))).exists()


def in_rounds(slot_ids) -> dict[int, int]:
    """{slot_id: round id} for the slots an open or closed round is giving out."""
    if not slot_ids:
        return {}
    return dict(db.session.execute(
        select(RoundSlot.slot_id, Round.id).join(Round, Round.id == RoundSlot.round_id)
        .where(RoundSlot.slot_id.in_(list(slot_ids)),
               Round.status.in_((RoundStatus.OPEN, RoundStatus.CLOSED)))).all())
