"""docs/api.md: intake health checks, verification, and enrolment after them."""
from datetime import date

import pytest

from booking.health import services as health
from booking.errors import Forbidden, NotFound
from booking.reservations import services as reservations
from tests import factories as f

CHECK = {"examined_on": "2026-11-20", "institution": "雁塔区妇幼保健院", "result": "pass",
         "vaccination_verified": True}


@pytest.fixture
def world(client):
    c = f.centre()
    s = f.slot(c, capacity=2)
    parent = f.user()
    kid = f.child(parent)
    staff = f.user("staff", centre_id=c.id)
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    return {"slot": s, "parent": parent, "kid": kid, "staff": staff, "hold": hold,
            "hp": f.bearer(client, parent), "hs": f.bearer(client, staff)}


def test_hold_check_verify_enrol(client, world):
    w = world
    before = client.post(f"/api/v1/reservations/{w['hold'].id}/confirm", headers=w["hs"])
    assert before.status_code == 409 and before.get_json()["type"].endswith("/health-check-required")
    resp = client.post(f"/api/v1/children/{w['kid'].id}/health-checks", json=CHECK, headers=w["hp"])
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "submitted" and body["valid_until"] == "2027-02-18"  # 90 days
    # still not verified: no enrolment
    assert client.post(f"/api/v1/reservations/{w['hold'].id}/confirm",
                       headers=w["hs"]).status_code == 409
    ver = client.post(f"/api/v1/health-checks/{body['id']}/verify", headers=w["hs"])
    assert ver.status_code == 200 and ver.get_json()["status"] == "verified"
    again = client.post(f"/api/v1/health-checks/{body['id']}/verify", headers=w["hs"])
    assert again.status_code == 409
    # valid_until 2027-02-18 is before the slot's start (2027-03-01): still required
    assert client.post(f"/api/v1/reservations/{w['hold'].id}/confirm",
                       headers=w["hs"]).status_code == 409


def test_check_valid_on_start_date_enrols(client, world, db):
    w = world
    late = dict(CHECK, examined_on="2026-11-23")
    body = client.post(f"/api/v1/children/{w['kid'].id}/health-checks", json=late,
                       headers=w["hp"]).get_json()
    # a 90-day check from 23 Nov lasts to 21 Feb; use the city policy's longer validity
    assert body["valid_until"] == "2027-02-21"
    policy = f.policy(city=w["slot"].centre.district.city)
    policy.health_check_valid_days = 120
    db.session.commit()
    body = client.post(f"/api/v1/children/{w['kid'].id}/health-checks", json=late,
                       headers=w["hp"]).get_json()
    assert body["valid_until"] == "2027-03-23"
    client.post(f"/api/v1/health-checks/{body['id']}/verify", headers=w["hs"])
    ok = client.post(f"/api/v1/reservations/{w['hold'].id}/confirm", headers=w["hs"])
    assert ok.status_code == 200 and ok.get_json()["status"] == "enrolled"


def test_strangers_cannot_enter_or_verify(client, world):
    w = world
    other_parent = f.user()
    other_staff = f.user("staff", centre_id=f.centre().id)
    url = f"/api/v1/children/{w['kid'].id}/health-checks"
    assert client.post(url, json=CHECK, headers=f.bearer(client, other_parent)).status_code == 404
    assert client.post(url, json=CHECK, headers=f.bearer(client, other_staff)).status_code == 404
    check_id = client.post(url, json=CHECK, headers=w["hp"]).get_json()["id"]
    assert client.post(f"/api/v1/health-checks/{check_id}/verify",
                       headers=f.bearer(client, other_staff)).status_code == 404
    assert client.post(f"/api/v1/health-checks/{check_id}/verify",
                       headers=w["hp"]).status_code == 403


@pytest.mark.parametrize("patch, field", [
    ({"examined_on": "2026-02-30"}, "examined_on"),
    ({"examined_on": "2030-01-01"}, "examined_on"),
    ({"result": "maybe"}, "result"),
    ({"vaccination_verified": "yes"}, "vaccination_verified"),
    ({"institution": "x" * 200}, "institution"),
])
def test_bad_input_is_422_and_writes_nothing(client, world, db, patch, field):
    from booking.health.models import HealthCheck
    resp = client.post(f"/api/v1/children/{world['kid'].id}/health-checks",
                       json=dict(CHECK, **patch), headers=world["hp"])
    assert resp.status_code == 422
    assert field in resp.get_json()["errors"]
    assert db.session.scalar(db.select(db.func.count(HealthCheck.id))) == 0


def test_regulator_reads_only_with_a_reason_and_is_logged(world, db):
    from booking.audit.models import AuditEvent
    check = health.submit(world["kid"].id, world["parent"], examined_on=date(2026, 11, 20),
                          institution="x", result="pass", vaccination_verified=True)
    regulator = f.user("regulator")
    with pytest.raises(Forbidden):
        health.read(check.id, regulator)
    assert health.read(check.id, regulator, reason="投诉核查").id == check.id
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "health_check.read"))
    assert event.actor_id == regulator.id and event.reason == "投诉核查"
    with pytest.raises(NotFound):
        health.read(check.id, f.user())
