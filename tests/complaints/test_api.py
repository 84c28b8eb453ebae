"""The JSON API: public filing and tracking, the regulator's and the centre's routes, with
404 outside the reach, 409 in the wrong state, 422 for bad input (problem+json)."""
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.complaints.models import Complaint
from tests import factories as f
from tests.complaints.world import BODY, CONTACT, file, world  # noqa: F401


def _audit(db):
    return db.session.scalar(select(func.count(AuditEvent.id)))


def test_anyone_files_anonymously_and_follows_it(client, db, world):
    resp = client.post(f"/api/v1/centres/{world['centre'].id}/complaints",
                       json={"category": "fees", "body": BODY, "contact": CONTACT})
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert out["status"] == "received" and out["due_on"] == "2026-12-14"
    assert out["provisional"] is False
    track = client.get(f"/api/v1/complaints/track/{out['tracking_code']}").get_json()
    assert track["status"] == "received" and track["centre_name"] == "阳光托育"
    assert "contact" not in track and "body" not in track
    assert client.get("/api/v1/complaints/track/nope").status_code == 404


def test_bad_input_is_422_and_changes_nothing(client, db, world):
    url = f"/api/v1/centres/{world['centre'].id}/complaints"
    before = _audit(db)
    for body, field in (({"category": "fees", "body": BODY}, "contact"),
                        ({"category": "noise", "body": BODY, "contact": CONTACT}, "category"),
                        ({"category": "fees", "body": "x" * 2001, "contact": CONTACT}, "body")):
        resp = client.post(url, json=body)
        assert resp.status_code == 422, resp.get_json()
        assert resp.mimetype == "application/problem+json" and field in resp.get_json()["errors"]
    assert client.post("/api/v1/centres/99999/complaints",
                       json={"category": "fees", "body": BODY, "contact": CONTACT}
                       ).status_code == 404
    assert _audit(db) == before and db.session.scalar(select(func.count(Complaint.id))) == 0


def test_a_parent_with_a_token_files_in_their_name(client, db, world):
    resp = client.post(f"/api/v1/centres/{world['centre'].id}/complaints",
                       headers=f.bearer(client, world["parent"]),
                       json={"category": "care", "body": BODY})
    assert resp.status_code == 201
    assert db.session.get(Complaint, resp.get_json()["id"]).complainant_user_id == \
        world["parent"].id


def test_regulator_and_centre_routes_with_scope_and_state(client, db, world):
    c = file(world)
    reg = f.bearer(client, world["regulator"])
    far = f.bearer(client, world["far_regulator"])
    director = f.bearer(client, world["director"])
    other = f.bearer(client, world["other_director"])
    [row] = client.get("/api/v1/regulator/complaints", headers=reg).get_json()
    assert row["contact"] == CONTACT and row["body"] == BODY and row["overdue"] is False
    assert client.get("/api/v1/regulator/complaints", headers=far).get_json() == []
    assert client.get(f"/api/v1/regulator/complaints/{c.id}", headers=far).status_code == 404
    assert client.post(f"/api/v1/regulator/complaints/{c.id}/ask-centre",
                       headers=far).status_code == 404
    # the centre sees nothing before it is asked
    assert client.get("/api/v1/staff/complaints", headers=director).get_json() == []
    asked = client.post(f"/api/v1/regulator/complaints/{c.id}/ask-centre", headers=reg)
    assert asked.status_code == 200 and asked.get_json()["account_due_on"] == "2026-11-30"
    again = client.post(f"/api/v1/regulator/complaints/{c.id}/ask-centre", headers=reg)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    [seen] = client.get("/api/v1/staff/complaints", headers=director).get_json()
    assert seen["body"] == BODY and "contact" not in seen and "anonymous" not in seen
    assert CONTACT not in client.get("/api/v1/staff/complaints", headers=director).get_data(
        as_text=True)
    assert client.get("/api/v1/staff/complaints", headers=other).get_json() == []
    url = f"/api/v1/staff/complaints/{c.id}/account"
    assert client.post(url, headers=other, json={"account": "x"}).status_code == 404
    assert client.post(url, headers=director, json={"account": ""}).status_code == 422
    assert client.post(url, headers=director, json={"account": "已整改"}).status_code == 200
    assert client.post(url, headers=director, json={"account": "再说"}).status_code == 409
    carer = f.bearer(client, world["carer"])
    assert client.get("/api/v1/staff/complaints", headers=carer).status_code == 403
    close = f"/api/v1/regulator/complaints/{c.id}/close"
    assert client.post(close, headers=reg, json={"outcome": "not_upheld", "text": "x",
                                                 "open_inspection": True}).status_code == 422
    assert client.post(close, headers=far, json={"outcome": "upheld", "text": "x"}
                       ).status_code == 404
    done = client.post(close, headers=reg, json={"outcome": "partly_upheld", "text": "部分属实",
                                                 "open_inspection": True})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "closed" and done.get_json()["inspection_id"]
    assert client.post(close, headers=reg, json={"outcome": "upheld", "text": "x"}
                       ).status_code == 409
    track = client.get(f"/api/v1/complaints/track/{c.tracking_code}").get_json()
    assert track["outcome"] == "partly_upheld" and track["inspection_opened"] is True
    filtered = client.get("/api/v1/regulator/complaints?status=received", headers=reg)
    assert filtered.get_json() == []
    assert client.get("/api/v1/regulator/complaints?status=lost", headers=reg).status_code == 422
