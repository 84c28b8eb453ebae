"""Serialising bookings of one slot, with the same code on both databases.

Every transaction that changes who holds a slot's places FIRST writes that slot's row.
On PostgreSQL the UPDATE takes the row lock, so a second booking of the same slot waits
until the first commits, then counts again and sees its hold. On SQLite the first write
takes the database's write lock (the sqlite3 driver opens the transaction only at the
first write), so the count that follows is never stale. `SELECT ... FOR UPDATE` alone is
not enough: it renders nothing on SQLite, and count-then-insert oversold on both databases
when tried (DESIGN.md rule 3). A refusal that changes nothing may be decided from one
consistent read instead (place_hold's _visibly_full: the rush's 90 % of slot-full answers).
"""
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..centres.models import Centre

from ..errors import NotFound
from ..extensions import db
from ..slots.models import Slot


def lock_slot(slot_id: int) -> Slot:
    """Write the slot row (taking its lock) and return the slot, fresh from the database.

    :raises NotFound: no such slot.
    """
    result = db.session.execute(
        update(Slot).where(Slot.id == slot_id).values(version=Slot.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount == 0:
        raise NotFound()
    # The centre and its filing come with it: every caller reads them (one query, not three).
    return db.session.scalars(
        select(Slot).where(Slot.id == slot_id)
        .options(joinedload(Slot.centre).joinedload(Centre.filing))
        .execution_options(populate_existing=True)).one()
