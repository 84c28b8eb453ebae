"""The pages: the director's self-assessment form (save, submit, a bad form re-rendered with
the item named), fix reports; the regulator's item-level form with the self score beside each
item, the detail page's fix items and follow-up, the list of fixes due; the centre's public
page with its grade history; 404 outside the reach, 403 for other roles."""
from datetime import date, datetime, timezone

from booking import clock
from booking.evaluation import fixes, services
from booking.evaluation.models import Evaluation, FixItem
from tests.evaluation.world import DAY, FULL, GOOD, form_of, login, world  # noqa: F401


def _text(resp):
    return resp.get_data(as_text=True)


def test_director_saves_then_submits(client, db, world):
    login(client, world["director"])
    page = _text(client.get("/staff/evaluation"))
    assert "办托条件" in page and "基本指标" in page and 'name="item-cond_1"' in page
    resp = client.post("/staff/evaluation", data=form_of({"cond_1": 15}, action="save"))
    assert resp.status_code == 302
    ev = db.session.query(Evaluation).one()
    assert (ev.status, ev.score) == ("draft", 15)
    assert 'value="15"' in _text(client.get("/staff/evaluation"))
    resp = client.post("/staff/evaluation", data=form_of(GOOD, action="submit"))
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Evaluation, ev.id).status == "submitted"


def test_a_bad_form_rerenders_naming_the_item(client, db, world):
    login(client, world["director"])
    resp = client.post("/staff/evaluation",
                       data=form_of(dict(GOOD, cond_1=25, care_2="很多"), action="submit"))
    assert resp.status_code == 422
    page = _text(resp)
    assert "依法登记并完成托育机构备案：得分应在 0 到 20 之间的整数" in page
    assert "回应性照护" in page and 'value="25"' in page  # what was typed is kept
    assert db.session.query(Evaluation).count() == 0
    missing = dict(GOOD)
    del missing["management_4"]
    resp = client.post("/staff/evaluation", data=form_of(missing, action="submit"))
    assert resp.status_code == 422 and "质量自评与持续改进：请填写得分" in _text(resp)
    assert db.session.query(Evaluation).count() == 0


def test_regulator_inspects_with_the_self_score_beside(client, db, world):
    services.save_self(world["centre"].id, world["director"],
                       items=dict(FULL, cond_3=24), notes={"cond_3": "户外场地已扩建"},
                       submit=True)
    login(client, world["regulator"])
    url = f"/regulator/centres/{world['centre'].id}/evaluation"
    page = _text(client.get(url))
    assert "机构自评：24" in page and "户外场地已扩建" in page
    bad = client.post(url, data=form_of(dict(GOOD, health_4=46), inspected_on="2026-11-20"))
    assert bad.status_code == 422 and "食品安全" in _text(bad)
    future = client.post(url, data=form_of(GOOD, inspected_on="2026-11-24"))
    assert future.status_code == 422 and "检查日期不能晚于今天" in _text(future)
    assert db.session.query(Evaluation).filter_by(kind="inspection").count() == 0
    resp = client.post(url, data=form_of(GOOD, failed=["staff_3"], inspected_on="2026-11-20",
                                         findings="配比不足"))
    assert resp.status_code == 302
    ev = db.session.query(Evaluation).filter_by(kind="inspection").one()
    assert ev.inspection.grade == "D" and resp.location.endswith(f"/regulator/evaluations/{ev.id}")
    detail = _text(client.get(resp.location))
    assert "基本指标不达标" in detail and "配比不足" in detail
    # a fix item: a deadline before the inspection re-renders; a good one is set
    fix_url = f"/regulator/evaluations/{ev.id}/fixes"
    bad = client.post(fix_url, data={"code": "staff_3", "what": "增配保育人员",
                                     "due_on": "2026-11-19"})
    assert bad.status_code == 422 and "整改期限不能早于检查日期" in _text(bad)
    assert client.post(fix_url, data={"code": "staff_3", "what": "增配保育人员",
                                      "due_on": "2026-12-10"}).status_code == 302
    fx = db.session.query(FixItem).one()
    assert fx.due_on == date(2026, 12, 10) and "增配保育人员" in _text(client.get(resp.location))


def test_fix_follow_up_through_the_pages(client, db, world):
    ev = services.record_inspection(world["centre"].id, world["regulator"], inspected_on=DAY,
                                    items=GOOD, fixes=[{"code": "safety_1", "what": "补装监控",
                                                        "due_on": date(2026, 11, 30)}])
    fx_id = ev.fixes[0].id
    login(client, world["director"])
    assert "补装监控" in _text(client.get("/staff/evaluation"))
    resp = client.post(f"/staff/evaluation/fixes/{fx_id}/report", data={"note": "已全部安装"})
    assert resp.status_code == 302 and db.session.get(FixItem, fx_id).status == "reported"
    # reporting twice: refused with a message, nothing changed
    resp = client.post(f"/staff/evaluation/fixes/{fx_id}/report", data={}, follow_redirects=True)
    assert "该整改项不在待整改状态" in _text(resp)
    client.post("/logout")
    login(client, world["regulator"])
    listing = _text(client.get("/regulator/fixes"))
    assert "补装监控" in listing and "待核验" in listing
    resp = client.post(f"/regulator/fixes/{fx_id}/return", data={"reason": ""},
                       follow_redirects=True)
    assert "请说明退回理由" in _text(resp)
    db.session.expire_all()
    assert db.session.get(FixItem, fx_id).status == "reported"
    assert client.post(f"/regulator/fixes/{fx_id}/verify", data={}).status_code == 302
    db.session.expire_all()
    assert db.session.get(FixItem, fx_id).status == "verified"


def test_overdue_on_the_dashboard_and_the_list(client, db, world):
    services.record_inspection(world["centre"].id, world["regulator"], inspected_on=DAY,
                               items=GOOD, fixes=[{"code": "safety_1", "what": "补装监控",
                                                   "due_on": date(2026, 11, 25)}])
    login(client, world["regulator"])
    assert "补装监控" not in _text(client.get("/regulator/fixes?show=overdue"))
    clock.set(datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc))
    assert "补装监控" in _text(client.get("/regulator/fixes?show=overdue"))
    assert "已逾期 1 项" in _text(client.get("/regulator"))


def test_public_centre_page_shows_the_grade_history(client, db, world):
    c = world["centre"]
    services.record_inspection(c.id, world["regulator"], inspected_on=date(2026, 6, 1),
                               items=GOOD, failed=["cond_1"])
    services.record_inspection(c.id, world["regulator"], inspected_on=DAY, items=GOOD)
    page = _text(client.get(f"/centres/{c.id}"))
    history = page.split('class="grade-history"')[1].split("</ol>")[0]
    assert history.index("2026-11-20") < history.index("2026-06-01")
    assert "等级 D" in history and "967 分" in history


def test_scope_and_roles(client, db, world):
    ev = services.record_inspection(world["centre"].id, world["regulator"], inspected_on=DAY,
                                    items=GOOD, fixes=[{"code": "safety_1", "what": "补装监控",
                                                        "due_on": date(2026, 11, 30)}])
    fx_id = ev.fixes[0].id
    login(client, world["far_regulator"])
    assert client.get(f"/regulator/centres/{world['centre'].id}/evaluation").status_code == 404
    assert client.get(f"/regulator/evaluations/{ev.id}").status_code == 404
    assert client.post(f"/regulator/fixes/{fx_id}/verify", data={}).status_code == 404
    assert "补装监控" not in _text(client.get("/regulator/fixes"))
    client.post("/logout")
    login(client, world["other_director"])
    assert client.post(f"/staff/evaluation/fixes/{fx_id}/report", data={}).status_code == 404
    client.post("/logout")
    for who in ("carer", "parent"):
        login(client, world[who])
        assert client.get("/staff/evaluation").status_code == 403
        assert client.get(f"/regulator/evaluations/{ev.id}").status_code == 403
        client.post("/logout")
    assert fixes.due_for(world["regulator"])[0].status == "open"


def test_director_sees_the_inspection_beside_its_own(client, db, world):
    services.save_self(world["centre"].id, world["director"], items=dict(FULL, cond_3=23),
                       submit=True)
    ev = services.record_inspection(world["centre"].id, world["regulator"], inspected_on=DAY,
                                    items=GOOD, fixes=[{"code": "cond_3", "what": "扩建场地",
                                                        "due_on": date(2026, 12, 1)}])
    login(client, world["director"])
    assert f"/staff/evaluations/{ev.id}" in _text(client.get("/staff/evaluation"))
    page = _text(client.get(f"/staff/evaluations/{ev.id}"))
    row = page.split("建筑设计、室内外活动面积符合规范")[1].split("</tr>")[0]
    assert ">24<" in row and ">23<" in row  # the inspector's 24 beside the centre's 23
    assert "扩建场地" in page and "核验通过" not in page and "下达整改项" not in page
    client.post("/logout")
    login(client, world["other_director"])
    assert client.get(f"/staff/evaluations/{ev.id}").status_code == 404


def test_each_fix_form_has_its_own_ids_and_labels_that_point_at_them(client, db, world):
    """Two fix items: the report form is drawn twice; no id repeats and every label's `for`
    names an input on the page (templates/_macros.html `field(..., id=...)`)."""
    import re

    services.record_inspection(world["centre"].id, world["regulator"], inspected_on=DAY,
                               items=GOOD, fixes=[
                                   {"code": "safety_1", "what": "补装监控", "due_on": date(2026, 11, 30)},
                                   {"code": "health_4", "what": "留样柜", "due_on": date(2026, 11, 30)}])
    login(client, world["director"])
    page = _text(client.get("/staff/evaluation"))
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    fors = re.findall(r'<label[^>]*\sfor="([^"]+)"', page)
    assert fors and not set(fors) - set(ids)
    assert {f for f in fors if f.startswith("fixed-on-")} and len([f for f in fors if f.startswith("fixed-on-")]) == 2
