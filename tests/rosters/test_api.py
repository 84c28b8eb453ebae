"""docs/api.md: /centres/{id}/staff, /shifts and /ratio-check, and who may call them."""
from tests import factories as f

from .conftest import MONDAY, at, enrol, staff


def test_staff_create_and_list(client, world):
    c, h = world["centre"], f.bearer(client, world["user"])
    resp = client.post(f"/api/v1/centres/{c.id}/staff", headers=h, json={
        "name": "陈静", "role": "childcare_worker", "qualification_level": 4,
        "certificate_no": "BYS-4-0012", "health_cert_expires_on": "2027-05-01",
        "background_checked_on": "2026-01-10"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["qualification_level"] == 4
    bad = client.post(f"/api/v1/centres/{c.id}/staff", headers=h,
                      json={"name": "x", "role": "pilot"})
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"
    assert "role" in bad.get_json()["errors"]
    listed = client.get(f"/api/v1/centres/{c.id}/staff", headers=h).get_json()
    assert [s["name"] for s in listed] == ["陈静"]


def test_shifts_and_rule_errors_as_problems(client, world):
    c, g, h = world["centre"], world["group"], f.bearer(client, world["user"])
    s = staff(c, name="王芳")
    body = {"staff_member_id": s.id, "group_id": g.id,
            "starts_at": "2026-11-23T08:00:00+08:00", "ends_at": "2026-11-23T12:00:00+08:00"}
    resp = client.post(f"/api/v1/centres/{c.id}/shifts", headers=h, json=body)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["starts_at"] == "2026-11-23T08:00:00+08:00"
    again = client.post(f"/api/v1/centres/{c.id}/shifts", headers=h, json=body)
    assert again.status_code == 409
    assert again.get_json()["type"].endswith("/shift-overlap") and "王芳" in again.get_json()["detail"]
    lapsed = staff(c, health=MONDAY)
    resp = client.post(f"/api/v1/centres/{c.id}/shifts", headers=h, json=dict(
        body, staff_member_id=lapsed.id, starts_at="2026-11-24T08:00:00+08:00",
        ends_at="2026-11-24T09:00:00+08:00"))
    assert resp.status_code == 409 and resp.get_json()["type"].endswith("/health-certificate-lapsed")
    naive = client.post(f"/api/v1/centres/{c.id}/shifts", headers=h,
                        json=dict(body, starts_at="2026-11-23T08:00:00"))
    assert naive.status_code == 422
    week = client.get(f"/api/v1/centres/{c.id}/shifts?week=2026-11-26", headers=h).get_json()
    assert len(week) == 1 and week[0]["staff_member_id"] == s.id
    assert client.get(f"/api/v1/centres/{c.id}/shifts?week=2026-11-30", headers=h).get_json() == []
    assert client.get(f"/api/v1/centres/{c.id}/shifts?week=nope", headers=h).status_code == 422


def test_ratio_check(client, world):
    c, g, h = world["centre"], world["group"], f.bearer(client, world["user"])
    enrol(g, 6)
    s = staff(c)
    from booking.rosters import services
    services.add_shift(c.id, staff_member_id=s.id, group_id=g.id,
                       starts_at=at(MONDAY, 7, 30), ends_at=at(MONDAY, 17, 30))
    body = client.get(f"/api/v1/centres/{c.id}/ratio-check?date=2026-11-23", headers=h).get_json()
    assert body["open"] and not body["health_worker_on_shift"] and not body["security_on_shift"]
    first = body["classes"][0]["hours"][0]
    assert first == {"start": "2026-11-23T07:30:00+08:00", "end": "2026-11-23T08:00:00+08:00",
                     "children": 6, "carers": 1, "needed": 2, "missing": 1}
    assert body["gaps"] == 2 + 2  # 07:30–17:00 short 1, 17:00–18:00 short 2; no guard or health worker
    sat = client.get(f"/api/v1/centres/{c.id}/ratio-check?date=2026-11-28", headers=h).get_json()
    assert not sat["open"] and sat["gaps"] == 0


def test_guards(client, world):
    c = world["centre"]
    other = f.centre()
    h = f.bearer(client, world["user"])
    for path in ("staff", "shifts", "ratio-check"):
        assert client.get(f"/api/v1/centres/{other.id}/{path}", headers=h).status_code == 404
        assert client.get(f"/api/v1/centres/999999/{path}", headers=h).status_code == 404
        assert client.get(f"/api/v1/centres/{c.id}/{path}").status_code == 401
    assert client.post(f"/api/v1/centres/{other.id}/staff", headers=h,
                       json={"name": "x", "role": "cook"}).status_code == 404
    parent = f.bearer(client, f.user())
    resp = client.get(f"/api/v1/centres/{c.id}/staff", headers=parent)
    assert resp.status_code == 403 and resp.content_type == "application/problem+json"
    # A regulator reads the centres of their district, and writes nothing.
    reg = f.bearer(client, f.user("regulator", district_id=c.district_id))
    assert client.get(f"/api/v1/centres/{c.id}/staff", headers=reg).status_code == 200
    assert client.get(f"/api/v1/centres/{c.id}/ratio-check", headers=reg).status_code == 200
    assert client.post(f"/api/v1/centres/{c.id}/staff", headers=reg,
                       json={"name": "x", "role": "cook"}).status_code == 403
    far = f.bearer(client, f.user("regulator", district_id=other.district_id))
    assert client.get(f"/api/v1/centres/{c.id}/staff", headers=far).status_code == 404


def test_openapi_documents_the_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/centres/{centre_id}/shifts"])
    assert "get" in paths["/api/v1/centres/{centre_id}/ratio-check"]


def test_out_of_range_input_is_422_not_500(client, world):
    c, h = world["centre"], f.bearer(client, world["user"])
    s = staff(c)
    for q in ("ratio-check?date=0001-01-01", "ratio-check?date=9999-12-31",
              "shifts?week=0001-01-01", "shifts?week=9999-12-31"):
        assert client.get(f"/api/v1/centres/{c.id}/{q}", headers=h).status_code == 422, q
    resp = client.post(f"/api/v1/centres/{c.id}/shifts", headers=h, json={
        "staff_member_id": s.id, "starts_at": "9999-12-31T23:00:00-12:00",
        "ends_at": "9999-12-31T23:30:00-12:00"})
    assert resp.status_code == 422
    resp = client.post(f"/api/v1/centres/{c.id}/shifts", headers=h, json={
        "staff_member_id": 2**31 - 1, "starts_at": "2026-11-23T08:00:00+08:00",
        "ends_at": "2026-11-23T09:00:00+08:00"})
    assert resp.status_code == 422 and "staff_member_id" in resp.get_json()["errors"]
