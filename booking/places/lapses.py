"""Places that stopped counting but whose rows still say otherwise: a hold past `expires_at`
(lapsed) and an enrolment past its last day in care (a leaver). Both stopped taking their
place the moment the time passed (reservations.models.live_at); here the rows catch up: a
lapsed hold is marked expired and its offer ends, a leaver is marked withdrawn, each audited
and the family told of a lapse. Commands tidy the slot they lock before deciding
(reservations, waitlists: `tidy`), the sweeps tidy the rest (sweeps.py): the answer is the
same either way, only the tidying waits."""
from sqlalchemy import select, update

from ..audit.services import notify_many, record_many
from ..children.models import Child
from ..extensions import db
from ..reservations.models import Reservation, Status, past_leaving_at
from ..slots.models import Slot
from ..waitlists.models import WaitlistEntry
from .offers import centre_names

_CHUNK = 5000  # ids per IN (...) list: well under SQLite's and psycopg's parameter limits


def _chunks(ids):
    return (ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK))


def tidy(slot: Slot, now) -> None:
    """Bring one locked slot's rows up to date before a command decides on it: its lapsed
    holds expire and its leavers end (a leaver's row would otherwise still block the child's
    new hold in the same slot through the live (slot, child) unique index)."""
    expire_lapsed_many([slot], now)
    end_leavers_many([slot], now)


def end_leavers_many(slots: list[Slot], now) -> int:
    """Enrolments of these slots whose last day in care has passed become withdrawn, audited.
    Only flushes; the caller holds the slots' locks."""
    by_id = {s.id: s for s in slots}
    leavers = db.session.scalars(select(Reservation).where(
        Reservation.slot_id.in_(list(by_id)), past_leaving_at(now))
        .order_by(Reservation.id)).all()
    for r in leavers:
        r.status, r.ended_at = Status.WITHDRAWN, now
    record_many([{"action": "reservation.withdrawn", "entity_type": "reservation",
                  "entity_id": r.id, "centre_id": by_id[r.slot_id].centre_id,
                  "reason": r.end_reason, "before": {"status": Status.ENROLLED},
                  "after": {"status": Status.WITHDRAWN, "on_date": r.leaves_on}}
                 for r in leavers], at=now)
    return len(leavers)


def expire_lapsed_many(slots: list[Slot], now) -> int:
    """Mark the lapsed holds of these slots expired and their offers ended, with their audit
    events and notices, in a constant number of statements (set-based, for the sweep's
    batches). Only flushes; the caller holds the slots' locks, and a hold is expired only
    while it is still held, so a second run finds nothing."""
    by_id = {s.id: s for s in slots}
    lapsed = db.session.execute(select(
        Reservation.id, Reservation.slot_id, Reservation.parent_id, Reservation.expires_at,
        Reservation.child_id, Child.name.label("child"))
        .join(Child, Child.id == Reservation.child_id)
        .where(Reservation.slot_id.in_(list(by_id)), Reservation.status == Status.HELD,
               Reservation.expires_at <= now).order_by(Reservation.id)).all()
    if not lapsed:
        return 0
    ids = [r.id for r in lapsed]
    entries = []
    for chunk in _chunks(ids):
        db.session.execute(update(Reservation).where(Reservation.id.in_(chunk),
                                                     Reservation.status == Status.HELD)
                           .values(status=Status.EXPIRED, ended_at=now)
                           .execution_options(synchronize_session=False))
        entries += db.session.execute(select(WaitlistEntry.id, WaitlistEntry.slot_id).where(
            WaitlistEntry.reservation_id.in_(chunk), WaitlistEntry.status == "offered")).all()
    for chunk in _chunks([e.id for e in entries]):
        db.session.execute(update(WaitlistEntry).where(WaitlistEntry.id.in_(chunk))
                           .values(status="expired", ended_at=now)
                           .execution_options(synchronize_session=False))
    _forget_loaded(ids, [e.id for e in entries])
    names = centre_names(by_id, {r.slot_id for r in lapsed})
    record_many([{"action": "reservation.expired", "entity_type": "reservation",
                  "entity_id": r.id, "centre_id": by_id[r.slot_id].centre_id,
                  "before": {"status": Status.HELD, "expires_at": r.expires_at},
                  "after": {"status": Status.EXPIRED}} for r in lapsed]
                + [{"action": "waitlist.offer_expired", "entity_type": "waitlist_entry",
                    "entity_id": e.id, "centre_id": by_id[e.slot_id].centre_id,
                    "before": {"status": "offered"}, "after": {"status": "expired"}}
                   for e in entries], at=now)
    notify_many([{"user_id": r.parent_id, "kind": "hold_lapsed",
                  "params": {"reservation_id": r.id, "centre": names[r.slot_id],
                             "child": r.child, "child_id": r.child_id}}
                 for r in lapsed], at=now)
    return len(lapsed)


def _forget_loaded(reservation_ids, entry_ids) -> None:
    """The updates above bypass the session: rows it already holds are reloaded on next use,
    so a command that loaded one before tidying never reads its old status."""
    reservations, entries = set(reservation_ids), set(entry_ids)
    for obj in list(db.session.identity_map.values()):
        if (isinstance(obj, Reservation) and obj.id in reservations) or \
                (isinstance(obj, WaitlistEntry) and obj.id in entries):
            db.session.expire(obj)
