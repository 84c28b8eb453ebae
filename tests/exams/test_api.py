"""The exam API: who may call what, the refusals as problem+json, the shapes."""
from booking import clock
from tests import factories as f
from tests.exams.conftest import at


def h(client, u):
    return f.bearer(client, u)


def test_regulators_register_institutions_and_accounts(client, world):
    reg = h(client, world["regulator"])
    resp = client.post("/api/v1/institutions", headers=reg, json={
        "name": "曲江社区卫生服务中心", "kind": "community",
        "district_id": world["district"].id, "cancel_cutoff_hours": 12})
    assert resp.status_code == 201, resp.get_json()
    inst_id = resp.get_json()["id"]
    assert {i["id"] for i in client.get("/api/v1/institutions", headers=reg).get_json()} == \
        {inst_id, world["inst"].id}
    resp = client.post(f"/api/v1/institutions/{inst_id}/accounts", headers=reg, json={
        "name": "王医生", "role": "doctor", "email": "wang@example.com",
        "password": f.PASSWORD})
    assert resp.status_code == 201 and resp.get_json()["role"] == "doctor"
    user_id = resp.get_json()["id"]
    resp = client.post(f"/api/v1/institutions/{inst_id}/accounts/{user_id}/deactivate",
                       headers=reg)
    assert resp.status_code == 200 and resp.get_json()["active"] is False
    resp = client.put(f"/api/v1/institutions/{inst_id}", headers=reg, json={
        "name": "曲江社区卫生服务中心", "kind": "community",
        "district_id": world["district"].id, "cancel_cutoff_hours": 300})
    assert resp.status_code == 422
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    other = h(client, world["regulator_b"])
    assert client.get(f"/api/v1/institutions/{inst_id}", headers=other).status_code == 404
    assert client.get("/api/v1/institutions",
                      headers=h(client, world["parent"])).status_code == 403


def test_the_institution_publishes_and_lists_and_cancels(client, world):
    clerk = h(client, world["clerk"])
    resp = client.post("/api/v1/exam-sessions", headers=clerk, json={
        "on_date": "2026-12-01", "start_time": "08:30", "end_time": "11:00", "capacity": 3,
        "items": ["anthropometry", "physical"], "days": 2})
    assert resp.status_code == 201, resp.get_json()
    made = resp.get_json()
    assert len(made) == 2 and made[0]["available"] == 3
    listed = client.get(f"/api/v1/exam-sessions?institution_id={world['inst'].id}").get_json()
    assert listed["total"] == 4
    district = client.get(f"/api/v1/exam-sessions?district_id={world['other_district'].id}")
    assert district.get_json()["total"] == 0
    resp = client.post(f"/api/v1/exam-sessions/{made[0]['id']}/cancel", headers=clerk,
                       json={"reason": "停电"})
    assert resp.status_code == 200 and resp.get_json()["cancelled_at"]
    again = client.post(f"/api/v1/exam-sessions/{made[0]['id']}/cancel", headers=clerk,
                        json={})
    assert again.status_code == 409
    foreign = client.post(f"/api/v1/exam-sessions/{made[1]['id']}/cancel",
                          headers=h(client, world["doctor_b"]), json={})
    assert foreign.status_code == 404
    parent = client.post("/api/v1/exam-sessions", headers=h(client, world["parent"]), json={
        "on_date": "2026-12-01", "start_time": "08:30", "end_time": "11:00", "capacity": 3,
        "items": ["physical"]})
    assert parent.status_code == 403


def test_the_family_books_moves_and_cancels(client, world):
    p = h(client, world["parent"])
    kid = world["kid"].id
    url = f"/api/v1/children/{kid}/exam-appointments"
    resp = client.post(url, headers=p, json={"session_id": world["session"].id})
    assert resp.status_code == 201, resp.get_json()
    a = resp.get_json()
    second = client.post(url, headers=p, json={"session_id": world["later"].id})
    assert second.status_code == 409
    assert world["inst"].name in second.get_json()["detail"]
    assert client.get(url, headers=p).get_json()[0]["id"] == a["id"]
    assert client.get(f"/api/v1/exam-appointments/{a['id']}", headers=p).status_code == 200
    stranger = h(client, world["stranger"])
    assert client.get(f"/api/v1/exam-appointments/{a['id']}",
                      headers=stranger).status_code == 404
    assert client.post(url, headers=stranger,
                       json={"session_id": world["session"].id}).status_code == 404
    moved = client.post(f"/api/v1/exam-appointments/{a['id']}/move", headers=p,
                        json={"session_id": world["later"].id})
    assert moved.status_code == 200 and moved.get_json()["session_id"] == world["later"].id
    old = client.get(f"/api/v1/exam-appointments/{a['id']}", headers=p).get_json()
    assert old["status"] == "cancelled" and old["moved_to_id"] == moved.get_json()["id"]
    clock.set(at(2026, 12, 16, 12))
    late = client.post(f"/api/v1/exam-appointments/{moved.get_json()['id']}/cancel", headers=p)
    assert late.status_code == 409 and "2026-12-16 09:00" in late.get_json()["detail"]


def test_full_and_past_sessions_are_refused(client, world):
    for _ in range(2):
        other = f.user()
        resp = client.post(f"/api/v1/children/{f.child(other).id}/exam-appointments",
                           headers=h(client, other), json={"session_id": world["session"].id})
        assert resp.status_code == 201
    p = h(client, world["parent"])
    url = f"/api/v1/children/{world['kid'].id}/exam-appointments"
    full = client.post(url, headers=p, json={"session_id": world["session"].id})
    assert full.status_code == 409 and full.get_json()["type"].endswith("session-full")
    past = f.exam_session(world["inst"], starts_at=at(2026, 11, 1))
    assert client.post(url, headers=p, json={"session_id": past.id}).status_code == 422
    assert client.post(url, headers=p, json={"session_id": 999999}).status_code == 404


def test_the_institution_lists_and_marks_its_sessions_children(client, world):
    p = h(client, world["parent"])
    a = client.post(f"/api/v1/children/{world['kid'].id}/exam-appointments", headers=p,
                    json={"session_id": world["session"].id}).get_json()
    nurse = h(client, world["nurse"])
    rows = client.get(f"/api/v1/exam-sessions/{world['session'].id}/appointments",
                      headers=nurse).get_json()
    assert [r["child_name"] for r in rows] == [world["kid"].name]
    assert client.get(f"/api/v1/exam-sessions/{world['session'].id}/appointments",
                      headers=h(client, world["doctor_b"])).status_code == 404
    clock.set(at(2026, 12, 10, 9))
    resp = client.post(f"/api/v1/exam-appointments/{a['id']}/mark", headers=nurse,
                       json={"status": "arrived"})
    assert resp.status_code == 200 and resp.get_json()["marked_at"]
    assert resp.get_json()["status"] == "booked"
    assert client.post(f"/api/v1/exam-appointments/{a['id']}/mark", headers=p,
                       json={"status": "arrived"}).status_code == 403


def test_suggestion_and_stats(client, world):
    p = h(client, world["parent"])
    sug = client.get(f"/api/v1/children/{world['kid'].id}/exam-suggestion", headers=p)
    assert sug.status_code == 200
    assert sug.get_json()["session"]["id"] == world["session"].id and sug.get_json()["reason"]
    assert client.get(f"/api/v1/children/{world['kid'].id}/exam-suggestion",
                      headers=h(client, world["stranger"])).status_code == 404
    stats = client.get("/api/v1/exam-stats", headers=h(client, world["regulator"]))
    assert stats.status_code == 200
    assert [r["institution_id"] for r in stats.get_json()["institutions"]] == [world["inst"].id]
    assert client.get("/api/v1/exam-stats",
                      headers=h(client, world["clerk"])).status_code == 403
