"""How many places a slot has left.

available = capacity − live holds − enrolments, where a hold is live only while
`expires_at > now`: a lapsed hold stops counting the moment it lapses, whether or not the
release job has run (DESIGN.md rule 4; pretix counts only unexpired carts).
"""
from sqlalchemy import and_, func, or_, select

from ..clock import LOCAL
from ..clock import now as clock_now
from ..extensions import db
from ..reservations.models import Reservation
from .models import Slot


def in_care_condition(now):
    """Enrolments whose child is in care at `now`: until the last day in care of a leaving
    child (离园) has passed, whether or not the leavers' job has run."""
    today = now.astimezone(LOCAL).date()
    return and_(Reservation.status == "enrolled",
                or_(Reservation.leaves_on.is_(None), Reservation.leaves_on >= today))


def live_condition(now):
    """Reservations that take a place at `now`: a hold until it lapses, an enrolment while the
    child is in care (in_care_condition), whether or not any job has run."""
    return or_(in_care_condition(now),
               and_(Reservation.status == "held", Reservation.expires_at > now))


def taken_subquery(now):
    """(slot_id, taken) for every slot with live reservations."""
    return (select(Reservation.slot_id, func.count(Reservation.id).label("taken"))
            .where(live_condition(now))
            .group_by(Reservation.slot_id)
            .subquery())


def available_expr(taken):
    return Slot.capacity - func.coalesce(taken.c.taken, 0)


def taken_for_slot(now):
    """The live reservations of the enclosing query's slot, as a correlated scalar subquery:
    an index lookup per slot (ix_reservation_slot_status_expires). The GROUP BY subquery
    above reads every reservation of every slot; with millions of rows that made search
    take seconds (bench/RESULTS.md)."""
    return (select(func.count(Reservation.id))
            .where(Reservation.slot_id == Slot.id, live_condition(now))
            .correlate(Slot).scalar_subquery())


def taken_count(slot_id: int, now=None) -> int:
    now = now or clock_now()
    return db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.slot_id == slot_id, live_condition(now))) or 0


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


