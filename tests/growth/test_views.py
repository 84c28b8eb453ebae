"""The pages: the family's and the staff's, forms re-rendered with 422 and what was typed, the
chart (SVG, title and description, data table), privacy on every page."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.growth import notes, services
from booking.growth.models import GrowthMeasurement, HealthNote

from .conftest import login


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _audit(db, action, actor):
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == action, AuditEvent.actor_id == actor.id))


def test_the_family_finds_its_children(client, world):
    login(client, world.parent)
    page = client.get("/health-and-growth").get_data(as_text=True)
    assert "小花" in page and f"/children/{world.kid.id}/health-notes" in page
    assert "健康与成长" in page  # the nav link


def test_a_guardian_adds_and_withdraws_a_note(client, world, db):
    login(client, world.parent)
    url = f"/children/{world.kid.id}/health-notes"
    page = client.get(url).get_data(as_text=True)
    assert "没有过敏" in page and "签字的监护人" not in page
    resp = client.post(url, data={"csrf_token": _csrf(page), "kind": "allergy", "title": "花生",
                                  "severity": "severe", "reaction": "呼吸困难"})
    assert resp.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "花生" in page and "严重" in page and "家长填写" in page
    note = db.session.scalars(select(HealthNote)).one()
    resp = client.post(f"{url}/{note.id}/withdraw", data={"csrf_token": _csrf(page)})
    assert resp.status_code == 303
    assert "已撤回" in client.get(url).get_data(as_text=True)


def test_a_wrong_note_comes_back_with_its_messages_and_what_was_typed(client, world):
    login(client, world.parent)
    url = f"/children/{world.kid.id}/health-notes"
    token = _csrf(client.get(url).get_data(as_text=True))
    resp = client.post(url, data={"csrf_token": token, "kind": "medication", "title": "布洛芬",
                                  "dose": "5 毫升"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "请填写服药时间" in page and "请填写开始日期" in page
    assert 'value="布洛芬"' in page and 'value="5 毫升"' in page


def test_staff_pages_log_each_read_and_mark_the_centres_entries(client, world, db):
    notes.add(world.kid.id, world.parent, kind="allergy", title="花生", severity="severe")
    login(client, world.health)
    url = f"/children/{world.kid.id}/health-notes"
    page = client.get(url).get_data(as_text=True)
    assert "花生" in page and "签字的监护人" in page
    assert _audit(db, "health_note.read", world.health) == 1
    resp = client.post(url, data={"csrf_token": _csrf(page), "kind": "diet", "title": "清真"})
    assert resp.status_code == 303
    assert "托育机构录入" in client.get(url).get_data(as_text=True)


def test_a_carer_reads_but_does_not_write(client, world, db):
    login(client, world.carer)
    url = f"/children/{world.kid.id}/health-notes"
    page = client.get(url).get_data(as_text=True)
    assert "添加健康信息" not in page
    assert client.post(url, data={"csrf_token": _csrf(page), "kind": "diet",
                                  "title": "x"}).status_code == 403
    assert db.session.scalar(select(func.count(HealthNote.id))) == 0


@pytest.mark.parametrize("who,status", [("other_parent", 404), ("director_b", 404),
                                        ("health_b", 404), ("finance", 403),
                                        ("regulator", 403)])
def test_nobody_else_sees_the_pages(client, world, db, who, status):
    notes.add(world.kid.id, world.parent, kind="allergy", title="花生", severity="severe")
    login(client, getattr(world, who))
    for url in (f"/children/{world.kid.id}/health-notes", f"/children/{world.kid.id}/growth"):
        resp = client.get(url)
        assert resp.status_code == status and "花生" not in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(("health_note.read", "growth.read")))) == 0


def test_the_growth_page_draws_the_chart_without_javascript(client, world):
    services.record_measurement(world.kid.id, world.parent, measured_on=date(2026, 6, 1),
                                height_cm=75.0, weight_kg=9.0)
    services.record_measurement(world.kid.id, world.parent, measured_on=date(2026, 11, 20),
                                height_cm=73.0, weight_kg=7.0)
    login(client, world.parent)
    page = client.get(f"/children/{world.kid.id}/growth").get_data(as_text=True)
    assert page.count('<svg class="growth-chart"') == 2 and 'role="img"' in page
    assert "<title id=\"chart-wfa-t\">" in page and "<desc id=\"chart-wfa-d\">" in page
    assert "<polyline" in page and "<script" not in page.split("<main", 1)[1]
    assert "<table class=\"table growth-table\">" in page and "2026-11-20" in page
    assert "低于 WHO 标准 −2 SD" in page and "低体重" in page  # the flag, in words
    assert 'style="' not in page.split("<main", 1)[1]  # the CSP allows no inline style


def test_a_measurement_from_the_page(client, world, db):
    login(client, world.parent)
    url = f"/children/{world.kid.id}/growth"
    token = _csrf(client.get(url).get_data(as_text=True))
    resp = client.post(url, data={"csrf_token": token, "measured_on": "2026-11-22",
                                  "height_cm": "141", "weight_kg": "10.4",
                                  "measured_by": "guardian"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "身长/身高应在 40–130 厘米之间" in page
    assert 'value="141' in page and 'value="10.4' in page
    resp = client.post(url, data={"csrf_token": token, "measured_on": "2026-11-22",
                                  "height_cm": "81", "weight_kg": "10.4",
                                  "measured_by": "guardian"})
    assert resp.status_code == 303
    assert db.session.scalar(select(func.count(GrowthMeasurement.id))) == 1


def test_the_family_records_the_sex_the_standard_needs(client, world, db):
    login(client, world.other_parent)
    url = f"/children/{world.other_kid.id}/growth"
    page = client.get(url).get_data(as_text=True)
    assert "填写孩子的性别" in page and '<svg class="growth-chart"' not in page
    resp = client.post(f"/children/{world.other_kid.id}/sex",
                       data={"csrf_token": _csrf(page), "sex": "m"})
    assert resp.status_code == 303
    assert client.get(url).get_data(as_text=True).count('<svg class="growth-chart"') == 2


def test_the_staff_growth_page_and_class_list(client, world, db):
    services.record_measurement(world.kid.id, world.parent, measured_on=date(2026, 11, 20),
                                height_cm=73.0, weight_kg=7.0)
    login(client, world.health)
    page = client.get("/staff/growth").get_data(as_text=True)
    assert "小花" in page and "低于 −2 SD" in page and "小明" in page
    assert page.index("小花") < page.index("小明")
    assert _audit(db, "growth.read", world.health) == 2
    url = f"/staff/children/{world.kid.id}/growth"
    page = client.get(url).get_data(as_text=True)
    assert '<svg class="growth-chart"' in page and "记录一次测量" in page
    resp = client.post(url, data={"csrf_token": _csrf(page), "measured_on": "2026-11-23",
                                  "weight_kg": "7.4", "measured_by": "centre"})
    assert resp.status_code == 303
    # Another centre's child: 404, nothing recorded.
    resp = client.post(f"/staff/children/{world.kid_b.id}/growth",
                       data={"csrf_token": _csrf(page), "measured_on": "2026-11-23",
                             "weight_kg": "9", "measured_by": "centre"})
    assert resp.status_code == 404
    assert db.session.scalar(select(func.count(GrowthMeasurement.id)).where(
        GrowthMeasurement.child_id == world.kid_b.id)) == 0
    assert client.get(f"/staff/children/{world.kid_b.id}/growth").status_code == 404
