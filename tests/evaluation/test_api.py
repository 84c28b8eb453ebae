"""The JSON API: checklist, self-assessments, item-level inspections with fix items, the fix
follow-up, the regulator's list, the public grade history; problem+json refusals (403 role,
404 scope, 409 state, 422 input naming the item), nothing changed on a refusal."""
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.evaluation.models import Evaluation
from tests import factories as f
from tests.evaluation.world import FULL, GOOD, world  # noqa: F401


def _audit(db):
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.like("evaluation.%")))


def _inspect(client, w, who="regulator", **body):
    body.setdefault("inspected_on", "2026-11-20")
    body.setdefault("items", GOOD)
    return client.post(f"/api/v1/centres/{w['centre'].id}/evaluations",
                       headers=f.bearer(client, w[who]), json=body)


def test_checklist(client, db, world):
    dims = client.get("/api/v1/evaluation/checklist").get_json()
    assert [d["total"] for d in dims] == [100, 140, 200, 210, 80, 200, 70]
    assert sum(i["basic"] for d in dims for i in d["items"]) == 16


def test_self_assessment_and_inspection_with_fixes(client, db, world):
    director = f.bearer(client, world["director"])
    url = f"/api/v1/centres/{world['centre'].id}/self-assessments"
    resp = client.post(url, headers=director, json={"items": {"cond_1": 10}})
    assert resp.status_code == 200 and resp.get_json()["status"] == "draft"
    draft_id = resp.get_json()["id"]
    resp = client.post(f"/api/v1/self-assessments/{draft_id}/submit", headers=director)
    assert resp.status_code == 422 and "care_1" in resp.get_json()["errors"]
    resp = client.post(url, headers=director, json={"items": FULL, "submit": True})
    assert resp.status_code == 200 and resp.get_json()["score"] == 1000
    assert client.post(f"/api/v1/self-assessments/{draft_id}/submit",
                       headers=director).status_code == 409
    resp = _inspect(client, world, fix_items=[
        {"code": "safety_1", "what": "补装监控", "due_on": "2026-12-01"}])
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert (out["score"], out["grade"], out["kind"]) == (967, "A", "inspection")
    cond_1 = next(i for i in out["items"] if i["code"] == "cond_1")
    assert (cond_1["points"], cond_1["self_points"]) == (19, 20)
    [fx] = out["fix_items"]
    assert fx["state"] == "open" and fx["due_on"] == "2026-12-01"
    reg = f.bearer(client, world["regulator"])
    listed = client.get("/api/v1/fix-items", headers=reg).get_json()
    assert [x["id"] for x in listed] == [fx["id"]]
    assert client.get("/api/v1/fix-items?overdue=true", headers=reg).get_json() == []
    resp = client.post(f"/api/v1/fix-items/{fx['id']}/report", headers=director,
                       json={"note": "已安装"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "reported"
    resp = client.post(f"/api/v1/fix-items/{fx['id']}/return", headers=reg,
                       json={"reason": "角落未覆盖"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "open"
    client.post(f"/api/v1/fix-items/{fx['id']}/report", headers=director, json={})
    resp = client.post(f"/api/v1/fix-items/{fx['id']}/verify", headers=reg, json={})
    assert resp.status_code == 200 and resp.get_json()["verified_on"] == "2026-11-23"
    history = client.get(f"/api/v1/centres/{world['centre'].id}/grade-history").get_json()
    assert history == [{"inspected_on": "2026-11-20", "grade": "A", "score": 967}]
    mine = client.get(f"/api/v1/centres/{world['centre'].id}/evaluations", headers=director)
    assert {e["kind"] for e in mine.get_json()} == {"self", "inspection"}
    detail = client.get(f"/api/v1/evaluations/{out['id']}", headers=reg).get_json()
    assert detail["fix_items"][0]["status"] == "verified"


def test_refusals_change_nothing(client, db, world):
    before = _audit(db)
    bad = _inspect(client, world, items=dict(GOOD, health_1=99))
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert "health_1" in bad.get_json()["errors"]
    assert "入托" in bad.get_json()["errors"]["health_1"][0]
    assert _inspect(client, world, inspected_on="2026-12-01").status_code == 422
    late = _inspect(client, world, fix_items=[{"code": "cond_1", "what": "x",
                                               "due_on": "2026-11-19"}])
    assert late.status_code == 422 and "fix_items" in late.get_json()["errors"]
    assert _inspect(client, world, who="far_regulator").status_code == 404
    assert _inspect(client, world, who="director").status_code == 403
    assert _inspect(client, world, who="parent").status_code == 403
    other = client.post(f"/api/v1/centres/{world['centre'].id}/self-assessments",
                        headers=f.bearer(client, world["other_director"]), json={"items": GOOD})
    assert other.status_code == 404
    assert client.post(f"/api/v1/centres/{world['centre'].id}/self-assessments",
                       headers=f.bearer(client, world["carer"]),
                       json={"items": GOOD}).status_code == 403
    assert _audit(db) == before and db.session.query(Evaluation).count() == 0


def test_scope_of_reads_and_fix_items(client, db, world):
    out = _inspect(client, world, fix_items=[
        {"code": "safety_1", "what": "补装监控", "due_on": "2026-12-01"}]).get_json()
    fx_id = out["fix_items"][0]["id"]
    far = f.bearer(client, world["far_regulator"])
    assert client.get(f"/api/v1/evaluations/{out['id']}", headers=far).status_code == 404
    assert client.get(f"/api/v1/centres/{world['centre'].id}/evaluations",
                      headers=far).status_code == 404
    assert client.get("/api/v1/fix-items", headers=far).get_json() == []
    assert client.post(f"/api/v1/fix-items/{fx_id}/verify", headers=far,
                       json={}).status_code == 404
    other = f.bearer(client, world["other_director"])
    assert client.get(f"/api/v1/evaluations/{out['id']}", headers=other).status_code == 404
    assert client.post(f"/api/v1/fix-items/{fx_id}/report", headers=other,
                       json={}).status_code == 404
    assert client.get(f"/api/v1/evaluations/{out['id']}",
                      headers=f.bearer(client, world["parent"])).status_code == 403
    # verify before a report: 409
    assert client.post(f"/api/v1/fix-items/{fx_id}/verify",
                       headers=f.bearer(client, world["regulator"]), json={}).status_code == 409
    assert client.get("/api/v1/centres/999999/grade-history").status_code == 404
