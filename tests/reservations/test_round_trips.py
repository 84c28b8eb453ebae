"""The reserve in few round trips (issue 21, docs/design.md "Following a request"): a granted
hold is 7 statements and a commit, a refusal of a full slot 2 statements, and the answer is
built without reloading what was just written. Counted with a cursor listener, so a change
that adds a query to the hot path fails here rather than only in the benchmark."""
from sqlalchemy import event

from tests import factories as f


def _count(db, client, fn):
    seen = {"statements": [], "commits": 0}

    def statement(_conn, _cursor, sql, *_a):
        seen["statements"].append(" ".join(sql.split())[:80])

    def commit(_conn):
        seen["commits"] += 1
    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "commit", commit)
    try:
        resp = fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(db.engine, "commit", commit)
    return resp, seen


def test_a_granted_hold_is_seven_statements_and_one_commit(app, db, client):
    s = f.slot(capacity=2)
    p = f.user()
    kid = f.child(p)
    headers = f.bearer(client, p)
    slot_id, child_id = s.id, kid.id
    client.get("/api/v1/ping")
    resp, seen = _count(db, client, lambda: client.post(
        "/api/v1/reservations", json={"slot_id": slot_id, "child_id": child_id},
        headers=headers))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "held" and body["slot_id"] == slot_id and body["centre_id"]
    assert len(seen["statements"]) == 7, seen["statements"]
    assert seen["commits"] == 1
    # no reload after the commit: the last statement is the hold's audit event
    assert seen["statements"][-1].startswith("INSERT INTO audit_event")
    assert not any(s.upper().startswith("SELECT 1") for s in seen["statements"])


def test_a_full_slot_is_refused_in_two_statements(app, db, client):
    s = f.slot(capacity=1)
    first = f.user()
    first_kid = f.child(first)
    client.post("/api/v1/reservations", json={"slot_id": s.id, "child_id": first_kid.id},
                headers=f.bearer(client, first))
    p = f.user()
    kid = f.child(p)
    headers = f.bearer(client, p)
    slot_id, child_id = s.id, kid.id
    resp, seen = _count(db, client, lambda: client.post(
        "/api/v1/reservations", json={"slot_id": slot_id, "child_id": child_id},
        headers=headers))
    assert resp.status_code == 409 and resp.get_json()["type"].endswith("/slot-full")
    assert len(seen["statements"]) == 2, seen["statements"]
    assert seen["commits"] == 0
