"""The API: entitlements in fen with the rule, the subsidy city, applications and their
status; problem+json refusals; only the child's guardians (others 404, other roles 403)."""
from datetime import date

from sqlalchemy import func, select

from booking.entitlements.models import AllowanceApplication
from booking.extensions import db
from tests import factories as f
from tests.entitlements.world import child, world  # noqa: F401

PROBLEM = "application/problem+json"


def test_entitlements_by_month_with_the_rule(client, world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    h = f.bearer(client, world["parent"])
    resp = client.get(f"/api/v1/children/{kid.id}/entitlements", headers=h)
    assert resp.status_code == 200
    body = resp.json
    assert (body["city"], body["city_source"], body["birth_order"]) == ("阿拉尔", "declared", 1)
    assert body["third_birthday"] == "2027-03-15" and body["total_fen"] == 793548
    months = {m["month"]: m for m in body["months"]}
    assert months["2024-03"]["total_fen"] == 0 and months["2024-03"]["reasons"] == ["no_policy"]
    last = months["2027-03"]
    assert (last["national_fen"], last["city_fen"], last["total_fen"]) == (13548, 0, 13548)
    assert last["rule"] == [{"scheme": "national", "effective_from": "2025-01-01",
                             "rate_fen": 360000, "per": "year", "days": 14,
                             "days_in_month": 31}]
    assert "按天折算 14/31 天" in last["rule_text"] and last["future"] is True
    assert body["years"][1] == {"year": 2025, "national_fen": 360000, "city_fen": 0,
                                "total_fen": 360000}


def test_no_city_then_declared_by_put(client, world, db):
    kid = child(world["parent"], date(2024, 3, 15))
    h = f.bearer(client, world["parent"])
    body = client.get(f"/api/v1/children/{kid.id}/entitlements", headers=h).json
    assert (body["city"], body["months"], body["total_fen"]) == (None, [], 0)
    bad = client.put(f"/api/v1/children/{kid.id}/subsidy-city", json={"city": "火星"}, headers=h)
    assert bad.status_code == 422 and bad.content_type == PROBLEM and "city" in bad.json["errors"]
    ok = client.put(f"/api/v1/children/{kid.id}/subsidy-city", json={"city": "白银"}, headers=h)
    assert ok.json == {"child_id": kid.id, "city": "白银", "city_source": "declared"}
    assert client.get(f"/api/v1/children/{kid.id}/entitlements",
                      headers=h).json["months"][10]["total_fen"] == 30000  # 2025-01


def test_applications_and_status(client, world):
    kid = child(world["parent"], date(2024, 5, 10), city="白银", older=1)
    h = f.bearer(client, world["parent"])
    url = f"/api/v1/children/{kid.id}/allowance-applications"
    made = client.post(url, json={"scheme": "city", "applied_on": "2026-11-02",
                                  "reference": "BY-1"}, headers=h)
    assert made.status_code == 201 and made.json["status"] == "applied"
    assert made.json["city"] == "白银"
    again = client.post(url, json={"scheme": "city", "applied_on": "2026-11-03"}, headers=h)
    assert again.status_code == 409 and again.content_type == PROBLEM
    future = client.post(url, json={"scheme": "national", "applied_on": "2026-11-24"}, headers=h)
    assert future.status_code == 422 and "applied_on" in future.json["errors"]
    status = f"/api/v1/allowance-applications/{made.json['id']}/status"
    back = client.post(status, json={"status": "paid", "status_on": "2026-11-20"}, headers=h)
    assert back.status_code == 409 and back.content_type == PROBLEM
    late = client.post(status, json={"status": "approved", "status_on": "2026-12-01"}, headers=h)
    assert late.status_code == 422 and "status_on" in late.json["errors"]
    ok = client.post(status, json={"status": "approved", "status_on": "2026-11-20"}, headers=h)
    assert ok.status_code == 200 and ok.json["status"] == "approved"
    paid = client.post(status, json={"status": "paid", "status_on": "2026-11-23",
                                     "amount_fen": 200000}, headers=h)
    assert (paid.json["status"], paid.json["amount_fen"]) == ("paid", 200000)
    listed = client.get(url, headers=h).json
    assert [(a["scheme"], a["status"]) for a in listed] == [("city", "paid")]


def test_other_families_get_404_and_staff_403(client, world, db):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    world["enrol"](world["slot"], world["parent"], kid)
    mine = f.bearer(client, world["parent"])
    app_id = client.post(f"/api/v1/children/{kid.id}/allowance-applications",
                         json={"scheme": "national", "applied_on": "2026-11-02"},
                         headers=mine).json["id"]
    other = f.bearer(client, world["other"])
    for method, url, body in (
            ("get", f"/api/v1/children/{kid.id}/entitlements", None),
            ("get", f"/api/v1/children/{kid.id}/allowance-applications", None),
            ("put", f"/api/v1/children/{kid.id}/subsidy-city", {"city": "白银"}),
            ("post", f"/api/v1/children/{kid.id}/allowance-applications",
             {"scheme": "national", "applied_on": "2026-11-02"}),
            ("post", f"/api/v1/allowance-applications/{app_id}/status",
             {"status": "approved", "status_on": "2026-11-10"})):
        resp = getattr(client, method)(url, json=body, headers=other)
        assert resp.status_code == 404 and resp.content_type == PROBLEM, url
        # the centre caring for the child does not see the family's subsidies
        staff = getattr(client, method)(url, json=body,
                                        headers=f.bearer(client, world["director"]))
        assert staff.status_code == 403, url
    assert db.session.scalar(select(func.count(AllowanceApplication.id))) == 1
    db.session.expire_all()
    assert db.session.get(AllowanceApplication, app_id).status == "applied"
