"""Serialising changes to a slot's places, with the same code on both databases.

Every transaction that changes who holds a slot's places FIRST writes that slot's row
(docs/design.md, "Locking"). On PostgreSQL the UPDATE takes the row lock, so a second
booking of the same slot waits until the first commits, then counts again and sees its
hold. On SQLite the first write takes the database's write lock (the sqlite3 driver opens
the transaction only at the first write), so the count that follows is never stale.
`SELECT ... FOR UPDATE` alone is not enough: it renders nothing on SQLite, and
count-then-insert oversold on both databases when tried. Several slots are locked in
ascending id order, so two commands never wait on each other in a circle.
A refusal that changes nothing may be decided from one consistent read instead
(reservations.services: the rush's slot-full answers).
"""
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..centres.models import Centre
from ..children.models import Child
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


def lock_slot_returning(slot_id: int) -> Slot:
    """lock_slot in one round trip (UPDATE ... RETURNING, both databases), for the reserve's
    granted path: the slot comes without its centre and filing, which the caller reads in its
    own combined statement. Nothing else may be read in this statement: on PostgreSQL a
    subquery in RETURNING sees the snapshot taken before the row lock was waited for.

    :raises NotFound: no such slot.
    """
    slot = db.session.scalars(
        update(Slot).where(Slot.id == slot_id).values(version=Slot.version + 1)
        .returning(Slot).execution_options(populate_existing=True)).one_or_none()
    if slot is None:
        raise NotFound()
    return slot


def lock_children(child_ids) -> None:
    """Write the children's rows, in ascending id order, before any slot row (the lock order,
    docs/design.md "Lock order"): one child's commands (a hold, a confirmation, a transfer)
    wait for each other, so the one-place check that follows is never stale."""
    for child_id in sorted(set(child_ids)):
        db.session.execute(update(Child).where(Child.id == child_id)
                           .values(older_siblings=Child.older_siblings)
                           .execution_options(synchronize_session=False))


def claim_children(child_ids) -> set[int]:
    """The children among `child_ids` no other transaction holds, locked, for an offer made
    while a slot is already locked. It must not wait (that would invert the lock order and
    could deadlock), so on PostgreSQL it skips what is busy (`FOR UPDATE SKIP LOCKED`); on
    SQLite this transaction already holds the database's write lock."""
    ids = sorted(set(child_ids))
    if not ids or db.engine.dialect.name != "postgresql":
        return set(ids)
    return set(db.session.scalars(select(Child.id).where(Child.id.in_(ids)).order_by(Child.id)
                                  .with_for_update(skip_locked=True)))


def lock_slots(slot_ids) -> list[Slot]:
    """lock_slot for several slots, in ascending id order (the lock order). Unknown ids are
    skipped."""
    ids = sorted(set(slot_ids))
    if ids:
        for slot_id in ids:  # one at a time, in order: one statement could lock in any order
            db.session.execute(update(Slot).where(Slot.id == slot_id)
                               .values(version=Slot.version + 1)
                               .execution_options(synchronize_session=False))
    return _fresh(ids)


def claim_slots(slot_ids) -> list[Slot]:
    """The slots among `slot_ids` no other transaction holds, locked, for a sweep: on
    PostgreSQL `FOR UPDATE SKIP LOCKED`, so a second scheduler takes other slots instead of
    waiting; on SQLite one write takes the database's lock, so all are claimed."""
    ids = sorted(set(slot_ids))
    if not ids:
        return []
    if db.engine.dialect.name == "postgresql":
        ids = db.session.scalars(select(Slot.id).where(Slot.id.in_(ids)).order_by(Slot.id)
                                 .with_for_update(skip_locked=True)).all()
    else:
        db.session.execute(update(Slot).where(Slot.id.in_(ids))
                           .values(version=Slot.version + 1)
                           .execution_options(synchronize_session=False))
    return _fresh(ids)


def _fresh(ids) -> list[Slot]:
    return db.session.scalars(select(Slot).where(Slot.id.in_(list(ids))).order_by(Slot.id)
                              .execution_options(populate_existing=True)).all() if ids else []
