"""The JSON API: apply, list, grant, refuse, withdraw, with 403 for the wrong role, 404 outside
the reach, 409 in the wrong state, 422 for bad input, nothing changed on a refusal."""
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.recognition.models import Recognition
from tests import factories as f
from tests.recognition.world import world  # noqa: F401


def _audit(db):
    """Recognition events only (issuing a token writes its own)."""
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.like("recognition.%")))


def _apply(client, w, **body):
    return client.post(f"/api/v1/centres/{w['centre'].id}/recognitions",
                       headers=f.bearer(client, w["director"]),
                       json=body or {"kind": "star", "stars": 4})


def test_apply_list_and_grant(client, db, world):
    resp = _apply(client, world)
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert out["status"] == "applied" and out["stars"] == 4 and out["in_force"] is False
    assert {c["code"] for c in out["criteria"]} == {"inspection_grade", "complaints_upheld_12m"}
    reg = f.bearer(client, world["regulator"])
    resp = client.post(f"/api/v1/recognitions/{out['id']}/grant", headers=reg,
                       json={"valid_until": "2027-11-30"})
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert got["in_force"] and got["valid_from"] == "2026-11-23" and got["valid_until"] == "2027-11-30"
    listed = client.get(f"/api/v1/centres/{world['centre'].id}/recognitions", headers=reg)
    assert [r["id"] for r in listed.get_json()] == [out["id"]]
    detail = client.get(f"/api/v1/centres/{world['centre'].id}").get_json()
    assert detail["star_rating"] == 4
    # deciding again: 409, nothing changed
    before = _audit(db)
    assert client.post(f"/api/v1/recognitions/{out['id']}/refuse", headers=reg,
                       json={"reason": "晚了"}).status_code == 409
    assert _audit(db) == before


def test_second_open_application_is_409(client, db, world):
    assert _apply(client, world, kind="affordable").status_code == 201
    resp = _apply(client, world, kind="affordable")
    assert resp.status_code == 409 and resp.mimetype == "application/problem+json"
    assert db.session.scalar(select(func.count(Recognition.id))) == 1


def test_roles_and_scope(client, db, world):
    rec_id = _apply(client, world).get_json()["id"]
    before = _audit(db)
    # a carer may not apply; a parent may not decide: 403
    assert client.post(f"/api/v1/centres/{world['centre'].id}/recognitions",
                       headers=f.bearer(client, world["carer"]),
                       json={"kind": "affordable"}).status_code == 403
    assert client.post(f"/api/v1/recognitions/{rec_id}/grant",
                       headers=f.bearer(client, world["director"]), json={}).status_code == 403
    # another centre's director, another district's regulator: 404
    assert client.post(f"/api/v1/centres/{world['centre'].id}/recognitions",
                       headers=f.bearer(client, world["other_director"]),
                       json={"kind": "affordable"}).status_code == 404
    assert client.get(f"/api/v1/centres/{world['centre'].id}/recognitions",
                      headers=f.bearer(client, world["other_director"])).status_code == 404
    far = f.bearer(client, world["far_regulator"])
    assert client.post(f"/api/v1/recognitions/{rec_id}/grant", headers=far,
                       json={}).status_code == 404
    assert client.get(f"/api/v1/centres/{world['centre'].id}/recognitions",
                      headers=far).status_code == 404
    assert _audit(db) == before
    assert db.session.get(Recognition, rec_id).status == "applied"


def test_bad_input_is_422_and_changes_nothing(client, db, world):
    rec_id = _apply(client, world).get_json()["id"]
    reg = f.bearer(client, world["regulator"])
    before = _audit(db)
    for url, body, field in (
            (f"/api/v1/recognitions/{rec_id}/refuse", {"reason": ""}, "reason"),
            (f"/api/v1/recognitions/{rec_id}/refuse", {}, "reason"),
            (f"/api/v1/recognitions/{rec_id}/grant",
             {"valid_from": "2027-01-01", "valid_until": "2026-12-01"}, "valid_until")):
        resp = client.post(url, headers=reg, json=body)
        assert resp.status_code == 422, resp.get_json()
        assert field in resp.get_json()["errors"]
    resp = client.post(f"/api/v1/centres/{world['centre'].id}/recognitions",
                       headers=f.bearer(client, world["director"]), json={"kind": "star", "stars": 9})
    assert resp.status_code == 422
    assert _audit(db) == before and db.session.get(Recognition, rec_id).status == "applied"


def test_withdraw_a_grant(client, db, world):
    rec_id = _apply(client, world, kind="affordable").get_json()["id"]
    reg = f.bearer(client, world["regulator"])
    assert client.post(f"/api/v1/recognitions/{rec_id}/grant", headers=reg, json={}).status_code == 200
    assert client.get(f"/api/v1/centres/{world['centre'].id}").get_json()["affordable"] is True
    resp = client.post(f"/api/v1/recognitions/{rec_id}/withdraw", headers=reg,
                       json={"reason": "超指导价收费"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "withdrawn"
    assert client.get(f"/api/v1/centres/{world['centre'].id}").get_json()["affordable"] is False
