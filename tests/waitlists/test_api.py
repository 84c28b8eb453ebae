"""docs/api.md, Waitlists: joining, reading an entry, withdrawing, offers, bad input."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from booking.places import sweeps
from booking import clock
from booking.audit.models import AuditEvent
from booking.children import services as children
from booking.extensions import db as _db
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.waitlists.models import WaitlistEntry
from tests import factories as f
from tests.conftest import NOW

PROBLEM = "https://tuowei.example/problems/"


def counts():
    return (_db.session.scalar(select(func.count(WaitlistEntry.id))),
            _db.session.scalar(select(func.count(Reservation.id))),
            _db.session.scalar(select(func.count(AuditEvent.id))))


def assert_problem(resp, status, slug):
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.content_type == "application/problem+json"
    body = resp.get_json()
    assert body["type"] == PROBLEM + slug and body["status"] == status
    return body


@pytest.fixture
def w(client):
    c = f.centre()
    s = f.slot(c, capacity=1)
    holder = f.user()
    first_hold = reservations.place_hold(slot_id=s.id, child_id=f.child(holder).id, parent=holder)
    parent = f.user()
    kid = f.child(parent)
    staff = f.user("staff", centre_id=c.id)
    return {"centre": c, "slot": s, "holder": holder, "hold": first_hold, "parent": parent,
            "kid": kid, "staff": staff, "hp": f.bearer(client, parent),
            "hs": f.bearer(client, staff)}


def join(client, w, headers=None, **kw):
    return client.post("/api/v1/waitlist", json={"slot_id": w["slot"].id,
                                                 "child_id": w["kid"].id, **kw},
                       headers=headers or w["hp"])


def test_join_201_waiting_with_position_and_priority(client, w):
    resp = join(client, w)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["status"], body["position"], body["priority"]) == ("waiting", 1, 7)
    assert body["offer_expires_at"] is None and body["reservation_id"] is None
    other = f.user()
    second = client.post("/api/v1/waitlist", json={"slot_id": w["slot"].id,
                                                   "child_id": f.child(other).id},
                         headers=f.bearer(client, other)).get_json()
    assert second["position"] == 2


def test_join_with_a_claimed_tier(client, w):
    body = join(client, w, tier="employer_staff", evidence="在职证明").get_json()
    assert (body["tier"], body["priority"]) == ("employer_staff", 4)


def test_get_entry_shape_and_visibility(client, w):
    eid = join(client, w).get_json()["id"]
    resp = client.get(f"/api/v1/waitlist/{eid}", headers=w["hp"])
    assert resp.status_code == 200
    body = resp.get_json()
    assert {"id", "status", "position", "priority", "offer_expires_at", "reservation_id"} <= set(body)
    assert client.get(f"/api/v1/waitlist/{eid}", headers=w["hs"]).status_code == 200
    for stranger in (f.user(), f.user("staff", centre_id=f.centre().id)):
        assert_problem(client.get(f"/api/v1/waitlist/{eid}", headers=f.bearer(client, stranger)),
                       404, "not-found")
    assert_problem(client.get(f"/api/v1/waitlist/{eid}"), 401, "unauthorized")


def test_an_offer_shows_its_hold_and_expiry(client, w):
    eid = join(client, w).get_json()["id"]
    resp = client.post(f"/api/v1/reservations/{w['hold'].id}/cancel",
                       headers=f.bearer(client, w["holder"]))
    assert resp.status_code == 200
    body = client.get(f"/api/v1/waitlist/{eid}", headers=w["hp"]).get_json()
    assert body["status"] == "offered" and body["position"] is None
    assert body["offer_expires_at"].endswith("+08:00")
    assert datetime.fromisoformat(body["offer_expires_at"]) == NOW + timedelta(hours=24)
    held = client.get(f"/api/v1/reservations/{body['reservation_id']}", headers=w["hp"]).get_json()
    assert (held["status"], held["child_id"]) == ("held", w["kid"].id)
    assert held["expires_at"] == body["offer_expires_at"]
    # unanswered, it lapses; the next read shows the hold expired
    clock.advance(timedelta(hours=24))
    sweeps.release_lapsed()
    assert client.get(f"/api/v1/waitlist/{eid}", headers=w["hp"]).get_json()["status"] == "expired"


def test_withdraw_200_then_409(client, w):
    eid = join(client, w).get_json()["id"]
    assert_problem(client.post(f"/api/v1/waitlist/{eid}/withdraw",
                               headers=f.bearer(client, f.user())), 404, "not-found")
    assert_problem(client.post(f"/api/v1/waitlist/{eid}/withdraw", headers=w["hs"]), 403,
                   "forbidden")
    resp = client.post(f"/api/v1/waitlist/{eid}/withdraw", headers=w["hp"])
    assert resp.status_code == 200 and resp.get_json()["status"] == "withdrawn"
    assert_problem(client.post(f"/api/v1/waitlist/{eid}/withdraw", headers=w["hp"]), 409,
                   "conflict")


def test_twins_join_through_the_api_as_one_unit(client, w):
    a = children.add_child(w["parent"], name="双胞胎甲", birth_date=date(2025, 9, 1))
    b = children.add_child(w["parent"], name="双胞胎乙", birth_date=date(2025, 9, 1), twin_of=a.id)
    resp = client.post("/api/v1/waitlist", json={"slot_id": w["slot"].id, "child_id": b.id},
                       headers=w["hp"])
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["child_id"] == b.id and body["unit_size"] == 2
    assert sorted(e["child_id"] for e in body["entries"]) == sorted([a.id, b.id])
    assert {e["position"] for e in body["entries"]} == {1}


def test_join_refusals(client, w):
    assert join(client, w).status_code == 201
    assert_problem(join(client, w), 409, "already-reserved")
    assert_problem(client.post("/api/v1/waitlist", json={
        "slot_id": w["slot"].id, "child_id": w["hold"].child_id}, headers=f.bearer(
            client, w["holder"])), 409, "already-reserved")
    young = f.child(w["parent"], birth_date=date(2026, 6, 1))
    assert_problem(join(client, w, child_id=young.id), 422, "age-out-of-band")
    assert_problem(join(client, w, headers=w["hs"]), 403, "forbidden")
    assert_problem(join(client, w, headers=f.bearer(client, f.user())), 404, "not-found")


@pytest.mark.parametrize("extra, field", [
    ({"tier": "sibling", "evidence": "x"}, "tier"),       # derived, not claimed
    ({"tier": "vip", "evidence": "x"}, "tier"),
    ({"tier": "employer_staff"}, "evidence"),
    ({"tier": "employer_staff", "evidence": "  "}, "evidence"),
    ({"tier": "employer_staff", "evidence": "x" * 501}, "evidence"),
    ({"child_id": "abc"}, "child_id"),
    ({"slot_id": None}, "slot_id"),
])
def test_bad_input_422_writes_nothing(client, w, extra, field):
    before = counts()
    body = assert_problem(join(client, w, **extra), 422, "validation")
    assert any(k.startswith(field) for k in body["errors"]), body["errors"]
    assert counts() == before


def test_malformed_body_400_writes_nothing(client, w):
    before = counts()
    assert_problem(client.post("/api/v1/waitlist", data="[", content_type="application/json",
                               headers=w["hp"]), 400, "validation")
    assert_problem(client.post("/api/v1/waitlist", json=[], headers=w["hp"]), 400, "validation")
    assert counts() == before


def test_idempotent_join(client, w):
    headers = {**w["hp"], "Idempotency-Key": "join-1"}
    first = join(client, w, headers=headers)
    again = join(client, w, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert _db.session.scalar(select(func.count(WaitlistEntry.id))) == 1
