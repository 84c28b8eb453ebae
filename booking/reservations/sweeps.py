"""The scheduler's sweeps over reservations: lapsed holds, leavers past their last day, and
reminders of holds about to lapse. They only tidy up, notify and offer places on: no count
waits for them (slots/queries.py). Each claims its slots with SKIP LOCKED where the database
has it, so two schedulers at once are safe, and a re-run finds nothing left to do."""
from datetime import timedelta

from sqlalchemy import select, update

from ..audit.services import notify_many, record_many
from ..clock import LOCAL
from ..clock import now as clock_now
from ..extensions import db
from ..slots.models import Slot
from ..waitlists import services as waitlists
from ..waitlists.models import WaitlistEntry
from .locking import lock_slot
from .models import Reservation


def release_leavers(now=None) -> int:
    """The leavers' sweep: enrolments whose last day in care has passed become `withdrawn`
    and their places are offered on. They stopped counting already (slots/queries.py); this
    only tidies up and serves the queue. Each slot is locked first, so two schedulers never
    end or offer anything twice."""
    now = now or clock_now()
    today = now.astimezone(LOCAL).date()
    slot_ids = db.session.scalars(select(Reservation.slot_id).where(
        Reservation.status == "enrolled", Reservation.leaves_on < today).distinct()).all()
    db.session.rollback()
    ended = 0
    for slot_id in slot_ids:
        slot = lock_slot(slot_id)
        leavers = db.session.scalars(select(Reservation).where(
            Reservation.slot_id == slot_id, Reservation.status == "enrolled",
            Reservation.leaves_on < today)).all()
        for r in leavers:
            r.status, r.ended_at = "withdrawn", now
        record_many([{"action": "reservation.withdrawn", "entity_type": "reservation",
                      "entity_id": r.id, "centre_id": slot.centre_id, "reason": r.end_reason,
                      "before": {"status": "enrolled"},
                      "after": {"status": "withdrawn", "on_date": r.leaves_on}}
                     for r in leavers], at=now)
        waitlists.offer_next(slot, now)
        db.session.commit()
        ended += len(leavers)
    return ended


def release_lapsed(now=None, batch=200) -> int:
    """The sweep: expire lapsed holds and offers, offer the places on. Returns holds expired.

    Safe with two schedulers at once: slots are claimed before anything changes (PostgreSQL:
    FOR UPDATE SKIP LOCKED, so the other process takes other slots; SQLite: the write lock),
    and a hold is expired only while it is still `held`. Each batch of slots costs a
    constant number of statements (set-based updates, batched inserts), never one per row.
    """
    now = now or clock_now()
    total = 0
    while True:
        slot_ids = db.session.scalars(select(Reservation.slot_id).where(
            Reservation.status == "held", Reservation.expires_at <= now)
            .distinct().limit(batch)).all()
        if not slot_ids:
            break
        claimed = _claim_slots(sorted(slot_ids))
        if not claimed:
            db.session.rollback()
            break
        total += _expire_lapsed_in_slots(claimed, now)
        waitlists.offer_next_many(claimed, now)
        db.session.commit()
        if len(slot_ids) < batch:
            break
    return total


_CHUNK = 5000  # ids per IN (...) list: well under SQLite's and psycopg's parameter limits


def _chunks(ids):
    return (ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK))


def _expire_lapsed_in_slots(slots: list[Slot], now) -> int:
    """expire_lapsed_in_slot for a batch of claimed slots, set-based: the same rows change and
    the same audit events and notifications are written, in a constant number of statements."""
    by_id = {s.id: s for s in slots}
    lapsed = db.session.execute(select(
        Reservation.id, Reservation.slot_id, Reservation.parent_id, Reservation.expires_at)
        .where(Reservation.slot_id.in_(list(by_id)), Reservation.status == "held",
               Reservation.expires_at <= now).order_by(Reservation.id)).all()
    if not lapsed:
        return 0
    ids = [r.id for r in lapsed]
    entries = []
    for chunk in _chunks(ids):
        db.session.execute(update(Reservation).where(Reservation.id.in_(chunk),
                                                     Reservation.status == "held")
                           .values(status="expired", ended_at=now)
                           .execution_options(synchronize_session=False))
        entries += db.session.execute(select(WaitlistEntry.id, WaitlistEntry.slot_id).where(
            WaitlistEntry.reservation_id.in_(chunk), WaitlistEntry.status == "offered")).all()
    for chunk in _chunks([e.id for e in entries]):
        db.session.execute(update(WaitlistEntry).where(WaitlistEntry.id.in_(chunk))
                           .values(status="expired", ended_at=now)
                           .execution_options(synchronize_session=False))
    names = waitlists._centre_names(by_id, {r.slot_id for r in lapsed})
    record_many([{"action": "reservation.expired", "entity_type": "reservation",
                  "entity_id": r.id, "centre_id": by_id[r.slot_id].centre_id,
                  "before": {"status": "held", "expires_at": r.expires_at},
                  "after": {"status": "expired"}} for r in lapsed]
                + [{"action": "waitlist.offer_expired", "entity_type": "waitlist_entry",
                    "entity_id": e.id, "centre_id": by_id[e.slot_id].centre_id,
                    "before": {"status": "offered"}, "after": {"status": "expired"}}
                   for e in entries], at=now)
    notify_many([{"user_id": r.parent_id, "kind": "hold_lapsed",
                  "params": {"reservation_id": r.id, "centre": names[r.slot_id]}}
                 for r in lapsed], at=now)
    return len(lapsed)


def _claim_slots(slot_ids: list[int]) -> list[Slot]:
    if db.engine.dialect.name == "postgresql":
        ids = db.session.scalars(select(Slot.id).where(Slot.id.in_(slot_ids)).order_by(Slot.id)
                                 .with_for_update(skip_locked=True)).all()
    else:
        db.session.execute(update(Slot).where(Slot.id.in_(slot_ids))
                           .values(version=Slot.version + 1)
                           .execution_options(synchronize_session=False))
        ids = slot_ids
    return db.session.scalars(select(Slot).where(Slot.id.in_(ids)).order_by(Slot.id)
                              .execution_options(populate_existing=True)).all()


def remind_lapsing(now=None, within=timedelta(hours=2)) -> int:
    """Remind parents whose hold lapses within two hours; each hold is reminded once, even
    with two schedulers (the conditional UPDATE claims it)."""
    now = now or clock_now()
    rows = db.session.execute(
        update(Reservation).where(Reservation.status == "held",
                                  Reservation.reminded_at.is_(None),
                                  Reservation.expires_at > now,
                                  Reservation.expires_at <= now + within)
        .values(reminded_at=now).returning(Reservation.id, Reservation.parent_id,
                                           Reservation.expires_at)
        .execution_options(synchronize_session=False)).all()
    notify_many([{"user_id": parent_id, "kind": "hold_lapsing",
                  "params": {"reservation_id": rid, "expires_at": exp.isoformat()
                             if hasattr(exp, "isoformat") else str(exp)}}
                 for rid, parent_id, exp in rows], at=now)
    db.session.commit()
    return len(rows)
