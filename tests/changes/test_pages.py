"""The pages: the director's form and list, the regulator's list and decision, the public
disclosure's 变更记录, the dashboard and home counts; refusals re-render and change nothing."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from booking import clock
from booking.changes.models import CentreChange
from tests.changes.world import MATERIALS, file, login, text, world  # noqa: F401


def _count(db):
    return db.session.scalar(select(func.count(CentreChange.id)))


def test_director_files_a_capacity_change_with_the_current_values_shown(client, db, world):
    login(client, world["director"])
    page = client.get("/staff/changes/new")
    assert page.status_code == 200 and "07:30-17:30" in text(page)
    resp = client.post("/staff/changes/new", data={"capacity": "80", "materials": MATERIALS})
    assert resp.status_code == 302
    [change] = db.session.scalars(select(CentreChange)).all()
    assert change.changes == {"capacity": {"old": "", "new": "80"}}
    detail = text(client.get(resp.headers["Location"]))
    assert "2026-11-30" in detail and "2026-12-14" in detail
    assert "变更备案" in text(client.get("/staff/changes"))


def test_form_refusals_re_render(client, db, world):
    login(client, world["director"])
    nothing = client.post("/staff/changes/new", data={"materials": MATERIALS})
    assert nothing.status_code == 422 and "请至少填写一项" in text(nothing)
    no_materials = client.post("/staff/changes/new", data={"capacity": "80"})
    assert no_materials.status_code == 422
    assert _count(db) == 0
    file(world)
    second = client.post("/staff/changes/new", data={"manager": "张三", "materials": MATERIALS})
    assert second.status_code == 409 and _count(db) == 1


def test_wrong_role_and_other_scope(client, db, world):
    c = file(world)
    login(client, world["parent"])
    assert client.get("/staff/changes").status_code == 403
    assert client.get("/regulator/changes").status_code == 403
    client.post("/logout")
    login(client, world["other_director"])
    assert client.get(f"/staff/changes/{c.id}").status_code == 404
    client.post("/logout")
    login(client, world["far_regulator"])
    assert client.get(f"/regulator/changes/{c.id}").status_code == 404
    assert client.post(f"/regulator/changes/{c.id}",
                       data={"action": "approve"}).status_code == 404
    assert c.status == "submitted"


def test_regulator_approves_and_the_disclosure_shows_the_history(client, db, world):
    c = file(world, capacity=80, manager="李园长")
    login(client, world["regulator"])
    assert "1 件待办理" in text(client.get("/regulator"))
    assert "1 件待办理" in text(client.get("/home"))
    listing = text(client.get("/regulator/changes?status=due"))
    assert "阳光托育" in listing
    no_reason = client.post(f"/regulator/changes/{c.id}", data={"action": "reject"})
    assert no_reason.status_code == 422 and c.status == "submitted"
    resp = client.post(f"/regulator/changes/{c.id}", data={"action": "approve"})
    assert resp.status_code == 302
    db.session.refresh(c)
    assert c.status == "approved"
    again = client.post(f"/regulator/changes/{c.id}", data={"action": "reject", "reason": "x"})
    assert again.status_code == 302 and c.status == "approved"
    public = text(client.get(f"/centres/{world['centre'].id}"))
    assert "变更记录" in public and "李园长" in public and "核定托位数" in public


def test_overdue_shows_on_the_dashboard(client, db, world):
    file(world)
    clock.set(datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc))
    login(client, world["regulator"])
    page = text(client.get("/regulator"))
    assert "1 件已逾期" in page
