"""The JSON API: the director files, the district decides; 403 for a wrong role, 404 outside
the reach, 409 in the wrong state, 422 for bad input (problem+json), nothing changed."""
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.changes.models import CentreChange
from tests import factories as f
from tests.changes.world import MATERIALS, file, world  # noqa: F401


def _counts(db):
    return (db.session.scalar(select(func.count(AuditEvent.id))),
            db.session.scalar(select(func.count(CentreChange.id))))


def test_file_read_and_approve(client, db, world):
    director, reg = f.bearer(client, world["director"]), f.bearer(client, world["regulator"])
    url = f"/api/v1/centres/{world['centre'].id}/changes"
    resp = client.post(url, json={"capacity": 80, "materials": MATERIALS}, headers=director)
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert out["changes"] == {"capacity": {"old": "", "new": "80"}}
    assert (out["status"], out["record_due_on"], out["notice_due_on"], out["overdue"]) == (
        "submitted", "2026-11-30", "2026-12-14", False)
    assert [c["id"] for c in client.get(url, headers=director).get_json()] == [out["id"]]
    assert [c["id"] for c in client.get("/api/v1/changes?status=due", headers=reg)
            .get_json()] == [out["id"]]
    assert client.get("/api/v1/changes?status=overdue", headers=reg).get_json() == []
    assert client.get(f"/api/v1/changes/{out['id']}", headers=reg).get_json()["id"] == out["id"]
    done = client.post(f"/api/v1/changes/{out['id']}/approve", json={}, headers=reg)
    assert done.status_code == 200 and done.get_json()["status"] == "approved"
    again = client.post(f"/api/v1/changes/{out['id']}/reject", json={"reason": "晚了"},
                        headers=reg)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    disclosure = client.get(f"/centres/{world['centre'].id}").get_data(as_text=True)
    assert "变更记录" in disclosure


def test_refusals_change_nothing(client, db, world):
    c = file(world)
    url = f"/api/v1/centres/{world['centre'].id}/changes"
    director, reg = f.bearer(client, world["director"]), f.bearer(client, world["regulator"])
    far = f.bearer(client, world["far_regulator"])
    parent = f.bearer(client, world["parent"])
    other = f.bearer(client, world["other_director"])
    before = _counts(db)  # (issuing a token is itself audited)
    # a second open change
    second = client.post(url, json={"manager": "张三", "materials": MATERIALS}, headers=director)
    assert second.status_code == 409
    # wrong role: a parent, a carer; a regulator may not file; a director may not decide
    assert client.post(url, json={"capacity": 9, "materials": MATERIALS},
                       headers=parent).status_code == 403
    assert client.post(url, json={"capacity": 9, "materials": MATERIALS},
                       headers=reg).status_code == 403
    assert client.post(f"/api/v1/changes/{c.id}/approve", json={},
                       headers=director).status_code == 403
    assert client.get("/api/v1/changes", headers=director).status_code == 403
    # another centre's director, another district's regulator: as missing
    assert client.post(url, json={"capacity": 9, "materials": MATERIALS},
                       headers=other).status_code == 404
    assert client.get(url, headers=far).status_code == 404
    assert client.get(f"/api/v1/changes/{c.id}", headers=far).status_code == 404
    assert client.post(f"/api/v1/changes/{c.id}/approve", json={},
                       headers=far).status_code == 404
    assert client.get("/api/v1/changes", headers=far).get_json() == []
    # a return or refusal without its reason; bad values
    for action in ("return", "reject"):
        for body in ({}, {"reason": ""}, {"reason": "   "}):
            resp = client.post(f"/api/v1/changes/{c.id}/{action}", json=body, headers=reg)
            assert resp.status_code == 422 and "reason" in resp.get_json()["errors"], body
    assert client.post(url, json={"capacity": "80", "materials": MATERIALS},
                       headers=director).status_code == 422
    assert _counts(db) == before
    db.session.refresh(c)
    assert c.status == "submitted" and world["centre"].approved_places is None


def test_return_and_resubmit(client, db, world):
    c = file(world)
    director, reg = f.bearer(client, world["director"]), f.bearer(client, world["regulator"])
    resp = client.post(f"/api/v1/changes/{c.id}/return", json={"reason": "请补充消防验收"},
                       headers=reg)
    assert resp.get_json()["status"] == "returned"
    again = client.post(f"/api/v1/changes/{c.id}/resubmit",
                        json={"capacity": 85, "materials": MATERIALS + "；消防验收"},
                        headers=director)
    assert again.status_code == 200 and again.get_json()["status"] == "submitted"
    assert again.get_json()["changes"]["capacity"]["new"] == "85"
    assert client.post(f"/api/v1/changes/{c.id}/resubmit",
                       json={"capacity": 85, "materials": MATERIALS},
                       headers=director).status_code == 409
