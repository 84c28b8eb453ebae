"""Admission control on the reserve endpoint (issue 21, part 4; booking/api/admission.py):
beyond the per-process limit a reserve is answered 503 busy with Retry-After at once, the
count is given back however the request ends, and nothing else is limited."""
import threading

import pytest
from flask import Flask
from flask_babel import Babel

from booking.api import admission
from booking.reservations import services as reservations
from tests import factories as f
from tests.reservations.test_api import assert_problem, counts


def gate(app):
    return app.extensions["tuowei_reserve_gate"]


@pytest.fixture
def family(client):
    parent = f.user()
    kid = f.child(parent)
    slot = f.slot(capacity=2)
    return f.bearer(client, parent), kid, slot


def reserve(client, family):
    headers, kid, slot = family
    return client.post("/api/v1/reservations", json={"slot_id": slot.id, "child_id": kid.id},
                       headers=headers)


def test_a_reserve_beyond_the_limit_is_answered_busy_at_once(app, client, family):
    g = gate(app)
    assert g.limit == app.config["TUOWEI_RESERVE_CONCURRENCY"] == 100
    for _ in range(g.limit):  # as many reserves in flight in other threads as allowed
        assert g.enter()
    before = counts()
    resp = reserve(client, family)
    body = assert_problem(resp, 503, "busy")
    assert resp.headers["Retry-After"] == "1" and body["retry_after"] == 1
    assert counts() == before  # nothing done: the same request may be sent again
    assert g.inflight == g.limit
    g.leave()
    assert reserve(client, family).status_code == 201
    assert g.inflight == g.limit - 1  # its own count given back after the answer


def test_other_requests_are_never_limited(app, client, family):
    g = gate(app)
    while g.enter():
        pass
    headers, _kid, slot = family
    assert client.get("/api/v1/ping").status_code == 200
    assert client.get("/api/v1/reservations", headers=headers).status_code == 200
    assert client.get(f"/api/v1/centres/{slot.centre_id}").status_code == 200


def test_the_count_is_given_back_when_the_reserve_fails(app, client, family, monkeypatch):
    def broken(**_kw):
        raise RuntimeError("database gone")
    monkeypatch.setattr(reservations, "place_hold", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert reserve(client, family).status_code == 500
    assert gate(app).inflight == 0
    monkeypatch.undo()
    assert_problem(client.post("/api/v1/reservations", json={"slot_id": "x"},
                               headers=family[0]), 422, "validation")
    assert gate(app).inflight == 0


def test_the_gate_holds_exactly_its_limit_across_threads():
    g = admission.Gate(3)
    results, barrier = [], threading.Barrier(20)

    def one():
        barrier.wait()
        results.append(g.enter())
    threads = [threading.Thread(target=one) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 3 and g.inflight == 3


def test_the_decorator_applies_the_same_limit():
    app = Flask(__name__)
    app.config.update(TUOWEI_RESERVE_CONCURRENCY=1, TUOWEI_RESERVE_RETRY_AFTER=2)
    Babel(app)
    admission.init_app(app)
    seen = []

    @app.post("/other")
    @admission.admitted
    def other():
        seen.append(gate(app).inflight)
        return "ok"
    client = app.test_client()
    assert client.post("/other").status_code == 200 and seen == [1]
    gate(app).enter()
    resp = client.post("/other")
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "2"
    assert resp.content_type == "application/problem+json"


def test_zero_turns_it_off():
    app = Flask(__name__)
    app.config.update(TUOWEI_RESERVE_CONCURRENCY=0)
    admission.init_app(app)
    assert "tuowei_reserve_gate" not in app.extensions
