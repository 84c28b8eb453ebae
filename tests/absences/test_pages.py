"""Absence pages on a phone: the family's report and withdrawal, the staff's morning list and
follow-up call, the attendance sheet; and who gets 404 or 403."""
from datetime import timedelta

from sqlalchemy import select

from booking import clock
from booking.absences import services
from booking.absences.models import Absence
from tests.absences.world import MONDAY, login, text, world  # noqa: F401 (the fixture)

TUESDAY = MONDAY + timedelta(days=1)


def page(w):
    return f"/children/{w['kid'].id}/absences"


def test_the_family_reports_an_illness_and_withdraws_it(client, world, db):
    login(client, world["parent"])
    home = text(client.get("/absences"))
    assert "小明" in home and page(world) in home and f"/children/{world['kid'].id}/pickup" in home
    form = text(client.get(page(world)))
    assert 'type="date"' in form and 'name="symptoms" type="checkbox" value="jaundice"' in form \
        and MONDAY.isoformat() in form
    resp = client.post(page(world), data={"starts_on": TUESDAY.isoformat(),
                                          "ends_on": (TUESDAY + timedelta(days=1)).isoformat(),
                                          "reason": "illness", "symptoms": ["fever", "rash"]})
    assert resp.status_code == 302
    listing = text(client.get(resp.headers["Location"]))
    assert "已请假" in listing and "病假：发热、皮疹" in listing and "撤回请假" in listing
    a = db.session.scalar(select(Absence))
    resp = client.post(f"/children/{world['kid'].id}/absences/{a.id}/withdraw")
    assert resp.status_code == 302 and "已撤回请假" in text(client.get(resp.headers["Location"]))


def test_a_refused_report_keeps_what_was_typed(client, world, db):
    login(client, world["parent"])
    yesterday = (MONDAY - timedelta(days=1)).isoformat()
    resp = client.post(page(world), data={"starts_on": yesterday, "reason": "illness",
                                          "symptoms": ["other"], "symptom_other": "流鼻涕",
                                          "note": "请老师留意"})
    body = text(resp)
    assert resp.status_code == 422 and "不能为已经过去的日期请假" in body
    assert f'value="{yesterday}"' in body and "流鼻涕" in body and "请老师留意" in body
    services.report(world["kid"].id, world["parent"], starts_on=TUESDAY, reason="family")
    clash = client.post(page(world), data={"starts_on": TUESDAY.isoformat(), "reason": "family"})
    assert clash.status_code == 409 and "这段时间已有请假" in text(clash)
    bad = client.post(page(world), data={"starts_on": "明天", "reason": "family"})
    assert bad.status_code == 422 and "请按 年-月-日 填写日期" in text(bad)
    assert db.session.scalar(select(Absence.id).where(Absence.starts_on != TUESDAY)) is None


def test_strangers_get_404_and_other_roles_403(client, world):
    a = services.report(world["kid"].id, world["parent"], starts_on=TUESDAY, reason="family")
    login(client, world["other_parent"])
    assert client.get(page(world)).status_code == 404
    assert client.post(page(world), data={"starts_on": TUESDAY.isoformat(),
                                          "reason": "family"}).status_code == 404
    assert client.post(f"/children/{world['kid'].id}/absences/{a.id}/withdraw").status_code == 404
    # their own child's path with our absence's id
    assert client.post(f"/children/{world['kid2'].id}/absences/{a.id}/withdraw").status_code == 404
    for who in ("director", "regulator"):
        client.post("/logout")
        login(client, world[who])
        assert client.get(page(world)).status_code == 403


def test_the_staff_see_the_morning_and_follow_up(client, world, db):
    services.report(world["kid"].id, world["parent"], starts_on=MONDAY, reason="illness",
                    symptoms=["diarrhoea"], note="昨晚腹泻")
    login(client, world["carer"])
    morning = text(client.get("/staff/absences"))
    assert "今日请假（1）" in morning and "病假：腹泻" in morning and "昨晚腹泻" in morning
    assert "1 名孩子未到且未请假" in morning and "小红" in morning
    follow = f"/staff/absences/{world['r2'].id}/follow-up"
    assert follow in morning and "追踪时间" not in morning  # the setting is the director's
    call = text(client.get(follow))
    assert world["other_parent"].name in call
    bad = client.post(follow, data={"reached": "yes"})
    assert bad.status_code == 422 and "请选择请假原因" in text(bad)
    resp = client.post(follow, data={"reached": "yes", "reason": "illness",
                                     "symptoms": ["fever"], "note": "38.5 ℃"})
    assert resp.status_code == 302
    after = text(client.get("/staff/absences"))
    assert "今日请假（2）" in after and "老师电话追踪" in after and "所有孩子都已入园或已请假" in after
    # the attendance sheet shows them too
    sheet = text(client.get(f"/staff/attendance?group={world['group'].id}"))
    assert sheet.count("已请假") == 2 and "病假：发热" in sheet


def test_before_the_follow_up_time_nobody_is_listed_yet(client, world):
    clock.advance(timedelta(hours=-2))
    login(client, world["carer"])
    morning = text(client.get("/staff/absences"))
    assert "10:00 后" in morning and "/follow-up" not in morning
    assert "未到且未请假，请致电家长" not in text(client.get("/staff/attendance"))
    clock.advance(timedelta(hours=2))
    assert "2 名孩子未到且未请假，请致电家长" in text(client.get("/staff/attendance"))


def test_the_director_sets_the_follow_up_time(client, world):
    login(client, world["director"])
    assert "追踪时间" in text(client.get("/staff/absences"))
    resp = client.post("/staff/absences/settings", data={"follow_up_at": "11:00"})
    assert resp.status_code == 302
    morning = text(client.get("/staff/absences"))
    assert "追踪时间已保存" in morning and "11:00 后" in morning
    bad = client.post("/staff/absences/settings", data={"follow_up_at": "25:00"},
                      follow_redirects=True)
    assert "请按 时:分 填写" in text(bad)
    early = client.post("/staff/absences/settings", data={"follow_up_at": "05:00"},
                        follow_redirects=True)
    assert "06:00 到 18:00" in text(early)
    client.post("/logout")
    login(client, world["carer"])
    assert client.post("/staff/absences/settings",
                       data={"follow_up_at": "09:00"}).status_code == 403


def test_another_centres_child_is_404_for_the_follow_up(client, world):
    login(client, world["other_staff"])
    assert client.get(f"/staff/absences/{world['r'].id}/follow-up").status_code == 404
    assert client.post(f"/staff/absences/{world['r'].id}/follow-up",
                       data={"reached": "no"}).status_code == 404
    assert "小明" not in text(client.get("/staff/absences"))
    client.post("/logout")
    login(client, world["parent"])
    assert client.get("/staff/absences").status_code == 403


def test_the_pages_fit_a_phone(client, world):
    """No table and no fixed width on the family's pages (360 px, no sideways scroll)."""
    login(client, world["parent"])
    for path in ("/absences", page(world)):
        body = text(client.get(path))
        assert "<table" not in body and "width:" not in body.replace(" ", "")
