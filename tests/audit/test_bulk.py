"""record_many / notify_many write a chunk of rows per statement (booking/bulk.py): the rows as
an executemany wrote them, in the order given, and a value too long for its column refused."""
import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import DBAPIError

from booking import bulk
from booking.audit.models import AuditEvent, Notification
from booking.audit.services import notify_many, record_many
from tests import factories as f


def test_rows_in_order_with_their_values_and_one_statement_per_chunk(app, db, monkeypatch):
    parent = f.user("parent")
    at = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
    monkeypatch.setattr(bulk, "CHUNK", 3)
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    rows = [{"action": "x.done", "entity_type": "thing", "entity_id": i, "actor_id": parent.id,
             "before": None if i % 2 else {"n": i}, "after": {"至": at, "名": "托位"},
             "reason": "原因" if i == 4 else None} for i in range(1, 8)]
    record_many(rows, at=at)
    notify_many([{"user_id": parent.id, "kind": "k", "params": {"i": i}} for i in range(1, 8)],
                at=at)
    db.session.commit()
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 3 + 3  # 7 rows in chunks of 3, for each table
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "x.done")
                                .order_by(AuditEvent.id)).all()
    assert [e.entity_id for e in events] == list(range(1, 8))
    assert events[0].at == at and events[0].actor_id == parent.id and events[0].ip is None
    assert events[0].before is None and json.loads(events[1].before) == {"n": 2}
    assert events[0].after == json.dumps({"至": at.isoformat(), "名": "托位"},
                                         ensure_ascii=False, sort_keys=True)
    assert [e.reason for e in events].count("原因") == 1 and events[3].reason == "原因"
    notes = db.session.scalars(select(Notification).where(Notification.kind == "k")
                               .order_by(Notification.id)).all()
    assert [json.loads(n.params)["i"] for n in notes] == list(range(1, 8))
    assert all(n.created_at == at and n.user_id == parent.id for n in notes)


def test_a_value_too_long_for_its_column_is_refused_not_cut(app, db, pg_only):
    with pytest.raises(DBAPIError):
        record_many([{"action": "x" * 61, "entity_type": "thing", "entity_id": 1}])
        db.session.flush()
    db.session.rollback()


def test_a_generator_of_rows_is_built_chunk_by_chunk_beside_the_statements(app, db, monkeypatch):
    """Beyond the first chunk, rows are taken from the generator (and serialised) by a thread
    of bulk.py's own while the statement of the chunk before runs; the rows keep their order."""
    import threading
    parent = f.user("parent")
    monkeypatch.setattr(bulk, "CHUNK", 2)
    caller, makers = threading.get_ident(), []

    def rows():
        for i in range(1, 8):
            makers.append(threading.get_ident())
            yield {"user_id": parent.id, "kind": "gen", "params": {"i": i}}

    notify_many(rows())
    db.session.commit()
    notes = db.session.scalars(select(Notification).where(Notification.kind == "gen")
                               .order_by(Notification.id)).all()
    assert [json.loads(n.params)["i"] for n in notes] == list(range(1, 8))
    assert makers[:3] == [caller] * 3  # the first chunk, and the look past it
    assert caller not in makers[3:] and len(makers) == 7


def test_an_error_while_building_a_later_chunk_reaches_the_caller(app, db, monkeypatch):
    parent = f.user("parent")
    monkeypatch.setattr(bulk, "CHUNK", 2)

    def rows():
        for i in range(1, 8):
            if i == 6:
                raise ValueError("row 6")
            yield {"user_id": parent.id, "kind": "broken", "params": {"i": i}}

    with pytest.raises(ValueError, match="row 6"):
        notify_many(rows())
    db.session.rollback()
    assert db.session.scalars(select(Notification).where(Notification.kind == "broken")).all() == []


def test_no_rows_issue_no_statement(app, db):
    statements = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    record_many(iter([]))
    notify_many([])
    event.remove(db.engine, "before_cursor_execute", listener)
    assert statements == []
