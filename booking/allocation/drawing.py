"""The draw of a round (docs/allocation.md, "The draw"), in one transaction: all offers or none.

1. The round's lock, then the applicants' children and the slots in the lock order; the seats
   are the places free at that moment (capacity less live places).
2. `draw.allocate` on (priority, lottery): each offer becomes a `held` reservation of every
   child of the application, answering by `offer_days`. A child with a live place elsewhere is
   offered a place that replaces it (docs/domain.md, "One child, one place").
3. Each application waits at every choice it ranked above what it got (all of them when it got
   nothing), ahead of the ordinary queue and in the draw's order: a seat the draw gave that comes
   free goes to the best of those who wanted it more than what they got (the vacancy chain keeps
   the result stable), then to the ordinary waitlist.
4. The inputs, seed and results are published; `python -m booking.allocation verify` rechecks them.
The rows are written a chunk of thousands per statement (`booking.bulk`): an
executemany costs a statement per row, which is most of the time of a city's round of 100,000
applications (bench/RESULTS.md, "Round").
"""
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..audit.services import notify_many, record, record_many
from ..bulk import insert_rows, read, update_rows
from ..centres.versions import bump_centres_of
from ..children.models import Child
from ..children.services import names_of
from ..clock import now as clock_now
from ..errors import Conflict
from ..extensions import db
from ..places.offers import end_offers
from ..places.placement import standing
from ..reservations.models import Reservation, Status, live_at
from ..regulator.models import Filing
from ..slots.models import Slot
from ..transactions import command
from ..waitlists.models import WaitlistEntry
from . import draw
from .models import (Application, ApplicationChild, ApplicationChoice, AppStatus, RoundSlot,
                     RoundStatus)
from .rounds import freeze_tiers, managed_round, status_at



def _in_round(rnd):
    """The round's slot ids, as a subquery: joined, not a list of 10,000 ids bound."""
    return select(RoundSlot.slot_id).where(RoundSlot.round_id == rnd.id)


def _applicants_children(rnd):
    """The children of the round's submitted applications, as a subquery."""
    return (select(ApplicationChild.child_id)
            .join(Application, Application.id == ApplicationChild.application_id)
            .where(ApplicationChild.round_id == rnd.id, Application.status == AppStatus.SUBMITTED))


def _lock(rnd) -> None:
    """The lock order after the round's row: the applicants' children, then the round's slots,
    each in ascending id (docs/design.md, "Lock order").

    On PostgreSQL, `SELECT … ORDER BY id FOR NO KEY UPDATE` takes the very row locks the no-op
    UPDATEs of `places.locking` take (they conflict with each other, with `FOR UPDATE` and
    with every UPDATE; neither blocks a foreign key's check), in id order (the locking step
    runs above the sort), without writing 115,000 new row versions for a city's round. On
    SQLite the round's row (`lock_round`, the first write) already took the database's one
    write lock, which nobody else gets until this commits, so there is nothing to add."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    conn = db.session.connection()
    conn.execute(select(Child.id).where(Child.id.in_(_applicants_children(rnd)))
                 .order_by(Child.id).with_for_update(key_share=True, of=Child))
    conn.execute(select(Slot.id).where(Slot.id.in_(_in_round(rnd)))
                 .order_by(Slot.id).with_for_update(key_share=True, of=Slot))


def _inputs(rnd):
    """(rows (id, priority, size, parent id, tier) of the submitted applications by id,
    choices by application, {application id: (parent id, tier, [child ids])})."""
    # Read as the driver's own tuples (bulk.read): the ORM's or even Core's row handling is
    # most of the cost of reading a city's 500,000 choices. After flushing the tiers
    # freeze_tiers may just have changed.
    db.session.flush()
    rows = read(select(Application.id, Application.priority, Application.size,
                       Application.parent_id, Application.tier)
                .where(Application.round_id == rnd.id, Application.status == AppStatus.SUBMITTED)
                .order_by(Application.id))
    choices: dict[int, list[int]] = {row[0]: [] for row in rows}
    for app_id, slot_id in read(
            select(ApplicationChoice.application_id, ApplicationChoice.slot_id)
            .join(Application, Application.id == ApplicationChoice.application_id)
            .where(Application.round_id == rnd.id, Application.status == AppStatus.SUBMITTED)
            .order_by(ApplicationChoice.application_id, ApplicationChoice.rank)):
        choices[app_id].append(slot_id)
    members: dict[int, list[int]] = {row[0]: [] for row in rows}
    for app_id, child_id in read(
            select(ApplicationChild.application_id, ApplicationChild.child_id)
            .where(ApplicationChild.round_id == rnd.id).order_by(ApplicationChild.child_id)):
        if app_id in members:
            members[app_id].append(child_id)
    meta = {app_id: (parent_id, tier, members[app_id])
            for app_id, _priority, _size, parent_id, tier in rows}
    return rows, choices, meta


def _live_places(rnd, now) -> dict[int, list[Reservation]]:
    """The live places of the applicants' children, by child."""
    out: dict[int, list[Reservation]] = {}
    for r in db.session.scalars(select(Reservation).where(
            Reservation.child_id.in_(_applicants_children(rnd)), live_at(now))
            .order_by(Reservation.id)):
        out.setdefault(r.child_id, []).append(r)
    return out


@command
def draw_round(round_id: int, actor, now=None):
    """Draw a closed round (or an open one whose window has passed). :raises Forbidden,
    NotFound, Conflict (not closed yet, or drawn already)."""
    now = now or clock_now()
    rnd = managed_round(round_id, actor)
    state = status_at(rnd, now)
    if state == RoundStatus.DRAWN:
        raise Conflict(_("该轮次已经派位"))
    if state != RoundStatus.CLOSED:
        raise Conflict(_("申请截止后才能派位"))
    if rnd.status == RoundStatus.OPEN:  # the window passed with nobody closing it
        freeze_tiers(rnd, now)
        rnd.closed_at = rnd.closes_at
    rows, choices, meta = _inputs(rnd)
    slot_ids = [sid for (sid,) in read(_in_round(rnd).order_by(RoundSlot.slot_id))]
    _lock(rnd)
    in_round = _in_round(rnd)
    capacity = dict(db.session.execute(select(Slot.id, Slot.capacity)
                                       .where(Slot.id.in_(in_round))).all())
    taken = dict(db.session.execute(select(Reservation.slot_id, func.count(Reservation.id))
                                    .where(Reservation.slot_id.in_(in_round), live_at(now))
                                    .group_by(Reservation.slot_id)).all())
    # A centre suspended or closed since the round opened offers nothing (its seats are 0).
    open_ids = set(db.session.scalars(
        select(Slot.id).join(Filing, Filing.centre_id == Slot.centre_id)
        .where(Slot.id.in_(in_round), Filing.status == "approved")))
    seats = {sid: max(0, capacity[sid] - taken.get(sid, 0)) if sid in open_ids else 0
             for sid in slot_ids}
    places = _live_places(rnd, now)
    applicants = []
    for app_id, priority, size, _parent_id, _tier in rows:
        listed = choices[app_id]
        if places:
            # A slot where one of the children already has its place is no choice for it any
            # more.
            here = {p.slot_id for k in meta[app_id][2] for p in places.get(k, [])}
            listed = [s for s in listed if s not in here]
        applicants.append(draw.Applicant(app_id, priority, size, tuple(listed)))
    # The order is ranked once (every lottery hashed once) for the draw, the waits, the
    # outcomes and the publication.
    ranked = draw.ranking(rnd.seed, applicants)
    assignment = draw.allocate(rnd.seed, applicants, seats, ranked)
    # The publication (a city's is 13 MB of JSON) is pure Python on what the draw decided: it
    # is made in a thread of its own while the database writes the offers and waits (the
    # driver lets go of the GIL while it waits; bench/RESULTS.md, "Round").
    with ThreadPoolExecutor(1, thread_name_prefix="round-publication") as side:
        published = side.submit(_published, rnd.id, rnd.seed, seats, applicants, assignment,
                                ranked)
        offered, waits, superseded = _store(rnd, actor, rows, applicants, assignment, ranked,
                                            meta, places, seats, slot_ids, now)
        rnd.publication, rnd.inputs_sha256 = published.result()
    rnd.status, rnd.drawn_at = RoundStatus.DRAWN, now
    record("round.drawn", rnd, actor=actor, at=now, before={"status": RoundStatus.CLOSED},
           after={"status": RoundStatus.DRAWN, "seed": rnd.seed,
                  "inputs_sha256": rnd.inputs_sha256, "applications": len(rows),
                  "offered": offered, "waits": waits, "superseded_holds": superseded})
    db.session.commit()
    return rnd


def _published(round_id, seed, seats, applicants, assignment, ranked) -> tuple[str, str]:
    """(the publication as stored, its inputs' SHA-256). Touches no session: it runs in a
    thread of its own."""
    doc = draw.publication(round_id, seed, seats, applicants, assignment, ranked)
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")), doc["inputs_sha256"]


def _store(rnd, actor, rows, applicants, assignment, ranked, meta, places, seats, slot_ids,
           now) -> tuple[int, int, list[int]]:
    """The draw's rows: holds, outcomes, waits, seats, their audit events and the families'
    notices. Returns (applications offered, waits, ids of the holds superseded)."""
    position = {app_id: i for i, (_p, _x, app_id, _a) in enumerate(ranked, 1)}
    number = {app_id: x for _p, x, app_id, _a in ranked}
    expires = now + timedelta(days=rnd.offer_days)
    holds, superseded = _offers(assignment, meta, places, now, expires)
    # The holds came in bulk, past the session's hooks: the centre page cache's key moves here.
    bump_centres_of(db.session, _in_round(rnd))
    hold_ids = _hold_ids(rnd, now)
    _record_outcome(rnd, rows, assignment, meta, hold_ids, number, now)
    waits = _waits(rnd, applicants, assignment, meta, position, now)
    # Written past the ORM: round slots loaded in the session (none, unless something read
    # `rnd.slots`) expire at the commit, reading these seats back.
    update_rows(RoundSlot.__table__, ["slot_id"], ["seats"],
                ([sid, seats[sid]] for sid in slot_ids), {"round_id": rnd.id})
    until = expires.isoformat()  # as the audit log writes an instant, once for all
    # Generators of plain values only (no ORM object's attribute): bulk.py builds their rows
    # in its own thread.
    round_id, round_name, actor_id = rnd.id, rnd.name, actor.id
    record_many(({"action": "reservation.held", "entity_type": "reservation",
                  "entity_id": hold_ids[(slot_id, child_id)], "actor_id": actor_id,
                  "after": {"status": Status.HELD, "expires_at": until, "child_id": child_id,
                            "round_id": round_id, "replaces": replaces}}
                 for slot_id, child_id, _parent_id, replaces in holds), at=now)
    kids = {app_id: meta[app_id][2] for app_id in assignment}
    # Joined, not bound: a city's 105,000 ids are more parameters than PostgreSQL takes.
    names = names_of(_applicants_children(rnd)) if kids else {}
    notify_many(({"user_id": meta[app_id][0],
                  "kind": "round_offer" if got else "round_unplaced",
                  "params": {"round_id": round_id, "round": round_name,
                             "application_id": app_id,
                             "child": "、".join(names.get(c, "") for c in kids[app_id]),
                             "slot_id": got[0] if got else None,
                             "expires_at": until if got else None}}
                 for app_id, got in assignment.items()), at=now)
    return sum(1 for v in assignment.values() if v is not None), waits, superseded


def _offers(assignment, meta, places, now, expires):
    """The holds inserted ([slot id, child id, parent id, id of the place it replaces]), and
    the ids of other holds they supersede (a child holding a place and a hold waiting to
    replace it: the round's offer replaces the place, the waiting hold ends, as the family's
    latest choice)."""
    holds, superseded, ended = [], [], []
    for app_id, got in assignment.items():
        if got is None:
            continue
        parent_id, _tier, kids = meta[app_id]
        for child_id in kids:
            live = places.get(child_id)
            replaces = None
            if live:
                stands = standing(live)
                replaces = stands[0].id if stands else None
                for r in live:
                    if r.id != replaces and r.status == Status.HELD:
                        r.status, r.ended_at, r.end_reason = (Status.CANCELLED, now,
                                                              "replaced by a round's offer")
                        ended.append(r)
            holds.append([got[0], child_id, parent_id, replaces])
    if ended:
        end_offers(ended, "withdrawn", now)
        superseded = [r.id for r in ended]
    insert_rows(Reservation.__table__, ["slot_id", "child_id", "parent_id", "replaces_id"],
                holds, status=Status.HELD, created_at=now, expires_at=expires)
    return holds, superseded


def _hold_ids(rnd, now) -> dict[tuple[int, int], int]:
    """The draw's holds, by (slot, child)."""
    return {(sid, cid): rid for rid, sid, cid in db.session.execute(
        select(Reservation.id, Reservation.slot_id, Reservation.child_id).where(
            Reservation.slot_id.in_(_in_round(rnd)), Reservation.status == Status.HELD,
            Reservation.created_at == now))}


def _record_outcome(rnd, rows, assignment, meta, hold_ids, number, now) -> None:
    """Each application's lottery number and outcome; each child's hold. (Generators of plain
    values: bulk.py builds the rows in its own thread.)"""
    offered, unplaced = AppStatus.OFFERED, AppStatus.UNPLACED
    update_rows(Application.__table__, ["id"], ["status", "lottery", "slot_id", "choice_rank"],
                ([app_id, offered, number[app_id], *got] if (got := assignment[app_id])
                 else [app_id, unplaced, number[app_id], None, None]
                 for app_id, *_row in rows), {}, updated_at=now)
    update_rows(ApplicationChild.__table__, ["child_id"], ["reservation_id"],
                ([c, hold_ids[(got[0], c)]] for app_id, got in assignment.items() if got
                 for c in meta[app_id][2]), {"round_id": rnd.id})


def _above(a, got) -> tuple[int, ...]:
    """The choices application `a` ranked above what it got (all of them when it got
    nothing): where it waits after the draw."""
    return a.choices if got is None else a.choices[:got[1] - 1]


def _wanted(round_id, applicants, assignment, meta, position):
    """The round's waits, as values of `_WAIT_COLUMNS`: each application at every choice
    `_above` what it got, each of its children."""
    for a in applicants:
        above = _above(a, assignment[a.id])
        if not above:
            continue
        parent_id, tier, kids = meta[a.id]
        unit, pos = f"round-{round_id}-{a.id}", position[a.id]
        for rank, slot_id in enumerate(above, 1):
            for child_id in kids:
                yield [slot_id, child_id, parent_id, a.priority, tier, unit, pos, rank]


_WAIT_COLUMNS = ["slot_id", "child_id", "parent_id", "priority", "tier", "unit_key",
                 "draw_position", "choice_rank"]


def _waits(rnd, applicants, assignment, meta, position, now) -> int:
    """The waits for the choices each application ranked above what it got; an ordinary wait
    of the child for that slot becomes the round's (keeping one wait per child and slot).
    Returns how many."""
    count = sum(len(_above(a, assignment[a.id])) * len(meta[a.id][2]) for a in applicants)
    if not count:
        return 0
    wanted = _wanted(rnd.id, applicants, assignment, meta, position)
    existing = {(sid, cid): eid for eid, sid, cid in db.session.execute(
        select(WaitlistEntry.id, WaitlistEntry.slot_id, WaitlistEntry.child_id).where(
            WaitlistEntry.child_id.in_(_applicants_children(rnd)),
            WaitlistEntry.status.in_(("waiting", "offered"))))}
    taken_over = []
    if existing:  # rare: families already queueing at a slot of the round
        wanted = list(wanted)
        taken_over = [{"id": existing[(w[0], w[1])], "priority": w[3], "tier": w[4],
                       "unit_key": w[5], "draw_position": w[6], "round_id": rnd.id}
                      for w in wanted if (w[0], w[1]) in existing]
        wanted = [w for w in wanted if (w[0], w[1]) not in existing]
    insert_rows(WaitlistEntry.__table__, _WAIT_COLUMNS, wanted, status="waiting",
                joined_at=now, round_id=rnd.id)
    if taken_over:
        db.session.execute(update(WaitlistEntry), taken_over)
    return count
