"""The transfers API (docs/api.md): scope (a parent of another child and another operator's
manager get 404), refusals as problem documents, and the approval."""
from tests import factories as f


def test_a_parent_asks_and_the_manager_approves(client, world):
    w = world
    ph, mh = f.bearer(client, w["parent"]), f.bearer(client, w["manager"])
    resp = client.post("/api/v1/operator-transfers", headers=ph,
                       json={"child_id": w["kid"].id, "slot_id": w["slot_b"].id})
    assert resp.status_code == 201, resp.get_json()
    t = resp.get_json()
    assert t["status"] == "requested" and t["to_centre_name"] == "橡树碑林园"
    assert [x["id"] for x in client.get("/api/v1/operator-transfers", headers=mh)
            .get_json()] == [t["id"]]
    assert client.get("/api/v1/operator-transfers?status=approved", headers=mh).get_json() == []
    resp = client.post(f"/api/v1/operator-transfers/{t['id']}/approve", headers=mh)
    assert resp.status_code == 200 and resp.get_json()["reservation_id"]
    resp = client.post(f"/api/v1/operator-transfers/{t['id']}/withdraw", headers=ph)
    assert resp.status_code == 409
    assert resp.headers["Content-Type"].startswith("application/problem+json")


def test_scope(client, world):
    w = world
    ph = f.bearer(client, w["parent"])
    t = client.post("/api/v1/operator-transfers", headers=ph,
                    json={"child_id": w["kid"].id, "slot_id": w["slot_b"].id}).get_json()
    sh, oh = f.bearer(client, w["stranger"]), f.bearer(client, w["other_manager"])
    assert client.get(f"/api/v1/operator-transfers/{t['id']}", headers=sh).status_code == 404
    assert client.get("/api/v1/operator-transfers", headers=sh).get_json() == []
    assert client.post(f"/api/v1/operator-transfers/{t['id']}/approve",
                       headers=oh).status_code == 404
    assert client.post(f"/api/v1/operator-transfers/{t['id']}/refuse", headers=oh,
                       json={"reason": "不"}).status_code == 404
    assert client.post(f"/api/v1/operator-transfers/{t['id']}/withdraw",
                       headers=sh).status_code == 404
    bh = f.bearer(client, w["director_b"])
    assert client.get(f"/api/v1/operator-transfers/{t['id']}", headers=bh).status_code == 200
    assert client.post(f"/api/v1/operator-transfers/{t['id']}/approve",
                       headers=bh).status_code == 404
    resp = client.post("/api/v1/operator-transfers", headers=sh,
                       json={"child_id": w["kid"].id, "slot_id": w["slot_b"].id})
    assert resp.status_code == 404


def test_refusals(client, world):
    w = world
    ph, mh = f.bearer(client, w["parent"]), f.bearer(client, w["manager"])
    resp = client.post("/api/v1/operator-transfers", headers=ph,
                       json={"child_id": w["kid"].id, "slot_id": w["slot_x"].id})
    assert resp.status_code == 409 and "同一举办者" in resp.get_json()["detail"]
    resp = client.post("/api/v1/operator-transfers", headers=ph,
                       json={"child_id": w["kid"].id, "slot_id": w["slot_b"].id,
                             "starts_on": "2026-12-01"})
    assert resp.status_code == 422
    resp = client.post("/api/v1/operator-transfers", headers=ph,
                       json={"child_id": w["kid"].id, "slot_id": "x"})
    assert resp.status_code == 422
    t = client.post("/api/v1/operator-transfers", headers=ph,
                    json={"child_id": w["kid"].id, "slot_id": w["slot_b"].id}).get_json()
    assert client.post("/api/v1/operator-transfers", headers=ph, json={
        "child_id": w["kid"].id, "slot_id": w["slot_b"].id}).status_code == 409
    assert client.post(f"/api/v1/operator-transfers/{t['id']}/refuse", headers=mh,
                       json={"reason": ""}).status_code == 422
    resp = client.post(f"/api/v1/operator-transfers/{t['id']}/refuse", headers=mh,
                       json={"reason": "班额已满"})
    assert resp.status_code == 200 and resp.get_json()["reason"] == "班额已满"
    # a carer of A may not ask (the table), a parent may not decide
    carer = f.user("staff", centre_id=w["a"].id, staff_role="carer")
    assert client.post("/api/v1/operator-transfers", headers=f.bearer(client, carer), json={
        "child_id": w["kid"].id, "slot_id": w["slot_b"].id}).status_code == 403
    assert client.post(f"/api/v1/operator-transfers/{t['id']}/approve",
                       headers=ph).status_code == 403
