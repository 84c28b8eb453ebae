"""The slots' enrolled counters (`Slot.enrolled_count`, issue 21): every reservation of the
slot whose status is enrolled. Database triggers keep them (migration 0042), in the same
transaction as the status change, so no writer can forget them; this module checks them
against a recount and repairs a drift (`flask --app wsgi places recount [--fix]`), which
would mean a write that bypassed the triggers (a restore of part of a table, a hand edit).
"""
from dataclasses import dataclass

from sqlalchemy import func, select, update

from ..audit.services import record
from ..extensions import db
from ..reservations.models import Reservation, Status
from ..slots.models import Slot
from ..transactions import command
from .locking import lock_slots


@dataclass
class Drift:
    slot_id: int
    counted: int
    actual: int


def _actual():
    return (select(func.count(Reservation.id)).where(Reservation.slot_id == Slot.id,
                                                     Reservation.status == Status.ENROLLED)
            .scalar_subquery())


def drift() -> list[Drift]:
    """Every slot whose counter differs from a recount of its reservations. Changes nothing."""
    actual = _actual()
    rows = db.session.execute(select(Slot.id, Slot.enrolled_count, actual)
                              .where(Slot.enrolled_count != actual).order_by(Slot.id)).all()
    return [Drift(*row) for row in rows]


@command
def recount(actor=None) -> list[Drift]:
    """Set every drifted counter to its recount, each slot locked and its repair audited."""
    found = drift()
    if not found:
        return []
    slots = {s.id: s for s in lock_slots([d.slot_id for d in found])}
    fixed = []
    for d in found:  # recounted under the lock: a booking may have moved it meanwhile
        actual = db.session.scalar(select(_actual()).where(Slot.id == d.slot_id))
        db.session.execute(update(Slot).where(Slot.id == d.slot_id)
                           .values(enrolled_count=actual)
                           .execution_options(synchronize_session=False))
        slot = slots[d.slot_id]
        record("slot.counters_repaired", slot, actor=actor, centre_id=slot.centre_id,
               before={"enrolled_count": d.counted}, after={"enrolled_count": actual})
        fixed.append(Drift(d.slot_id, d.counted, actual))
    db.session.commit()
    return fixed
