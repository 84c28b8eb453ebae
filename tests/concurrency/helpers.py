"""Racing real threads against the test database (SQLite file or PostgreSQL)."""
import sqlite3
import threading

from sqlalchemy import text

from booking.auth import tokens as auth_tokens
from booking.extensions import db
from tests import factories as f
from tests.conftest import IS_PG


def race(n, work, timeout=120):
    """Run work(i) in n threads released together by a barrier; return each result, or the
    exception it raised (so a thread never dies with an unhandled exception)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test, not lost
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,), name=f"racer-{i}") for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a racer never finished (deadlock?)"
    return results


def families(n, **child_kw):
    """n parents, each with one child and an API token: [(parent_id, child_id, token)]."""
    out = []
    for _ in range(n):
        parent = f.user()
        kid = f.child(parent, **child_kw)
        out.append((parent.id, kid.id, token_for(parent)))
    return out


def token_for(user):
    return auth_tokens.issue_token(user.email, f.PASSWORD)[0]


def post(app, path, token, payload):
    """One request from a thread of its own: its own client, app context and session."""
    client = app.test_client()
    resp = client.post(path, json=payload, headers={"Authorization": f"Bearer {token}"})
    return resp.status_code, resp.get_json()


def slug(body):
    return (body or {}).get("type", "").rsplit("/", 1)[-1]


def assert_no_locks_left(app):
    """Nothing of the race is still holding or waiting for a lock."""
    db.session.remove()
    if IS_PG:
        with db.engine.connect() as conn:
            waiting = conn.scalar(text(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE NOT l.granted AND a.datname = current_database()"))
            idle_in_tx = conn.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"))
        assert (waiting, idle_in_tx) == (0, 0)
    else:
        path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        conn = sqlite3.connect(path, timeout=0)  # fails at once if anyone still holds a lock
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.rollback()
        finally:
            conn.close()


def in_context(app, work):
    """work() in a thread's own app context and session: its result, or the slug of the
    service's refusal (a BookingError is an answer, not a failure; anything else is raised
    and reported by race())."""
    from booking.errors import BookingError

    with app.app_context():
        try:
            return work()
        except BookingError as err:
            db.session.rollback()
            return err.slug


# -- one child, one place (docs/domain.md), read from the database after a race ------------

def one_place_breaches(child_ids=None, now=None, *, strict=False):
    """{child_id: its live reservations} for the children whose live places break one child,
    one place (breaches below), read afresh from the database."""
    from sqlalchemy import select

    from booking import clock
    from booking.reservations.models import Reservation, live_at

    now = now or clock.now()
    db.session.expire_all()
    stmt = select(Reservation).where(live_at(now)).order_by(Reservation.id)
    if child_ids is not None:
        stmt = stmt.where(Reservation.child_id.in_(list(child_ids)))
    return breaches(db.session.scalars(stmt).all(), strict=strict)


def breaches(live, *, strict=False):
    """{child_id: its live reservations} among `live` (live reservations, by id) for the
    children with more than two, or two where neither replaces the other (`replaces_id`).

    Unless `strict`, a confirmed transfer still in its overlap passes too: the old enrolment
    keeps the child in care until the day before the new start (leaving date set) while the
    new one is enrolled, and confirm clears `replaces_id`, so only the new enrolment's
    `reservation.enrolled` audit event (`replaced`) links the two. test_one_place.py pins
    that gap with strict=True."""
    import json

    from sqlalchemy import select

    from booking.audit.models import AuditEvent
    from booking.reservations.models import Status

    by_child = {}
    for r in live:
        by_child.setdefault(r.child_id, []).append(r)
    pairs = [rs for rs in by_child.values() if len(rs) == 2]
    unlinked = [rs for rs in pairs if not (rs[0].replaces_id == rs[1].id
                                           or rs[1].replaces_id == rs[0].id)]
    replaced = {}
    if unlinked and not strict:
        for entity_id, after in db.session.execute(select(
                AuditEvent.entity_id, AuditEvent.after).where(
                AuditEvent.action == "reservation.enrolled",
                AuditEvent.entity_type == "reservation",
                AuditEvent.entity_id.in_([r.id for rs in unlinked for r in rs]))):
            replaced[entity_id] = json.loads(after or "{}").get("replaced")

    def transfer(new, old):
        return replaced.get(new.id) == old.id and old.status == Status.ENROLLED \
            and old.leaves_on is not None

    return {cid: rs for cid, rs in by_child.items() if len(rs) > 2 or (
        rs in unlinked and not (transfer(*rs) or transfer(*reversed(rs))))}


def over_capacity(slot_ids=None, now=None):
    """{slot_id: (live, capacity)} for the slots holding more live places than they have."""
    from sqlalchemy import func, select

    from booking import clock
    from booking.reservations.models import Reservation, live_at
    from booking.slots.models import Slot

    now = now or clock.now()
    db.session.expire_all()
    stmt = (select(Slot.id, Slot.capacity, func.count(Reservation.id))
            .join(Reservation, Reservation.slot_id == Slot.id).where(live_at(now))
            .group_by(Slot.id, Slot.capacity))
    if slot_ids is not None:
        stmt = stmt.where(Slot.id.in_(list(slot_ids)))
    return {sid: (n, cap) for sid, cap, n in db.session.execute(stmt) if n > cap}


def assert_one_place_each(child_ids=None, slot_ids=None):
    """The invariants after every race: no child with two live places (unless one replaces
    the other) and no slot over capacity."""
    breaches = one_place_breaches(child_ids)
    assert breaches == {}, {cid: [(r.id, r.slot_id, r.status, r.replaces_id) for r in rs]
                            for cid, rs in breaches.items()}
    assert over_capacity(slot_ids) == {}
