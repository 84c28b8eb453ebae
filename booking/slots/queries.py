"""How many places a slot has left.

available = capacity − live reservations, "live" as reservations.models.live_at defines it:
a lapsed hold stops counting the moment it lapses and an enrolment the day after the child's
last day in care, whether or not a job has run (docs/design.md, "Live places";
pretix counts only unexpired carts the same way). A centre whose filing is not approved
(suspended, closed) takes no bookings: its slots have none available, whatever is free.
"""
from sqlalchemy import func, select

from ..clock import now as clock_now
from ..extensions import db
from ..regulator.models import Filing
from ..reservations.models import Reservation, live_at
from .models import Slot

BOOKABLE_STATUS = "approved"


def taking_bookings(centre) -> bool:
    """Only a centre whose filing is approved takes holds and waits (filing.py)."""
    return centre.filing is not None and centre.filing.status == BOOKABLE_STATUS


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
    if not taking_bookings(slot.centre):
        return 0
    return max(slot.capacity - taken_count(slot.id, now), 0)


def availability_map(slot_ids, now=None) -> dict[int, int]:
    """{slot_id: places left} for many slots in one query."""
    if not slot_ids:
        return {}
    now = now or clock_now()
    rows = db.session.execute(
        select(Slot.id, Slot.capacity - taken_for_slot(now), Filing.status)
        .outerjoin(Filing, Filing.centre_id == Slot.centre_id)
        .where(Slot.id.in_(list(slot_ids)))).all()
    return {sid: max(avail, 0) if status == BOOKABLE_STATUS else 0
            for sid, avail, status in rows}


