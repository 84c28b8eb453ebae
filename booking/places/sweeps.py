"""The scheduler's sweeps over reservations: lapsed holds, leavers past their last day, and
reminders of holds about to lapse. They only tidy up, notify and offer places on: no count
waits for them (reservations.models.live_at). Each claims or locks its slots first (SKIP
LOCKED where the database has it), so two schedulers at once are safe, and a re-run finds
nothing left to do."""
from datetime import timedelta

from sqlalchemy import and_, or_, select, update

from ..audit.services import notify_many
from ..centres.models import Centre
from ..children.models import Child
from ..clock import now as clock_now
from ..extensions import db
from ..observability.metrics import lapses_swept
from ..reservations.models import Reservation, Status, past_leaving_at
from ..slots.models import Slot
from ..slots.queries import taken_for_slot
from ..waitlists.models import WaitlistEntry
from .lapses import end_leavers_many, expire_lapsed_many
from .locking import claim_slots, lock_slot
from .offers import offer_next, offer_next_many


def release_leavers(now=None) -> int:
    """The leavers' sweep: enrolments whose last day in care has passed become `withdrawn`
    and their places are offered on. They stopped counting already
    (reservations.models.live_at); this only tidies up and serves the queue. Each slot is
    locked first, so two schedulers never end or offer anything twice."""
    now = now or clock_now()
    slot_ids = db.session.scalars(select(Reservation.slot_id).where(
        past_leaving_at(now)).distinct()).all()
    db.session.rollback()
    ended = 0
    for slot_id in slot_ids:
        slot = lock_slot(slot_id)
        ended += end_leavers_many([slot], now)
        offer_next(slot, now)
        db.session.commit()
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
            Reservation.status == Status.HELD, Reservation.expires_at <= now)
            .distinct().limit(batch)).all()
        if not slot_ids:
            break
        claimed = claim_slots(slot_ids)
        if not claimed:
            db.session.rollback()
            break
        expired = expire_lapsed_many(claimed, now)
        offer_next_many(claimed, now)
        db.session.commit()
        total += expired
        lapses_swept(expired)
        if len(slot_ids) < batch:
            break
    return total


def serve_waitlists(now=None, batch=200) -> int:
    """Offer free places to waiting families where nothing else will: a place left free
    because the unit first in line was busy in another transaction when it was offered
    (offers.py claims children without waiting). Slots are claimed as release_lapsed does, so
    two schedulers are safe, and a re-run finds nothing to do. Returns the entries offered."""
    now = now or clock_now()
    waiting = select(WaitlistEntry.slot_id).where(WaitlistEntry.status == "waiting")
    slot_ids = db.session.scalars(select(Slot.id).where(
        Slot.id.in_(waiting), Slot.capacity > taken_for_slot(now)).order_by(Slot.id)
        .limit(batch)).all()
    if not slot_ids:
        db.session.rollback()
        return 0
    offered = offer_next_many(claim_slots(slot_ids), now)
    db.session.commit()
    return len(offered)


def remind_lapsing(now=None, within=timedelta(hours=2)) -> int:
    """Remind parents whose hold lapses within two hours, or within three days for a hold
    held four days or more already (kept until a far-off start's check is due, or extended
    by the centre: docs/domain.md); each hold is reminded once, even with two schedulers
    (the conditional UPDATE claims it)."""
    now = now or clock_now()
    rows = db.session.execute(
        update(Reservation).where(Reservation.status == Status.HELD,
                                  Reservation.reminded_at.is_(None),
                                  Reservation.expires_at > now,
                                  or_(Reservation.expires_at <= now + within,
                                      and_(Reservation.expires_at <= now + timedelta(days=3),
                                           Reservation.created_at <= now - timedelta(days=4))))
        .values(reminded_at=now).returning(Reservation.id, Reservation.parent_id,
                                           Reservation.expires_at, Reservation.child_id)
        .execution_options(synchronize_session=False)).all()
    # The notice names the child and the centre (one read for the whole batch).
    about = {rid: (child, centre) for rid, child, centre in db.session.execute(
        select(Reservation.id, Child.name, Centre.name).join(Child, Child.id == Reservation.child_id)
        .join(Slot, Slot.id == Reservation.slot_id).join(Centre, Centre.id == Slot.centre_id)
        .where(Reservation.id.in_([r[0] for r in rows])))} if rows else {}
    notify_many([{"user_id": parent_id, "kind": "hold_lapsing",
                  "params": {"reservation_id": rid, "expires_at": exp.isoformat()
                             if hasattr(exp, "isoformat") else str(exp),
                             "child_id": child_id, "child": about.get(rid, ("", ""))[0],
                             "centre": about.get(rid, ("", ""))[1]}}
                 for rid, parent_id, exp, child_id in rows], at=now)
    db.session.commit()
    return len(rows)
