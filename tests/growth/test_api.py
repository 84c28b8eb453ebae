"""The API for mini-program clients: notes (GET/POST/DELETE), growth and measurements with
z-scores, the child's sex, a centre's flags; problem documents; privacy."""
import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.growth import notes
from tests import factories as f


def _reads(db, action, actor):
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == action, AuditEvent.actor_id == actor.id))


def test_notes_round_trip(client, world, db):
    h = f.bearer(client, world.parent)
    url = f"/api/v1/children/{world.kid.id}/health-notes"
    resp = client.post(url, json={"kind": "allergy", "title": "花生", "severity": "severe",
                                  "reaction": "呼吸困难"}, headers=h)
    assert resp.status_code == 201, resp.get_json()
    note = resp.get_json()
    assert note["entered_as"] == "guardian" and note["removed_at"] is None
    resp = client.post(url, json={"kind": "medication", "title": "布洛芬", "dose": "5 毫升",
                                  "schedule": "发热时", "starts_on": "2026-11-23",
                                  "ends_on": "2026-11-30"}, headers=h)
    assert resp.status_code == 201 and resp.get_json()["signed_by"] == world.parent.id
    listed = client.get(url, headers=h).get_json()
    assert [n["title"] for n in listed] == ["花生", "布洛芬"]
    resp = client.delete(f"/api/v1/health-notes/{note['id']}", headers=h)
    assert resp.status_code == 200 and resp.get_json()["removed_at"] is not None
    assert client.delete(f"/api/v1/health-notes/{note['id']}", headers=h).status_code == 409
    assert [n["title"] for n in client.get(url, headers=h).get_json()] == ["布洛芬"]


def test_a_wrong_note_is_a_422_naming_the_fields(client, world):
    h = f.bearer(client, world.parent)
    resp = client.post(f"/api/v1/children/{world.kid.id}/health-notes",
                       json={"kind": "allergy", "title": "花生"}, headers=h)
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert "severity" in resp.get_json()["errors"]
    resp = client.post(f"/api/v1/children/{world.kid.id}/health-notes",
                       json={"kind": "rash", "title": "x"}, headers=h)
    assert resp.status_code == 422 and "kind" in resp.get_json()["errors"]


def test_staff_reads_through_the_api_are_logged(client, world, db):
    notes.add(world.kid.id, world.parent, kind="diet", title="清真")
    h = f.bearer(client, world.carer)
    resp = client.get(f"/api/v1/children/{world.kid.id}/health-notes", headers=h)
    assert resp.status_code == 200 and resp.get_json()[0]["title"] == "清真"
    assert _reads(db, "health_note.read", world.carer) == 1
    assert client.get(f"/api/v1/children/{world.kid.id}/growth", headers=h).status_code == 200
    assert _reads(db, "growth.read", world.carer) == 1
    # A carer reads but does not write.
    assert client.post(f"/api/v1/children/{world.kid.id}/health-notes",
                       json={"kind": "diet", "title": "x"}, headers=h).status_code == 403


@pytest.mark.parametrize("who,status", [("other_parent", 404), ("director_b", 404),
                                        ("health_b", 404), ("finance", 403),
                                        ("regulator", 403)])
def test_privacy(client, world, db, who, status):
    note = notes.add(world.kid.id, world.parent, kind="allergy", title="花生", severity="mild")
    h = f.bearer(client, getattr(world, who))
    kid = world.kid.id
    for method, url, body in (
            ("GET", f"/api/v1/children/{kid}/health-notes", None),
            ("GET", f"/api/v1/children/{kid}/growth", None),
            ("POST", f"/api/v1/children/{kid}/measurements",
             {"measured_on": "2026-11-20", "weight_kg": 9.0}),
            ("DELETE", f"/api/v1/health-notes/{note.id}", None)):
        resp = client.open(url, method=method, json=body, headers=h)
        assert resp.status_code == status, (method, url, resp.get_json())
        assert "花生" not in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(("health_note.read", "growth.read", "growth.measured",
                               "health_note.removed")))) == 0


def test_measurements_with_z_scores_in_the_answer(client, world, db):
    h = f.bearer(client, world.parent)
    url = f"/api/v1/children/{world.kid.id}/measurements"
    resp = client.post(url, json={"measured_on": "2026-11-20", "height_cm": 73.0,
                                  "weight_kg": 7.0}, headers=h)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["measured_by"] == "guardian" and body["z"]["flagged"] is True
    assert "wfa" in body["z"]["below"] and body["z"]["wfa"] < -2
    growth = client.get(f"/api/v1/children/{world.kid.id}/growth", headers=h).get_json()
    assert growth["sex"] == "f" and growth["flagged"] is True
    assert [p["id"] for p in growth["points"]] == [body["id"]]


@pytest.mark.parametrize("body,field", [
    ({"measured_on": "2026-11-20", "height_cm": 131}, "height_cm"),
    ({"measured_on": "2026-11-20", "weight_kg": 0.5}, "weight_kg"),
    ({"measured_on": "2026-11-24", "weight_kg": 9}, "measured_on"),
    ({"measured_on": "2025-05-01", "weight_kg": 9}, "measured_on"),
    ({"measured_on": "2026-11-20"}, "height_cm"),
    ({"measured_on": "2026-11-20", "weight_kg": "9"}, "weight_kg"),
])
def test_measurement_validation(client, world, body, field):
    resp = client.post(f"/api/v1/children/{world.kid.id}/measurements", json=body,
                       headers=f.bearer(client, world.parent))
    assert resp.status_code == 422 and field in resp.get_json()["errors"]


def test_staff_measure_their_centres_children_only(client, world):
    h = f.bearer(client, world.health)
    body = {"measured_on": "2026-11-23", "weight_kg": 10.0}
    resp = client.post(f"/api/v1/children/{world.kid.id}/measurements", json=body, headers=h)
    assert resp.status_code == 201 and resp.get_json()["measured_by"] == "centre"
    assert client.post(f"/api/v1/children/{world.kid_b.id}/measurements", json=body,
                       headers=h).status_code == 404


def test_the_sex_and_the_flags(client, world):
    h = f.bearer(client, world.other_parent)
    url = f"/api/v1/children/{world.other_kid.id}"
    client.post(f"{url}/measurements", json={"measured_on": "2026-11-20", "height_cm": 76.0,
                                             "weight_kg": 7.0}, headers=h)
    before = client.get(f"{url}/growth", headers=h).get_json()
    assert before["points"][0]["z"]["missing"] == "sex" and before["flagged"] is False
    after = client.put(f"{url}/sex", json={"sex": "m"}, headers=h).get_json()
    assert after["sex"] == "m" and after["flagged"] is True
    staff = f.bearer(client, world.health)
    flags = client.get(f"/api/v1/centres/{world.centre.id}/growth-flags", headers=staff)
    assert flags.status_code == 200
    assert [(r["child_id"], r["flagged"]) for r in flags.get_json()] == [
        (world.other_kid.id, True), (world.kid.id, False)]
    assert client.get(f"/api/v1/centres/{world.centre_b.id}/growth-flags",
                      headers=staff).status_code == 404
    assert client.get(f"/api/v1/centres/{world.centre.id}/growth-flags",
                      headers=h).status_code == 404
