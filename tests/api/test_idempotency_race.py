"""Idempotency-Key (docs/api.md, Idempotency): the key is claimed in the database before the work,
so concurrent requests with one key create one thing; each answer is the first response or
409 `conflict`; the same key with another body is 422; refusals and failures release it."""
import json
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select

from booking.api.idempotency import CLAIM_TIMEOUT, record_key
from booking.api.models import IdempotencyRecord
from booking.children import services as children
from booking.children.models import Guardianship
from booking.clock import now
from booking.extensions import db
from booking.fees.models import LedgerEntry
from booking.reservations.models import Reservation
from tests import factories as f
from tests.concurrency.helpers import assert_no_locks_left, race, slug, token_for

PROBLEM = "https://tuowei.example/problems/"
KID = {"name": "小明", "birth_date": "2025-01-15"}


def post(app, path, token, payload, key):
    """One request from a thread of its own: its own client, app context and session."""
    resp = app.test_client().post(path, json=payload, headers={
        "Authorization": f"Bearer {token}", "Idempotency-Key": key})
    return resp.status_code, resp.get_json(), resp.headers.get("Idempotent-Replayed")


def children_of(parent_id):
    db.session.expire_all()
    return db.session.scalar(select(func.count(Guardianship.id))
                             .where(Guardianship.user_id == parent_id))


def claims():
    db.session.expire_all()
    return db.session.scalars(select(IdempotencyRecord)).all()


def assert_first_answer_or_conflict(results):
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    assert set(Counter((status, slug(body) if status != 201 else "created")
                       for status, body, _ in results)) <= {(201, "created"), (409, "conflict")}
    fresh = [body for status, body, replayed in results if status == 201 and not replayed]
    assert len(fresh) == 1, results  # the work ran once
    assert all(body == fresh[0] for status, body, _ in results if status == 201)
    assert all(body["detail"] for status, body, _ in results if status == 409)
    return fresh[0]


def test_twenty_registrations_with_one_key_make_one_child(app):
    parent = f.user()
    token, parent_id = token_for(parent), parent.id
    db.session.remove()

    results = race(20, lambda i: post(app, "/api/v1/children", token, KID, "kid-1"))

    first = assert_first_answer_or_conflict(results)
    assert children_of(parent_id) == 1
    assert first["id"] == db.session.scalar(select(Guardianship.child_id)
                                            .where(Guardianship.user_id == parent_id))
    [claim] = claims()
    assert claim.status == 201 and json.loads(claim.body) == first
    assert_no_locks_left(app)


def test_twenty_payments_with_one_key_make_one_ledger_row(app):
    centre = f.centre()
    staff = f.user("staff", centre_id=centre.id)
    slot = f.slot(centre, fee=180000, starts_on=date(2026, 9, 1), capacity=10)
    parent = f.user()
    db.session.add(Reservation(slot_id=slot.id, child_id=f.child(parent).id,
                               parent_id=parent.id, status="enrolled", enrolled_at=now()))
    db.session.commit()
    token, centre_id, parent_id = token_for(staff), centre.id, parent.id
    db.session.remove()

    results = race(20, lambda i: post(app, f"/api/v1/centres/{centre_id}/payments", token,
                                      {"parent_id": parent_id, "amount_fen": 1000}, "pay-1"))

    first = assert_first_answer_or_conflict(results)
    db.session.expire_all()
    rows = db.session.scalars(select(LedgerEntry).where(LedgerEntry.parent_id == parent_id)).all()
    assert [(e.id, e.kind, e.amount_fen) for e in rows] == [(first["id"], "payment", 1000)]
    assert_no_locks_left(app)


def _h(client, user, key):
    return dict(f.bearer(client, user), **{"Idempotency-Key": key})


def test_a_retry_replays_the_first_answer_whatever_the_json_spacing(client, db):
    p = f.user()
    h = _h(client, p, "k")
    first = client.post("/api/v1/children", json=KID, headers=h)
    again = client.post("/api/v1/children", headers=dict(h, **{"Content-Type": "application/json"}),
                        data=json.dumps(dict(reversed(list(KID.items()))), indent=2))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert children_of(p.id) == 1


def test_the_same_key_with_another_body_is_422_and_creates_nothing(client, db):
    p = f.user()
    h = _h(client, p, "k")
    assert client.post("/api/v1/children", json=KID, headers=h).status_code == 201
    other = client.post("/api/v1/children", json=dict(KID, name="小红"), headers=h)
    assert other.status_code == 422 and other.content_type == "application/problem+json"
    assert other.get_json()["type"] == PROBLEM + "validation"
    assert "Idempotency-Key" in other.get_json()["errors"]
    assert children_of(p.id) == 1


def _claim_in_progress(user, key, age, path="/api/v1/children"):
    db.session.add(IdempotencyRecord(user_id=user.id, key=record_key("POST", path, key),
                                     request_path=path, request_sha256=None,
                                     created_at=now() - age))
    db.session.commit()


def test_a_claim_in_progress_answers_409_conflict(client, db):
    p = f.user()
    h = _h(client, p, "k")
    _claim_in_progress(p, "k", timedelta(seconds=5))
    resp = client.post("/api/v1/children", json=KID, headers=h)
    assert resp.status_code == 409 and resp.get_json()["type"] == PROBLEM + "conflict"
    assert children_of(p.id) == 0


def test_an_abandoned_claim_is_taken_over(client, db):
    p = f.user()
    h = _h(client, p, "k")
    # a worker claimed the key and died before answering
    _claim_in_progress(p, "k", CLAIM_TIMEOUT + timedelta(seconds=1))
    resp = client.post("/api/v1/children", json=KID, headers=h)
    assert resp.status_code == 201
    assert children_of(p.id) == 1
    [claim] = claims()
    assert claim.status == 201 and json.loads(claim.body) == resp.get_json()
    again = client.post("/api/v1/children", json=KID, headers=h)
    assert again.get_json() == resp.get_json() and children_of(p.id) == 1


def test_a_server_error_releases_the_claim_so_a_retry_runs(client, db, monkeypatch):
    p = f.user()
    h = _h(client, p, "k")
    real = children.add_child

    def broken(*a, **kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(children, "add_child", broken)
    resp = client.post("/api/v1/children", json=KID, headers=h)
    assert resp.status_code == 500
    assert claims() == []
    monkeypatch.setattr(children, "add_child", real)
    retry = client.post("/api/v1/children", json=KID, headers=h)
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry.headers


def test_a_refusal_releases_the_claim_and_a_retry_is_evaluated_afresh(client, db):
    p = f.user()
    h = _h(client, p, "k")
    twin = {"name": "小红", "birth_date": "2025-01-15", "twin_of": 99999}
    refused = client.post("/api/v1/children", json=twin, headers=h)
    assert refused.status_code == 422 and "twin_of" in refused.get_json()["errors"]
    assert claims() == []
    kid = children.add_child(p, name="小明", birth_date=date(2025, 1, 15))
    ok = client.post("/api/v1/children", json=dict(twin, twin_of=kid.id), headers=h)
    assert ok.status_code == 201
