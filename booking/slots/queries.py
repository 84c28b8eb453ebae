"""How many places a slot has left.

available = capacity − live reservations, "live" as reservations.models.live_at defines it:
a lapsed hold stops counting the moment it lapses and an enrolment the day after the child's
last day in care, whether or not a job has run (docs/design.md, "Live places";
pretix counts only unexpired carts the same way).
"""
from sqlalchemy import func, select

from ..clock import now as clock_now
from ..extensions import db
from ..reservations.models import Reservation, live_at
from .models import Slot


def taken_for_slot(now):
    """The live reservations of the enclosing query's slot, as a correlated scalar subquery:
    an index lookup per slot (ix_reservation_slot_status_expires). A GROUP BY over all
    reservations read every reservation of every slot; with millions of rows that made
    search take seconds (bench/RESULTS.md)."""
    return (select(func.count(Reservation.id))
            .where(Reservation.slot_id == Slot.id, live_at(now))
            .correlate(Slot).scalar_subquery())


def taken_count(slot_id: int, now=None) -> int:
    now = now or clock_now()
    return db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.slot_id == slot_id, live_at(now))) or 0


def availability(slot: Slot, now=None) -> int:
    return max(slot.capacity - taken_count(slot.id, now), 0)


def availability_map(slot_ids, now=None) -> dict[int, int]:
    """{slot_id: places left} for many slots in one query."""
    if not slot_ids:
        return {}
    now = now or clock_now()
    rows = db.session.execute(
        select(Slot.id, Slot.capacity - taken_for_slot(now))
        .where(Slot.id.in_(list(slot_ids)))).all()
    return {sid: max(avail, 0) for sid, avail in rows}


