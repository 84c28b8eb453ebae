"""Reading waitlists for pages. The writes and their rules are in services.py."""
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..centres.models import Centre
from ..policy.services import in_force_many
from ..children.models import Guardianship
from ..extensions import db
from ..slots.models import Slot
from .lottery_words import draw_of
from .models import WaitlistEntry
from .ranking import DEFAULT_MAX_WAITS, LIVE, rank_key
from .services import position, queue_order


def for_guardian(user) -> list[WaitlistEntry]:
    """Waitlist entries of every child `user` is a guardian of, newest first."""
    return db.session.scalars(
        select(WaitlistEntry).join(Guardianship, Guardianship.child_id == WaitlistEntry.child_id)
        .where(Guardianship.user_id == user.id)
        .options(selectinload(WaitlistEntry.slot).selectinload(Slot.centre)
                 .selectinload(Centre.district), selectinload(WaitlistEntry.child))
        .order_by(WaitlistEntry.joined_at.desc(), WaitlistEntry.id.desc())).all()


def waiting_counts(slot_ids) -> dict[int, int]:
    if not slot_ids:
        return {}
    rows = db.session.execute(
        select(WaitlistEntry.slot_id, func.count(WaitlistEntry.id))
        .where(WaitlistEntry.slot_id.in_(list(slot_ids)), WaitlistEntry.status == "waiting")
        .group_by(WaitlistEntry.slot_id)).all()
    counts = {sid: 0 for sid in slot_ids}
    counts.update({sid: n for sid, n in rows})
    return counts


def queues(slot_ids) -> dict[int, list[tuple[WaitlistEntry, int | None]]]:
    """{slot_id: [(entry, position)]}: open offers first, then who waits, in the order
    places are offered (places.offers.queue_order). Twins share a unit and so a position, as in
    services.position."""
    if not slot_ids:
        return {}
    entries = db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.slot_id.in_(list(slot_ids)),
                                    WaitlistEntry.status.in_(LIVE))
        .options(selectinload(WaitlistEntry.child))
        .order_by(WaitlistEntry.slot_id, *queue_order())).all()
    out: dict[int, list] = {sid: [] for sid in slot_ids}
    units: dict[int, list[str]] = {}
    for e in entries:
        if e.status == "offered":
            out[e.slot_id].append((e, None))
    for e in entries:
        if e.status == "waiting":
            keys = units.setdefault(e.slot_id, [])
            if e.unit_key not in keys:
                keys.append(e.unit_key)
            out[e.slot_id].append((e, keys.index(e.unit_key) + 1))
    return out


def choices_of(user) -> list[dict]:
    """The parent's page: for each child with waits, its live waits in the family's order
    (志愿 1, 2, ...) with their places in the queues and the draw each was in (摇号), its ended waits (newest first), and
    how many waits its cities allow ({city: N})."""
    out: dict[int, dict] = {}
    for e in for_guardian(user):
        row = out.setdefault(e.child_id, {"child": e.child, "live": [], "ended": []})
        row["live" if e.status in LIVE else "ended"].append(e)
    cities = {e.slot.centre.district.city for row in out.values() for e in row["live"]}
    limits = {city: p.max_waits for city, p in in_force_many(cities).items()}
    for row in out.values():
        row["live"] = [{"e": e, "rank": i, "position": position(e), "draw": draw_of(e.id)}
                       for i, e in enumerate(sorted(row["live"], key=rank_key), 1)]
        row["limits"] = {c: limits.get(c, DEFAULT_MAX_WAITS)
                         for c in sorted({r["e"].slot.centre.district.city for r in row["live"]})}
    return [out[k] for k in sorted(out)]


def waitlist_offer_of(reservation_id: int) -> WaitlistEntry | None:
    """The waitlist entry whose open offer this hold is (None for a hold asked for directly)."""
    return db.session.scalar(select(WaitlistEntry).where(
        WaitlistEntry.reservation_id == reservation_id, WaitlistEntry.status == "offered"))
