"""Offering freed places to the waitlist, best unit first (docs/waitlists.md, docs/design.md
"Locking").

Order: the centre's priority tiers, then the lottery's draw where one was held, then joining
time. Twins and other multiples are one unit, offered together or not at all (Dalian:
双（多）胞胎捆绑); a unit larger than the places free waits, and the places go to the next unit
that fits, so no place stays empty while a family that fits waits. An offer is a hold of
TUOWEI_OFFER_TTL_SECONDS; the caller holds the slots' locks (locking.py).
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, insert, select

from ..audit.services import notify_many, record_many
from ..employers.queries import quota_use, slots_with_quotas
from ..centres.models import Centre
from ..children.services import names_of
from ..extensions import db
from ..observability.metrics import offers_made
from ..reservations.models import Reservation, Status, live_at
from ..slots.models import Slot
from ..waitlists.models import WaitlistEntry
from .locking import claim_children
from .placement import live_places


def offer_ttl() -> timedelta:
    return timedelta(seconds=current_app.config["TUOWEI_OFFER_TTL_SECONDS"])


def waiting_count(slot_id: int) -> int:
    return db.session.scalar(waiting_clause(slot_id)) or 0


def waiting_clause(slot_id: int):
    """How many families wait for the slot, as a SQL expression (for a combined read)."""
    return select(func.count(WaitlistEntry.id)).where(
        WaitlistEntry.slot_id == slot_id, WaitlistEntry.status == "waiting")


def queue_order():
    """The waits an allocation round's draw made come first, in the draw's order
    (docs/allocation.md, "After the draw"); then tier first; within a tier the lottery's order
    where a draw was held (entries that joined after it come after), then joining time."""
    return (WaitlistEntry.round_id.is_(None), WaitlistEntry.priority,
            WaitlistEntry.draw_position.is_(None),
            WaitlistEntry.draw_position, WaitlistEntry.joined_at, WaitlistEntry.id)


def offer_next(slot: Slot, now) -> list[WaitlistEntry]:
    """Offer the slot's free places to the best waiting units. Only flushes; the caller holds
    the slot lock, so the count below cannot go stale."""
    return offer_next_many([slot], now)


def offer_next_many(slots: list[Slot], now) -> list[WaitlistEntry]:
    """offer_next for many slots with a constant number of statements (the sweep's batches):
    one count of places taken, one read of the queues, one batched insert of the holds.
    Only flushes; the caller holds the slots' locks."""
    if not slots:
        return []
    ids = [s.id for s in slots]
    taken = dict(db.session.execute(
        select(Reservation.slot_id, func.count(Reservation.id))
        .where(Reservation.slot_id.in_(ids), live_at(now))
        .group_by(Reservation.slot_id)).all())
    free = {s.id: s.capacity - taken.get(s.id, 0) for s in slots}
    open_ids = [sid for sid in ids if free[sid] > 0]
    if not open_ids:
        return []
    waiting = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.slot_id.in_(open_ids), WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.slot_id, *queue_order())).all()
    units: dict[int, dict[str, list[WaitlistEntry]]] = {}
    for e in waiting:
        units.setdefault(e.slot_id, {}).setdefault(e.unit_key, []).append(e)
    # The units that may be offered, in queue order, with a few spare behind them for units
    # passed over below: their children are claimed without waiting (locking.claim_children)
    # and their live places read once, so an offer keeps one child, one place.
    candidates = {sid: list(units.get(sid, {}).values())[:free[sid] + _SPARE] for sid in open_ids}
    child_ids = [e.child_id for us in candidates.values() for u in us for e in u]
    claimed = claim_children(child_ids)
    places = live_places(child_ids, now)
    expires = now + offer_ttl()
    offered: list[WaitlistEntry] = []
    replaces: dict[int, int | None] = {}  # entry id -> the live place its hold would replace
    offered_children: set[int] = set()
    deferred: set[int] = set()
    with_quotas = slots_with_quotas(open_ids)  # one statement; most slots have none
    for sid in open_ids:
        left = free[sid]
        # An employer's free quota places before its cut-off go only to units linked to it
        # (docs/employers.md); other units pass over them.
        held = {r["employer"].id: r["free"] for r in quota_use(sid, now)
                if r["reserving"]} if sid in with_quotas else {}
        for unit in candidates[sid]:
            if left <= 0:
                break
            if any(e.child_id not in claimed for e in unit):
                break  # busy in another transaction: it keeps its turn, the place waits
            mine = unit[0].employer_id
            if len(unit) > left - sum(n for emp, n in held.items() if emp != mine):
                continue  # offered together or not at all; never a place held for another
            if any(e.child_id in offered_children for e in unit):
                # Offered elsewhere in this batch: it keeps its turn here, so the places
                # behind it wait for the pass below, made once that hold exists.
                deferred.add(sid)
                break
            plan = _replacements(unit, sid, places)
            if plan is None:
                continue  # already choosing between two places: passed over this time
            for e in unit:
                replaces[e.id] = plan[e.id]
                offered_children.add(e.child_id)
            offered += unit
            left -= len(unit)
            if mine in held:
                held[mine] = max(held[mine] - len(unit), 0)
    if not offered:
        return []
    # One executemany for all the holds (an ORM flush with RETURNING goes row by row on
    # SQLite), then one read of their ids through the live (slot, child) unique index.
    db.session.execute(insert(Reservation), [
        {"slot_id": e.slot_id, "child_id": e.child_id, "parent_id": e.parent_id,
         "status": Status.HELD, "created_at": now, "expires_at": expires,
         "replaces_id": replaces[e.id]} for e in offered])
    hold_ids = {(sid, cid): rid for rid, sid, cid in db.session.execute(
        select(Reservation.id, Reservation.slot_id, Reservation.child_id).where(
            Reservation.slot_id.in_({e.slot_id for e in offered}),
            Reservation.status == Status.HELD, Reservation.created_at == now))}
    for e in offered:
        e.status, e.offered_at, e.offer_expires_at, e.reservation_id = \
            "offered", now, expires, hold_ids[(e.slot_id, e.child_id)]
    db.session.flush()
    by_id = {s.id: s for s in slots}
    names = centre_names(by_id, {e.slot_id for e in offered})
    child_names = names_of({e.child_id for e in offered})
    # Both records get their history: the entry is offered, and its hold is made.
    record_many([{"action": "waitlist.offered", "entity_type": "waitlist_entry",
                  "entity_id": e.id, "centre_id": by_id[e.slot_id].centre_id,
                  "before": {"status": "waiting"},
                  "after": {"status": "offered", "reservation_id": e.reservation_id,
                            "offer_expires_at": expires}} for e in offered]
                + [{"action": "reservation.held", "entity_type": "reservation",
                    "entity_id": e.reservation_id, "centre_id": by_id[e.slot_id].centre_id,
                    "after": {"status": Status.HELD, "expires_at": expires,
                              "child_id": e.child_id, "waitlist_entry": e.id,
                              "replaces": replaces[e.id]}}
                   for e in offered], at=now)
    notify_many([{"user_id": e.parent_id,
                  "kind": "offer_made" if replaces[e.id] is None else "offer_to_switch",
                  "params": {"entry_id": e.id, "slot_id": e.slot_id,
                             "reservation_id": e.reservation_id,
                             "child": child_names[e.child_id],
                             "child_id": e.child_id,
                             "centre": names[e.slot_id], "replaces": replaces[e.id],
                             "expires_at": expires.isoformat()}} for e in offered], at=now)
    offers_made(len(offered))  # before the deferred ones, which count themselves
    if deferred:
        # A child offered two of these slots: the second offer is made now that the first
        # hold exists, so it can replace it (the family then chooses).
        offered += offer_next_many([s for s in slots if s.id in deferred], now)
    return offered


_SPARE = 3  # units read beyond the places free, for those passed over


def _replacements(unit, slot_id: int, places) -> dict[int, int | None] | None:
    """For each member, the live place elsewhere its offer would replace (None: it has none),
    or None for the unit when a member already has two live reservations (a place and one
    waiting to replace it), or declined an offer to keep the place it still holds."""
    plan = {}
    for e in unit:
        elsewhere = [r for r in places[e.child_id] if r.slot_id != slot_id]
        if len(elsewhere) > 1:
            return None
        if elsewhere and e.declined_for_id is not None and elsewhere[0].id == e.declined_for_id:
            return None
        plan[e.id] = elsewhere[0].id if elsewhere else None
    return plan


def end_waits_below(enrolment: Reservation, actor, now) -> list[int]:
    """A place taken ends the child's waits the family ranked below it and keeps those ranked
    above (志愿顺序, docs/domain.md "One child, one place"): those come later as transfer
    offers. The family is told. A place not taken from a ranked wait ends none."""
    taken = db.session.scalar(select(WaitlistEntry.choice_rank).where(
        WaitlistEntry.reservation_id == enrolment.id))
    if taken is None:
        return []
    below = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.child_id == enrolment.child_id, WaitlistEntry.status == "waiting",
        WaitlistEntry.choice_rank > taken).order_by(WaitlistEntry.choice_rank)).all()
    for e in below:
        e.status, e.ended_at = "withdrawn", now
    record_many([{"action": "waitlist.ended_by_placement", "entity_type": "waitlist_entry",
                  "entity_id": e.id, "centre_id": e.slot.centre_id,
                  "actor_id": actor.id if actor is not None else None,
                  "reason": "placed at a choice ranked higher",
                  "before": {"status": "waiting", "choice_rank": e.choice_rank},
                  "after": {"status": "withdrawn", "reservation_id": enrolment.id}}
                 for e in below], at=now)
    if below:
        notify_many([{"user_id": below[0].parent_id, "kind": "waits_ended",
                      "params": {"reservation_id": enrolment.id, "count": len(below),
                                 "child": enrolment.child.name,
                                 "child_id": enrolment.child_id}}],
                    at=now)
    return [e.id for e in below]


def decline_offer_entry(hold: Reservation, actor, now, *, keep_waiting: bool,
                        kept_place_id: int | None) -> list[int]:
    """The waitlist entry whose offer `hold` was, when the family declines it: back to waiting
    (keeping its turn, but passed over while `kept_place_id` is live) or ended. Only
    flushes; returns the entry ids touched."""
    entries = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.reservation_id == hold.id, WaitlistEntry.status == "offered")).all()
    for e in entries:
        if keep_waiting:
            e.status, e.reservation_id, e.declined_for_id = "waiting", None, kept_place_id
            e.offered_at = e.offer_expires_at = None
        else:
            e.status, e.ended_at = "withdrawn", now
    record_many([{"action": "waitlist.offer_declined", "entity_type": "waitlist_entry",
                  "entity_id": e.id, "actor_id": actor.id, "reason": "offer declined",
                  "before": {"status": "offered", "reservation_id": hold.id},
                  "after": {"status": e.status, "declined_for": e.declined_for_id}}
                 for e in entries], at=now)
    return [e.id for e in entries]


def centre_names(slots_by_id: dict[int, Slot], slot_ids) -> dict[int, str]:
    """{slot_id: its centre's name}: from the loaded centres, else in one query."""
    names = {sid: slots_by_id[sid].centre.name for sid in slot_ids
             if "centre" in slots_by_id[sid].__dict__}
    missing = [sid for sid in slot_ids if sid not in names]
    if missing:
        names.update(db.session.execute(
            select(Slot.id, Centre.name).join(Centre, Centre.id == Slot.centre_id)
            .where(Slot.id.in_(missing))).all())
    return names


def end_offers(reservations: list[Reservation], status: str, now, *, actor=None,
               centre_id: int | None = None) -> list[int]:
    """The waitlist entries whose offered hold ended with these reservations become `status`
    (accepted / withdrawn / expired); returns their ids. With `centre_id`, each entry also
    gets its own audit event, so its history is complete without reading the reservation's."""
    ids = [r.id for r in reservations]
    if not ids:
        return []
    ended = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.reservation_id.in_(ids), WaitlistEntry.status == "offered")).all()
    for e in ended:
        e.status = status
        if status != "accepted":
            e.ended_at = now
    if centre_id is not None and ended:
        record_many([{"action": f"waitlist.{status}", "entity_type": "waitlist_entry",
                      "entity_id": e.id, "centre_id": centre_id,
                      "actor_id": actor.id if actor is not None else None,
                      "before": {"status": "offered"}, "after": {"status": status}}
                     for e in ended], at=now)
    return [e.id for e in ended]
