"""The operators API: problem+json refusals, scope, history (docs/api.md)."""
from datetime import date

import pytest

from tests import factories as f


@pytest.fixture
def world(app, db, client):
    a, b = f.district(), f.district()
    c1, c3 = f.centre(a), f.centre(b)
    reg_a, reg_b = f.user("regulator", district_id=a.id), f.user("regulator", district_id=b.id)
    return {"a": a, "b": b, "c1": c1, "c3": c3, "reg_a": f.bearer(client, reg_a),
            "reg_b": f.bearer(client, reg_b),
            "director": f.bearer(client, f.user("staff", centre_id=c1.id, staff_role="director")),
            "parent": f.bearer(client, f.user())}


def test_create_link_and_read(client, world):
    body = {"name": "某某托育集团", "credit_code": "91350100M000100Y43",
            "legal_representative": "王五", "district": world["a"].code,
            "contact_phone": "13800001111"}
    resp = client.post("/api/v1/operators", json=body, headers=world["reg_a"])
    assert resp.status_code == 201, resp.get_json()
    op = resp.get_json()["id"]
    again = client.post("/api/v1/operators", json=body, headers=world["reg_a"])
    assert again.status_code == 409 and again.content_type == "application/problem+json"
    bad = client.post("/api/v1/operators", json={**body, "credit_code": "91350100M000100Y44"},
                      headers=world["reg_a"])
    assert bad.status_code == 422 and "credit_code" in bad.get_json()["errors"]
    link = client.post(f"/api/v1/operators/{op}/centres",
                       json={"centre_id": world["c1"].id, "from_date": "2026-11-01"},
                       headers=world["reg_a"])
    assert link.status_code == 201 and link.get_json()["current"]
    assert client.post(f"/api/v1/operators/{op}/centres", json={"centre_id": world["c3"].id},
                       headers=world["reg_a"]).status_code == 404
    listed = client.get("/api/v1/operators", headers=world["reg_a"]).get_json()
    assert listed[0]["centres_in_scope"] == 1
    mine = client.get(f"/api/v1/centres/{world['c1'].id}/operator", headers=world["director"])
    assert mine.status_code == 200 and mine.get_json()["current"]["id"] == op
    assert client.get(f"/api/v1/centres/{world['c3'].id}/operator",
                      headers=world["director"]).status_code == 404
    assert client.get(f"/api/v1/operators/{op}", headers=world["reg_b"]).status_code == 404
    assert client.get("/api/v1/operators", headers=world["parent"]).status_code == 403
    patched = client.patch(f"/api/v1/operators/{op}", json={"name": "新名"}, headers=world["reg_a"])
    assert patched.get_json()["name"] == "新名"
    unlinked = client.post(f"/api/v1/operators/{op}/centres/{world['c1'].id}/unlink", json={},
                           headers=world["reg_a"])
    assert unlinked.status_code == 200 and unlinked.get_json()["to_date"] == "2026-11-23"


def test_decide_all_over_the_api(client, world):
    op = f.operator(world["a"], centres=[world["c1"]], from_date=date(2026, 11, 1))
    resp = client.post(f"/api/v1/operators/{op.id}/decide-all",
                       json={"action": "suspend", "reasons": "整改"}, headers=world["reg_a"])
    assert resp.status_code == 200 and resp.get_json()["centres"] == [world["c1"].id]
    again = client.post(f"/api/v1/operators/{op.id}/decide-all",
                        json={"action": "suspend", "reasons": "整改"}, headers=world["reg_a"])
    assert again.status_code == 409
    assert client.post(f"/api/v1/operators/{op.id}/decide-all",
                       json={"action": "suspend", "reasons": "整改"},
                       headers=world["reg_b"]).status_code == 404
