"""Who may do what: the role guards on API writes and on account pages."""
import pytest
from sqlalchemy import func, select

from booking.centres.models import Centre, District
from booking.regulator.models import Filing
from tests import factories as f

DISTRICT = {"code": "610199", "name": "新城区", "city": "西安", "population": 600000,
            "target_per_1000": 4.5}


def headers_for(client, role):
    if role is None:
        return {}
    centre_id = f.centre().id if role == "staff" else None
    return f.bearer(client, f.user(role, centre_id=centre_id))


def centre_body(district):
    return {"name": "阳光托育中心", "kind": "community_embedded", "district": district.code,
            "subdistrict": "张家村街道", "address": "科技路 1 号", "affordable": True}


def districts(db):
    return db.session.scalar(select(func.count(District.id)))


def test_adding_a_district_needs_a_token(client, db):
    resp = client.post("/api/v1/districts", json=DISTRICT)
    assert resp.status_code == 401
    assert resp.get_json()["type"].endswith("/unauthorized")
    assert districts(db) == 0


@pytest.mark.parametrize("role", ["parent", "staff", "regulator"])
def test_only_admins_add_districts(client, db, role):
    headers = headers_for(client, role)
    before = districts(db)
    resp = client.post("/api/v1/districts", json=DISTRICT, headers=headers)
    assert resp.status_code == 403
    assert resp.content_type == "application/problem+json"
    assert resp.get_json()["type"].endswith("/forbidden")
    assert districts(db) == before


def test_admin_adds_a_district(client, db):
    resp = client.post("/api/v1/districts", json=DISTRICT, headers=headers_for(client, "admin"))
    assert resp.status_code == 201
    assert resp.get_json()["code"] == "610199"
    listed = client.get("/api/v1/districts").get_json()
    assert [d["code"] for d in listed] == ["610199"]
    assert listed[0]["population"] == 600000 and listed[0]["target_per_1000"] == 4.5
    # The same code again is a conflict.
    resp = client.post("/api/v1/districts", json=DISTRICT, headers=headers_for(client, "admin"))
    assert resp.status_code == 409 and resp.get_json()["type"].endswith("/conflict")
    assert districts(db) == 1


@pytest.mark.parametrize("role", ["admin", "regulator"])
def test_authority_adds_a_centre_that_is_approved_at_once(client, db, role):
    d = f.district()
    resp = client.post("/api/v1/centres", json=centre_body(d), headers=headers_for(client, role))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["filing_status"] == "approved" and body["kind"] == "community_embedded"
    assert body["district"] == d.code and body["affordable"] is True
    assert body["disclosure"]["filing_number"]
    filing = db.session.scalar(select(Filing).where(Filing.centre_id == body["id"]))
    assert filing.status == "approved" and filing.decided_by is not None
    listed = client.get("/api/v1/centres").get_json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]
    assert client.get(f"/api/v1/centres/{body['id']}").status_code == 200


@pytest.mark.parametrize("role", [None, "parent", "staff"])
def test_others_cannot_add_centres(client, db, role):
    d = f.district()
    headers = headers_for(client, role)
    before = db.session.scalar(select(func.count(Centre.id)))
    resp = client.post("/api/v1/centres", json=centre_body(d), headers=headers)
    assert resp.status_code == (401 if role is None else 403)
    assert db.session.scalar(select(func.count(Centre.id))) == before


def test_centre_in_an_unknown_district_is_422(client, db):
    resp = client.post("/api/v1/centres", json=centre_body(type("D", (), {"code": "nope"})),
                       headers=headers_for(client, "admin"))
    assert resp.status_code == 422
    assert "district" in resp.get_json()["errors"]
    assert db.session.scalar(select(func.count(Centre.id))) == 0


def test_account_pages_need_a_login(client):
    resp = client.get("/account/password")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/login")
    assert "next=" in resp.headers["Location"]
    # After logging in the next parameter brings the user back.
    f.user(email="a@example.com")
    resp = client.post(resp.headers["Location"], data={"login": "a@example.com",
                                                       "password": f.PASSWORD})
    assert resp.headers["Location"] == "/account/password"
