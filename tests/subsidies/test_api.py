"""The subsidy claims API: list, generate (201 made, 200 rebuilt), one claim with its lines,
submit; problem+json refusals."""
from sqlalchemy import func, select

from booking.extensions import db
from booking.subsidies.models import SubsidyClaim
from tests import factories as f
from tests.subsidies.conftest import OCT, enrol

PROBLEM = "application/problem+json"


def test_generate_read_submit(client, city_world):
    w = city_world("白银")
    kid, _r = enrol(w)
    h = f.bearer(client, w.director)
    url = f"/api/v1/centres/{w.centre.id}/subsidy-claims"
    resp = client.post(url, json={"month": OCT}, headers=h)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["month"], body["status"], body["total_fen"]) == (OCT, "draft", 20000)
    assert body["lines"][0]["child_id"] == kid.id and body["lines"][0]["open_days"] == 18
    assert client.post(url, json={"month": OCT}, headers=h).status_code == 200
    listed = client.get(url, headers=h).get_json()
    assert [c["id"] for c in listed] == [body["id"]]
    one = client.get(f"/api/v1/subsidy-claims/{body['id']}", headers=h).get_json()
    assert one["lines"][0]["operating_fen"] == 20000
    resp = client.post(f"/api/v1/subsidy-claims/{body['id']}/submit", headers=h)
    assert resp.status_code == 200 and resp.get_json()["status"] == "submitted"
    resp = client.post(f"/api/v1/subsidy-claims/{body['id']}/submit", headers=h)
    assert resp.status_code == 409 and resp.content_type == PROBLEM
    resp = client.post(url, json={"month": OCT}, headers=h)
    assert resp.status_code == 409 and resp.content_type == PROBLEM


def test_refusals(client, city_world):
    w = city_world("白银")
    url = f"/api/v1/centres/{w.centre.id}/subsidy-claims"
    h = f.bearer(client, w.director)
    for month in ("2026-11", "2026-13", "x", 202610):
        resp = client.post(url, json={"month": month}, headers=h)
        assert resp.status_code == 422 and resp.content_type == PROBLEM, month
    assert db.session.scalar(select(func.count(SubsidyClaim.id))) == 0
    resp = client.post(url, json={"month": OCT}, headers=h)
    claim_id = resp.get_json()["id"]
    # the carer: submit refused (403); a parent: 403; another centre's director: 404
    carer = f.bearer(client, w.carer)
    assert client.get(url, headers=carer).status_code == 403
    finance = f.bearer(client, w.finance)
    resp = client.post(f"/api/v1/subsidy-claims/{claim_id}/submit", headers=finance)
    assert resp.status_code == 403 and resp.content_type == PROBLEM
    parent = f.bearer(client, w.parent)
    assert client.get(f"/api/v1/subsidy-claims/{claim_id}", headers=parent).status_code == 403
    other = f.user("staff", centre_id=f.centre(w.district).id, staff_role="director")
    oh = f.bearer(client, other)
    assert client.get(f"/api/v1/subsidy-claims/{claim_id}", headers=oh).status_code == 404
    assert client.post(f"/api/v1/subsidy-claims/{claim_id}/submit", headers=oh).status_code == 404
    assert client.get(url, headers=oh).status_code == 404
    assert client.post(url, json={"month": "2026-09"}, headers=oh).status_code == 404
    assert client.get("/api/v1/centres/999999/subsidy-claims", headers=h).status_code == 404
    assert db.session.get(SubsidyClaim, claim_id).status == "draft"
    assert client.get(url).status_code == 401
