"""docs/api.md, Reservations: shapes, statuses, who sees what, idempotency, bad input."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.audit.models import AuditEvent
from booking.extensions import db as _db
from booking.health.models import HealthCheck
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.waitlists import services as waitlists
from tests import factories as f
from tests.conftest import NOW

PROBLEM = "https://tuowei.example/problems/"


def family(birth_date=date(2025, 9, 1)):
    parent = f.user()
    return parent, f.child(parent, birth_date=birth_date)


def counts():
    return (_db.session.scalar(select(func.count(Reservation.id))),
            _db.session.scalar(select(func.count(AuditEvent.id))))


def assert_problem(resp, status, slug):
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.content_type == "application/problem+json"
    body = resp.get_json()
    assert body["type"] == PROBLEM + slug and body["status"] == status
    assert body["title"] and body["detail"]
    return body


@pytest.fixture
def w(client):
    c = f.centre()
    s = f.slot(c, capacity=1)
    parent, kid = family()
    staff = f.user("staff", centre_id=c.id)
    return {"centre": c, "slot": s, "parent": parent, "kid": kid, "staff": staff,
            "hp": f.bearer(client, parent), "hs": f.bearer(client, staff)}


def hold(client, w, **kw):
    return client.post("/api/v1/reservations", json={"slot_id": w["slot"].id,
                                                     "child_id": w["kid"].id, **kw},
                       headers=w["hp"])


def test_hold_201_with_its_expiry_as_an_instant_with_offset(client, w):
    resp = hold(client, w)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert {"id", "status", "expires_at", "slot_id", "child_id"} <= set(body)
    assert (body["status"], body["slot_id"], body["child_id"]) == \
        ("held", w["slot"].id, w["kid"].id)
    assert body["expires_at"].endswith("+08:00")  # shown in Beijing time, with its offset
    assert datetime.fromisoformat(body["expires_at"]) == NOW + timedelta(hours=48)
    assert _db.session.get(Reservation, body["id"]).status == "held"


def test_slot_full_409_points_to_the_waitlist(client, w):
    assert hold(client, w).status_code == 201
    other, kid = family()
    resp = client.post("/api/v1/reservations", json={"slot_id": w["slot"].id, "child_id": kid.id},
                       headers=f.bearer(client, other))
    body = assert_problem(resp, 409, "slot-full")
    assert body["waitlist_url"] == f"/api/v1/waitlist?slot_id={w['slot'].id}"


def test_already_reserved_409(client, w):
    assert hold(client, w).status_code == 201
    before = counts()
    assert_problem(hold(client, w), 409, "already-reserved")
    assert counts() == before


def test_age_out_of_band_422(client, w):
    kid = f.child(w["parent"], birth_date=date(2026, 5, 1))  # 10 months at the start
    before = counts()
    body = assert_problem(client.post("/api/v1/reservations", json={
        "slot_id": w["slot"].id, "child_id": kid.id}, headers=w["hp"]), 422, "age-out-of-band")
    assert "10" in body["detail"]
    assert counts() == before


def test_who_may_hold(client, w):
    assert_problem(client.post("/api/v1/reservations", json={"slot_id": w["slot"].id,
                                                              "child_id": w["kid"].id}),
                   401, "unauthorized")
    assert_problem(client.post("/api/v1/reservations", json={
        "slot_id": w["slot"].id, "child_id": w["kid"].id}, headers=w["hs"]), 403, "forbidden")
    stranger = f.bearer(client, f.user())  # not the child's guardian: the child is not theirs
    assert_problem(client.post("/api/v1/reservations", json={
        "slot_id": w["slot"].id, "child_id": w["kid"].id}, headers=stranger), 404, "not-found")
    assert_problem(client.post("/api/v1/reservations", json={
        "slot_id": 999999, "child_id": w["kid"].id}, headers=w["hp"]), 404, "not-found")
    assert counts()[0] == 0


@pytest.mark.parametrize("payload, status", [
    ({}, 422),
    ({"slot_id": 1}, 422),
    ({"slot_id": "1", "child_id": "1"}, 422),      # strict: a string is not an id
    ({"slot_id": 0, "child_id": 1}, 422),
    ({"slot_id": -5, "child_id": 1}, 422),
    ({"slot_id": 2**40, "child_id": 1}, 422),
    ({"slot_id": 1.5, "child_id": 1}, 422),
    ({"slot_id": None, "child_id": 1}, 422),
    ([1, 2], 400),
    ("text", 400),
])
def test_bad_input_is_a_problem_and_writes_nothing(client, w, payload, status):
    before = counts()
    resp = client.post("/api/v1/reservations", json=payload, headers=w["hp"])
    body = assert_problem(resp, status, "validation")
    if status == 422:
        assert body["errors"]
    assert counts() == before


def test_malformed_bodies_are_400(client, w):
    before = counts()
    for data, ctype in [("{not json", "application/json"), ("slot_id=1&child_id=1",
                                                           "application/x-www-form-urlencoded"),
                        ("\xff\xfe", "application/json")]:
        assert_problem(client.post("/api/v1/reservations", data=data, content_type=ctype,
                                   headers=w["hp"]), 400, "validation")
    assert counts() == before


def test_idempotency_key_replays_the_first_answer(client, w):
    headers = {**w["hp"], "Idempotency-Key": "hold-once-123"}
    first = client.post("/api/v1/reservations", json={"slot_id": w["slot"].id,
                                                      "child_id": w["kid"].id}, headers=headers)
    assert first.status_code == 201
    before = counts()
    again = client.post("/api/v1/reservations", json={"slot_id": w["slot"].id,
                                                      "child_id": w["kid"].id}, headers=headers)
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert counts() == before
    # without the key, the same request is a new one: already reserved
    assert_problem(hold(client, w), 409, "already-reserved")
    # another parent's identical key is theirs alone
    other, kid = family()
    mine = client.post("/api/v1/reservations", json={"slot_id": w["slot"].id, "child_id": kid.id},
                       headers={**f.bearer(client, other), "Idempotency-Key": "hold-once-123"})
    assert_problem(mine, 409, "slot-full")
    assert counts()[0] == 1


def test_a_refused_request_is_not_remembered_so_its_key_can_be_retried(client, w):
    hold(client, w)
    other, kid = family()
    headers = {**f.bearer(client, other), "Idempotency-Key": "k-409"}
    payload = {"slot_id": w["slot"].id, "child_id": kid.id}
    assert_problem(client.post("/api/v1/reservations", json=payload, headers=headers), 409,
                   "slot-full")
    reservations.cancel(_db.session.scalar(select(Reservation.id)), w["parent"])
    retried = client.post("/api/v1/reservations", json=payload, headers=headers)
    assert retried.status_code == 201
    replayed = client.post("/api/v1/reservations", json=payload, headers=headers)
    assert replayed.status_code == 201 and replayed.get_json() == retried.get_json()
    assert _db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.child_id == kid.id)) == 1


def test_cancel_200(client, w):
    rid = hold(client, w).get_json()["id"]
    other = f.bearer(client, f.user())
    assert_problem(client.post(f"/api/v1/reservations/{rid}/cancel", headers=other), 404,
                   "not-found")
    resp = client.post(f"/api/v1/reservations/{rid}/cancel", headers=w["hp"])
    assert resp.status_code == 200
    assert resp.get_json()["status"] == "cancelled" and resp.get_json()["id"] == rid
    assert_problem(client.post(f"/api/v1/reservations/{rid}/cancel", headers=w["hp"]), 409,
                   "conflict")
    # the place is free again at once
    slots = client.get(f"/api/v1/centres/{w['centre'].id}/slots").get_json()
    items = slots["items"] if isinstance(slots, dict) else slots
    assert [s["available"] for s in items if s["id"] == w["slot"].id] == [1]


def test_staff_cancel_200(client, w):
    rid = hold(client, w).get_json()["id"]
    resp = client.post(f"/api/v1/reservations/{rid}/cancel", headers=w["hs"])
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"


def test_cancel_takes_an_optional_reason(client, w):
    from booking.audit.models import AuditEvent
    rid = hold(client, w).get_json()["id"]
    assert_problem(client.post(f"/api/v1/reservations/{rid}/cancel", headers=w["hs"],
                               json={"reason": "长" * 201}), 422, "validation")
    assert_problem(client.post(f"/api/v1/reservations/{rid}/cancel", headers=w["hs"],
                               json=["not", "an", "object"]), 400, "validation")
    resp = client.post(f"/api/v1/reservations/{rid}/cancel", headers=w["hs"],
                       json={"reason": "名额调整"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"
    [event] = _db.session.scalars(_db.select(AuditEvent).where(
        AuditEvent.action == "reservation.cancelled")).all()
    assert event.reason == "名额调整"


def test_confirm_200_after_a_valid_check_and_409_before(client, w):
    rid = hold(client, w).get_json()["id"]
    assert_problem(client.post(f"/api/v1/reservations/{rid}/confirm", headers=w["hs"]), 409,
                   "health-check-required")
    assert_problem(client.post(f"/api/v1/reservations/{rid}/confirm", headers=w["hp"]), 403,
                   "forbidden")
    _db.session.add(HealthCheck(child_id=w["kid"].id, examined_on=date(2026, 11, 20),
                                institution="妇幼保健院", result="pass", vaccination_verified=True,
                                status="verified", valid_until=date(2027, 3, 1),
                                submitted_by=w["parent"].id))
    _db.session.commit()
    other_staff = f.bearer(client, f.user("staff", centre_id=f.centre().id))
    assert_problem(client.post(f"/api/v1/reservations/{rid}/confirm", headers=other_staff), 404,
                   "not-found")
    resp = client.post(f"/api/v1/reservations/{rid}/confirm", headers=w["hs"])
    assert resp.status_code == 200 and resp.get_json() == {"id": rid, "status": "enrolled"}
    assert_problem(client.post(f"/api/v1/reservations/{rid}/cancel", headers=w["hp"]), 409,
                   "conflict")


def test_confirm_of_a_lapsed_hold_409(client, w):
    rid = hold(client, w).get_json()["id"]
    clock.advance(timedelta(hours=48))
    assert_problem(client.post(f"/api/v1/reservations/{rid}/confirm", headers=w["hs"]), 409,
                   "conflict")


def test_get_one_visibility(client, w):
    rid = hold(client, w).get_json()["id"]
    for headers in (w["hp"], w["hs"], f.bearer(client, f.user("regulator"))):
        resp = client.get(f"/api/v1/reservations/{rid}", headers=headers)
        assert resp.status_code == 200 and resp.get_json()["id"] == rid
    for stranger in (f.user(), f.user("staff", centre_id=f.centre().id)):
        assert_problem(client.get(f"/api/v1/reservations/{rid}",
                                  headers=f.bearer(client, stranger)), 404, "not-found")
    assert_problem(client.get(f"/api/v1/reservations/{rid}"), 401, "unauthorized")
    assert_problem(client.get("/api/v1/reservations/999999", headers=w["hp"]), 404, "not-found")


def test_a_lapsed_hold_reads_as_expired_before_any_job(client, w):
    rid = hold(client, w).get_json()["id"]
    clock.advance(timedelta(hours=48))
    assert client.get(f"/api/v1/reservations/{rid}", headers=w["hp"]).get_json()["status"] == \
        "expired"


def test_lists_parents_see_their_own_staff_their_centres(client, w):
    mine = hold(client, w).get_json()["id"]
    other_centre = f.centre()
    other_slot = f.slot(other_centre, capacity=3)
    other_parent, other_kid = family()
    theirs = reservations.place_hold(slot_id=other_slot.id, child_id=other_kid.id,
                                     parent=other_parent).id
    # the same parent's second child elsewhere is theirs too
    second = f.child(w["parent"])
    elsewhere = reservations.place_hold(slot_id=other_slot.id, child_id=second.id,
                                        parent=w["parent"]).id

    def ids(headers, **params):
        resp = client.get("/api/v1/reservations", headers=headers, query_string=params)
        assert resp.status_code == 200
        body = resp.get_json()
        assert set(body) >= {"items", "total", "page", "per_page"}
        assert body["total"] == len(body["items"])
        return sorted(r["id"] for r in body["items"])

    assert ids(w["hp"]) == sorted([mine, elsewhere])
    assert ids(w["hs"]) == [mine]
    other_staff = f.bearer(client, f.user("staff", centre_id=other_centre.id))
    assert ids(other_staff) == sorted([theirs, elsewhere])
    assert ids(f.bearer(client, other_parent)) == [theirs]
    assert ids(w["hp"], slot_id=w["slot"].id) == [mine]
    assert ids(w["hp"], status="cancelled") == []
    resp = client.get("/api/v1/reservations", headers=w["hp"], query_string={"per_page": 500})
    assert_problem(resp, 422, "validation")


def test_capacity_below_what_is_taken_409_and_raising_it_offers_the_queue(client, w):
    hold(client, w)
    waiter = f.user()
    [entry] = waitlists.join(
        slot_id=w["slot"].id, child_id=f.child(waiter).id, parent=waiter)
    body = assert_problem(client.patch(f"/api/v1/slots/{w['slot'].id}", json={"capacity": 0},
                                       headers=w["hs"]), 409, "conflict")
    assert "errors" not in body and "1" in body["detail"]  # `errors` is for 422 only
    resp = client.patch(f"/api/v1/slots/{w['slot'].id}", json={"capacity": 2}, headers=w["hs"])
    assert resp.status_code == 200
    assert (resp.get_json()["capacity"], resp.get_json()["available"]) == (2, 0)
    _db.session.expire_all()
    assert _db.session.get(type(entry), entry.id).status == "offered"
