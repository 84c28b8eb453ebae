"""The API: the regulator's list, anomalies, decisions (problem+json refusals), reports and
the prepaid liability."""
import csv
import io

from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.subsidies.models import SubsidyClaim
from tests import factories as f
from tests.subsidy_review.conftest import make_claim


def _problem(resp, status):
    assert resp.status_code == status, resp.get_json()
    assert resp.mimetype == "application/problem+json"
    return resp.get_json()


def test_list_in_scope_with_filters(client, world, clean_claim):
    make_claim(world["other"], lines=[{"child_id": world["kids"][0].id, "days_attended": 0}])
    reg = f.bearer(client, world["regulator"])
    [row] = client.get("/api/v1/subsidy-claims", headers=reg).get_json()
    assert (row["id"], row["total_fen"], row["anomaly_count"]) == (clean_claim.id, 103000, 1)
    assert row["centre_name"] == "阳光托育"  # the child is claimed by 别家托育 too
    city = f.bearer(client, world["city_regulator"])
    assert len(client.get("/api/v1/subsidy-claims?month=2026-10", headers=city).get_json()) == 2
    assert client.get("/api/v1/subsidy-claims?status=approved", headers=city).get_json() == []
    _problem(client.get("/api/v1/subsidy-claims?month=2026-13", headers=city), 422)
    _problem(client.get("/api/v1/subsidy-claims", headers=f.bearer(client, world["parent"])), 403)


def test_anomalies_and_acknowledged_approval(client, db, world):
    claim = make_claim(world["centre"], lines=[
        {"child_id": world["kids"][0].id, "days_attended": 0, "operating_fen": 500}])
    reg = f.bearer(client, world["regulator"])
    [a] = client.get(f"/api/v1/subsidy-claims/{claim.id}/anomalies", headers=reg).get_json()
    assert a["kind"] == "absent_month" and a["child_name"] == "小明"
    _problem(client.get(f"/api/v1/subsidy-claims/{claim.id}/anomalies",
                        headers=f.bearer(client, world["far_regulator"])), 404)
    url = f"/api/v1/subsidy-claims/{claim.id}/approve"
    body = _problem(client.post(url, json={}, headers=reg), 409)
    assert [x["kind"] for x in body["anomalies"]] == ["absent_month"]
    out = client.post(url, json={"acknowledge_anomalies": True, "amount_fen": 400}, headers=reg)
    assert out.status_code == 200 and out.get_json()["approved_fen"] == 400
    _problem(client.post(url, json={"acknowledge_anomalies": True}, headers=reg), 409)


def test_decisions_refused_leave_nothing_changed(client, db, world, clean_claim):
    base = f"/api/v1/subsidy-claims/{clean_claim.id}"
    reg = f.bearer(client, world["regulator"])
    _problem(client.post(f"{base}/return", json={"reason": ""}, headers=reg), 422)
    _problem(client.post(f"{base}/reject", json={}, headers=reg), 422)
    _problem(client.post(f"{base}/approve", json={"amount_fen": 103001}, headers=reg), 422)
    _problem(client.post(f"{base}/approve", json={"amount_fen": -5}, headers=reg), 422)
    _problem(client.post(f"{base}/approve", json={},
                         headers=f.bearer(client, world["far_regulator"])), 404)
    _problem(client.post(f"{base}/approve", json={},
                         headers=f.bearer(client, world["director"])), 403)
    _problem(client.post(f"{base}/approve", json={}), 401)
    _problem(client.post("/api/v1/subsidy-claims/99999/approve", json={}, headers=reg), 404)
    db.session.expire_all()
    assert db.session.get(SubsidyClaim, clean_claim.id).status == "submitted"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.like("subsidy_claim.%"))) == 0
    out = client.post(f"{base}/return", json={"reason": "请补充考勤"}, headers=reg).get_json()
    assert (out["status"], out["decision_reason"]) == ("returned", "请补充考勤")
    admin = f.bearer(client, world["admin"])
    _problem(client.post(f"{base}/reject", json={"reason": "x"}, headers=admin), 409)


def test_reports_and_downloads(client, world):
    make_claim(world["centre"], "2026-09", status="approved", approved=120000, operating=150000)
    make_claim(world["other"], "2026-10", status="approved", approved=99900, operating=99900)
    reg = f.bearer(client, world["regulator"])
    rows = client.get("/api/v1/subsidy-reports", headers=reg).get_json()
    assert [(r["district"], r["month"], r["approved_fen"]) for r in rows] == [
        ("雁塔区", "2026-09", 120000)]
    city = f.bearer(client, world["city_regulator"])
    rows = client.get("/api/v1/subsidy-reports?group=centre&from=2026-10&to=2026-10",
                      headers=city).get_json()
    assert [(r["centre"], r["approved_fen"]) for r in rows] == [("别家托育", 99900)]
    resp = client.get("/api/v1/subsidy-reports?format=csv", headers=city)
    header = next(csv.reader(io.StringIO(resp.get_data().decode("utf-8-sig"))))
    assert resp.mimetype == "text/csv" and header[1] == "区县"
    resp = client.get("/api/v1/subsidy-reports?format=xlsx&group=centre", headers=city)
    assert resp.get_data()[:2] == b"PK"
    _problem(client.get("/api/v1/subsidy-reports?from=26-1", headers=city), 422)
    _problem(client.get("/api/v1/subsidy-reports?group=city", headers=city), 422)


def test_prepaid_liability_in_scope(client, world):
    url = f"/api/v1/centres/{world['centre'].id}/prepaid-liability"
    out = client.get(url, headers=f.bearer(client, world["regulator"])).get_json()
    assert out == {"centre_id": world["centre"].id, "prepaid_fen": 0, "refunds_owed_fen": 0,
                   "total_fen": 0, "families": 0}
    _problem(client.get(url, headers=f.bearer(client, world["far_regulator"])), 404)
    _problem(client.get(url, headers=f.bearer(client, world["director"])), 403)
    _problem(client.get("/api/v1/centres/99999/prepaid-liability",
                        headers=f.bearer(client, world["admin"])), 404)
