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
