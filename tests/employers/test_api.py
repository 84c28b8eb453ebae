"""The employers API: quotas, their use, scope and refusals (docs/api.md)."""
import pytest

from booking.auth.permissions import can  # noqa: F401 - the table the API asks
from tests import factories as f


@pytest.fixture
def world(app, db, client):
    d = f.district()
    c, other = f.centre(d), f.centre()
    s = f.slot(c, capacity=3)
    return {"c": c, "other": other, "slot": s,
            "director": f.bearer(client, f.user("staff", centre_id=c.id, staff_role="director")),
            "foreign": f.bearer(client, f.user("staff", centre_id=other.id,
                                               staff_role="director")),
            "regulator": f.bearer(client, f.user("regulator", district_id=d.id)),
            "parent": f.bearer(client, f.user())}


def test_register_set_and_read(client, world):
    c, s, h = world["c"], world["slot"], world["director"]
    body = {"name": "甲公司", "credit_code": f.credit_code(), "contact_name": "张三"}
    made = client.post(f"/api/v1/centres/{c.id}/employers", json=body, headers=h)
    assert made.status_code == 201, made.get_json()
    e = made.get_json()["id"]
    again = client.post(f"/api/v1/centres/{c.id}/employers", json=body, headers=h)
    assert again.status_code == 409 and again.content_type == "application/problem+json"
    bad = client.post(f"/api/v1/centres/{c.id}/employers",
                      json={**body, "credit_code": "91350100M000100Y44"}, headers=h)
    assert bad.status_code == 422 and "credit_code" in bad.get_json()["errors"]
    assert client.post(f"/api/v1/centres/{c.id}/employers", json=body,
                       headers=world["foreign"]).status_code == 404
    put = client.put(f"/api/v1/slots/{s.id}/employer-quotas",
                     json={"quotas": [{"employer_id": e, "places": 2,
                                       "reserved_until": "2027-02-01"}]}, headers=h)
    assert put.status_code == 200, put.get_json()
    assert put.get_json() == [{"employer_id": e, "employer_name": "甲公司", "places": 2,
                               "used": 0, "free": 2, "reserved_until": "2027-02-01",
                               "reserving": True}]
    over = client.put(f"/api/v1/slots/{s.id}/employer-quotas",
                      json={"quotas": [{"employer_id": e, "places": 4}]}, headers=h)
    assert over.status_code == 409 and over.content_type == "application/problem+json"
    zero = client.put(f"/api/v1/slots/{s.id}/employer-quotas",
                      json={"quotas": [{"employer_id": e, "places": 0}]}, headers=h)
    assert zero.status_code == 422
    read = client.get(f"/api/v1/slots/{s.id}/employer-quotas", headers=world["regulator"])
    assert read.status_code == 200 and read.get_json()[0]["places"] == 2
    listed = client.get(f"/api/v1/centres/{c.id}/employers", headers=world["regulator"])
    assert listed.status_code == 200 and listed.get_json()[0]["free"] == 2
    assert client.put(f"/api/v1/slots/{s.id}/employer-quotas", json={"quotas": []},
                      headers=world["regulator"]).status_code == 403
    assert client.get(f"/api/v1/slots/{s.id}/employer-quotas",
                      headers=world["foreign"]).status_code == 404
    assert client.put(f"/api/v1/slots/{s.id}/employer-quotas", json={"quotas": []},
                      headers=world["foreign"]).status_code == 404
    assert client.get(f"/api/v1/centres/{c.id}/employers",
                      headers=world["foreign"]).status_code == 404
    assert client.get(f"/api/v1/centres/{c.id}/employers",
                      headers=world["parent"]).status_code == 403


def test_a_family_names_its_employer_when_joining(client, world):
    c, s, h = world["c"], world["slot"], world["director"]
    e = client.post(f"/api/v1/centres/{c.id}/employers",
                    json={"name": "乙", "credit_code": f.credit_code()}, headers=h).get_json()["id"]
    client.put(f"/api/v1/slots/{s.id}/employer-quotas",
               json={"quotas": [{"employer_id": e, "places": 3}]}, headers=h)
    p = f.user()
    kid = f.child(p)
    ph = f.bearer(client, p)
    refused = client.post("/api/v1/reservations", json={"slot_id": s.id, "child_id": kid.id},
                          headers=ph)
    assert refused.status_code == 409
    joined = client.post("/api/v1/waitlist", json={
        "slot_id": s.id, "child_id": kid.id, "tier": "employer_staff", "evidence": "工作证",
        "employer_id": e}, headers=ph)
    assert joined.status_code == 201, joined.get_json()
    use = client.get(f"/api/v1/slots/{s.id}/employer-quotas", headers=h).get_json()[0]
    assert (use["used"], use["free"]) == (1, 2)
