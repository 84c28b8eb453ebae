"""Pages and API: the centre sees the children and acknowledges (audited); the regulator sees
counts only; another centre's staff, a carer, a parent get nothing."""
from sqlalchemy import select

from booking.audit.models import AuditEvent
from booking.extensions import db
from booking.outbreaks import detection
from booking.outbreaks.models import OutbreakAlert
from tests import factories as f
from tests.outbreaks.world import MONDAY, fever, login, text, world  # noqa: F401


def outbreak(world) -> OutbreakAlert:
    for i in range(3):
        fever(world, i)
    [alert] = detection.check(world["centre"].id, MONDAY)
    return alert


def test_staff_page_lists_the_children_and_acknowledges(client, world):
    alert = outbreak(world)
    login(client, world["health"])
    page = client.get("/staff/outbreaks")
    assert page.status_code == 200
    assert "测名0" in text(page) and "小一班" in text(page) and "确认预警" in text(page)
    # an empty note comes back with the message, 422
    resp = client.post(f"/staff/outbreaks/{alert.id}/acknowledge", data={f"ack{alert.id}-note": ""})
    assert resp.status_code == 422 and "请写明已采取的措施" in text(resp)
    resp = client.post(f"/staff/outbreaks/{alert.id}/acknowledge",
                       data={f"ack{alert.id}-note": "已报告区疾控，已消毒"})
    assert resp.status_code == 302
    db.session.expire_all()
    alert = db.session.get(OutbreakAlert, alert.id)
    assert alert.acknowledged_by == world["health"].id and alert.note == "已报告区疾控，已消毒"
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "outbreak.acknowledged")).all()
    assert (event.entity_id, event.actor_id) == (alert.id, world["health"].id)
    assert "已确认" in text(client.get("/staff/outbreaks"))


def test_other_centres_staff_and_other_roles_get_nothing(client, world):
    alert = outbreak(world)
    login(client, world["other_director"])
    assert "测名0" not in text(client.get("/staff/outbreaks"))
    assert client.post(f"/staff/outbreaks/{alert.id}/acknowledge",
                       data={f"ack{alert.id}-note": "x"}).status_code == 404
    client.get("/logout")
    login(client, world["carer"])
    assert client.get("/staff/outbreaks").status_code == 403
    client.get("/logout")
    login(client, world["parents"][0])
    assert client.get("/staff/outbreaks").status_code == 403
    assert client.get("/regulator/outbreaks").status_code == 403
    assert db.session.get(OutbreakAlert, alert.id).acknowledged_at is None


def test_regulator_page_shows_counts_only(client, world):
    outbreak(world)
    login(client, world["regulator"])
    page = client.get("/regulator/outbreaks")
    assert page.status_code == 200
    assert "阳光托育" in text(page) and "3 名儿童" in text(page) and "机构尚未确认" in text(page)
    assert "测名" not in text(page)
    assert client.get("/staff/outbreaks").status_code == 302
    dashboard = text(client.get("/regulator"))  # the dashboard lists it too, counts only
    assert "阳光托育" in dashboard and "3 名儿童" in dashboard and "机构尚未确认" in dashboard
    assert "测名" not in dashboard
    client.get("/logout")
    login(client, world["far_regulator"])
    assert "阳光托育" not in text(client.get("/regulator/outbreaks"))
    assert "阳光托育" not in text(client.get("/regulator"))


def test_api_staff_get_children_regulators_counts(client, world):
    alert = outbreak(world)
    staff = client.get("/api/v1/outbreaks", headers=f.bearer(client, world["director"]))
    assert staff.status_code == 200
    [a] = staff.get_json()
    assert a["count"] == 3 and {c["name"] for c in a["children"]} == {"测名0", "测名1", "测名2"}
    assert a["scope"] == "class" and a["symptom"] == "fever"
    reg = client.get("/api/v1/outbreaks", headers=f.bearer(client, world["regulator"]))
    assert reg.status_code == 200
    [r] = reg.get_json()
    assert r["count"] == 3 and r["children"] is None
    assert "测名" not in reg.get_data(as_text=True)
    far = client.get("/api/v1/outbreaks", headers=f.bearer(client, world["far_regulator"]))
    assert far.get_json() == []
    other = client.get("/api/v1/outbreaks", headers=f.bearer(client, world["other_director"]))
    assert other.get_json() == []
    # acknowledge: another centre's director 404, the regulator 403, the centre's director 200
    path = f"/api/v1/outbreaks/{alert.id}/acknowledge"
    assert client.post(path, json={"note": "x"},
                       headers=f.bearer(client, world["other_director"])).status_code == 404
    assert client.post(path, json={"note": "x"},
                       headers=f.bearer(client, world["regulator"])).status_code == 403
    headers = f.bearer(client, world["director"])
    done = client.post(path, json={"note": "已报告疾控"}, headers=headers)
    assert done.status_code == 200 and done.get_json()["acknowledged_at"]
    again = client.post(path, json={"note": "again"}, headers=headers)
    assert again.status_code == 409
    reg = client.get("/api/v1/outbreaks", headers=f.bearer(client, world["regulator"]))
    [r] = reg.get_json()
    assert r["acknowledged_at"] and r["note"] is None
    assert db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "outbreak.acknowledged")).all() == ["outbreak.acknowledged"]
