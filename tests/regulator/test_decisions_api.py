"""Filing decisions and inspections through the API (the pages' services behind them)."""
from datetime import date

from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.regulator.models import Inspection
from tests import factories as f
from tests.regulator.test_filing import COMPLETE, draft  # noqa: F401
from booking.regulator import filing

FULL = {"conditions": 90, "staff": 120, "care": 180, "health": 200, "parenting": 70,
        "safety": 180, "management": 60}


def test_filing_decisions(client, db, draft):
    c, staff, regulator = draft
    filing.save_draft(c.filing, staff, **COMPLETE)
    filing.submit(c.filing.id, staff)
    reg = f.bearer(client, regulator)
    url = f"/api/v1/filings/{c.filing.id}"
    staff_token = f.bearer(client, staff)
    far = f.bearer(client, f.user("regulator", district_id=f.district().id))
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    resp = client.post(f"{url}/return", json={}, headers=reg)
    assert resp.status_code == 422 and "reasons" in resp.get_json()["errors"]
    assert client.post(f"{url}/approve", json={}, headers=staff_token).status_code == 403
    assert client.post(f"{url}/approve", json={}, headers=far).status_code == 404
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events
    resp = client.post(f"{url}/approve", json={}, headers=reg)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "approved" and resp.get_json()["filing_number"]
    assert client.post(f"{url}/approve", json={}, headers=reg).status_code == 409


def test_inspections(client, db):
    d = f.district()
    c = f.centre(d)
    reg = f.bearer(client, f.user("regulator", district_id=d.id))
    url = f"/api/v1/centres/{c.id}/inspections"
    bad = client.post(url, json={"inspected_on": "2026-11-20", "scores": {"care": 999}},
                      headers=reg)
    assert bad.status_code == 422 and "conditions" in bad.get_json()["errors"]
    resp = client.post(url, json={"inspected_on": "2026-11-20", "scores": FULL}, headers=reg)
    assert resp.status_code == 201, resp.get_json()
    assert (resp.get_json()["score"], resp.get_json()["grade"]) == (900, "A")
    assert [i["id"] for i in client.get(url, headers=reg).get_json()] == [resp.get_json()["id"]]
    far = f.bearer(client, f.user("regulator", district_id=f.district().id))
    assert client.get(url, headers=far).status_code == 404
    assert client.post(url, json={"inspected_on": "2026-11-20", "scores": FULL},
                       headers=far).status_code == 404
    assert db.session.scalar(select(func.count(Inspection.id))) == 1
    assert inspected(db) == date(2026, 11, 20)


def inspected(db):
    return db.session.scalar(select(Inspection.inspected_on))
