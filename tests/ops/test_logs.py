"""Request ids and log lines (docs/operations.md, "Logs")."""
import io
import json
import logging

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from booking import create_app
from booking.audit.models import AuditEvent
from booking import config
from booking.observability import logs
from booking.observability.requests import valid_or_new
from tests import factories as f


@pytest.mark.parametrize("raw", ["abc-123_X.y", "a" * 64, "0f" * 16])
def test_a_well_formed_request_id_is_kept(raw):
    assert valid_or_new(raw) == raw


@pytest.mark.parametrize("raw", [None, "", "a" * 65, "has space", "new\nline", "名字",
                                 "x;drop", "<script>"])
def test_anything_else_gets_a_new_id(raw):
    rid = valid_or_new(raw)
    assert rid != raw and len(rid) == 32 and int(rid, 16) >= 0


def test_the_proxys_request_id_is_echoed(client):
    resp = client.get("/healthz", headers={"X-Request-ID": "edge-42.a_b"})
    assert resp.headers["X-Request-ID"] == "edge-42.a_b"


def test_a_bad_request_id_is_replaced_and_each_request_gets_its_own(client):
    resp = client.get("/healthz", headers={"X-Request-ID": "bad id\t" * 3})
    assert resp.headers["X-Request-ID"] != "bad id\t" * 3
    assert len(resp.headers["X-Request-ID"]) == 32
    assert client.get("/healthz").headers["X-Request-ID"] != \
        client.get("/healthz").headers["X-Request-ID"]


def test_audit_events_of_a_request_carry_its_id(client, db):
    c = f.centre()
    s = f.slot(c, capacity=1)
    parent = f.user()
    kid = f.child(parent)
    resp = client.post("/api/v1/reservations", json={"slot_id": s.id, "child_id": kid.id},
                       headers={**f.bearer(client, parent), "X-Request-ID": "rush-0001"})
    assert resp.status_code == 201, resp.get_json()
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "reservation.held")).one()
    assert event.request_id == "rush-0001"
    # The regulator's export carries it, to find the request's log lines.
    client.post("/logout")
    assert client.post("/login", data={"login": f.user("regulator").email,
                                       "password": f.PASSWORD}).status_code == 302
    text = client.get(f"/regulator/audit.csv?centre={c.id}").data.decode("utf-8-sig")
    assert "rush-0001" in text


def test_audit_events_outside_a_request_have_none(db):
    from booking.audit.services import record
    c = f.centre()
    event = record("centre.test", c)
    db.session.commit()
    assert event.request_id is None


def _capture(app):
    """The handler configure() put on the root logger, writing to a buffer."""
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_tuowei", False))
    buffer = io.StringIO()
    handler.setStream(buffer)
    return handler, buffer


def test_json_lines_carry_the_request_id(database_url, tmp_path):
    app = create_app(config.TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", TUOWEI_LOG_FORMAT="json")
    handler, buffer = _capture(app)
    try:
        @app.get("/log-something")
        def _log_something():
            app.logger.warning("something for %s", "reservation 7")
            return "ok"
        app.test_client().get("/log-something", headers={"X-Request-ID": "json-req-1"})
        lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
        [line] = [x for x in lines if x["message"] == "something for reservation 7"]
        assert line["request_id"] == "json-req-1"
        assert line["level"] == "WARNING" and line["logger"] == "booking" and line["time"]
        logging.getLogger("tuowei.jobs").warning("outside")
        assert json.loads(buffer.getvalue().splitlines()[-1])["request_id"] == "-"
    finally:
        logging.getLogger().removeHandler(handler)


def test_plain_text_is_the_default_and_carries_the_request_id(app):
    from flask.logging import default_handler
    assert app.config["TUOWEI_LOG_FORMAT"] == "plain"
    assert "%(request_id)s" in default_handler.formatter._fmt
    assert any(isinstance(x, logs.RequestIdFilter) for x in default_handler.filters)


class _Orig(Exception):
    sqlstate = "23505"


# Module constants: the traceback quotes the raising line, which must not hold them itself.
LEAK = "duplicate key value violates unique constraint; Key (phone)=(13912345678) exists"
PARAMS = {"name": "李四", "phone": "13912345678"}


def test_a_database_errors_text_is_not_logged(caplog):
    log = logging.getLogger("tuowei.test")
    with caplog.at_level(logging.ERROR, logger="tuowei.test"):
        try:
            raise IntegrityError("INSERT INTO app_user ...", PARAMS, _Orig(LEAK))
        except IntegrityError:
            logs.log_failure(log, "job %s failed", "x")
    [record] = caplog.records
    text = record.getMessage() + (caplog.text or "")
    assert "13912345678" not in text and "李四" not in text
    assert "IntegrityError" in text and "23505" in text and "job x failed" in text
    assert record.exc_info is None


def test_other_errors_are_logged_with_their_traceback(caplog):
    log = logging.getLogger("tuowei.test")
    with caplog.at_level(logging.ERROR, logger="tuowei.test"):
        try:
            raise RuntimeError("no personal data here")
        except RuntimeError:
            logs.log_failure(log, "job failed")
    assert caplog.records[0].exc_info is not None
