"""The sweep's statements do not grow with its batch: lapsed holds in 2 slots or in 6, each
with a family waiting to be offered the place, cost the same number of statements (a lazy
load per offer once made it 200 more per batch of 200 slots; bench/RESULTS.md, "Lapse
sweep")."""
from datetime import timedelta

from sqlalchemy import event, select

from booking import clock
from booking.extensions import db as _db
from booking.places import sweeps
from booking.reservations import services as reservations
from booking.waitlists import services as waitlists
from booking.waitlists.models import WaitlistEntry
from tests import factories as f


def _statements_to_sweep(n_slots: int) -> int:
    centre = f.centre()
    for _ in range(n_slots):
        slot = f.slot(centre, capacity=1)
        holder = f.user()
        reservations.place_hold(slot_id=slot.id, child_id=f.child(holder).id, parent=holder)
        waiting = f.user()
        waitlists.join(slot_id=slot.id, child_id=f.child(waiting).id, parent=waiting)
    clock.advance(timedelta(days=3))  # every hold past its expiry
    statements = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        released = sweeps.release_lapsed()
    finally:
        event.remove(_db.engine, "before_cursor_execute", listener)
    assert released == n_slots
    offers = _db.session.scalars(select(WaitlistEntry)
                                 .where(WaitlistEntry.status == "offered")).all()
    for entry in offers:  # answered, so they do not lapse in the next sweep
        reservations.cancel(entry.reservation_id, entry.reservation.parent)
    return len(statements), len(offers)


def test_the_sweep_costs_the_same_statements_for_2_slots_as_for_6(db):
    few, offered_few = _statements_to_sweep(2)
    many, offered_many = _statements_to_sweep(6)
    assert offered_few == 2 and offered_many == 6
    assert many == few
