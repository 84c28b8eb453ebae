"""The pages: the staff's class view (one submit for several children), a child's page for
notes, moods and photos, corrections; the family's day and its history."""
from datetime import timedelta

from sqlalchemy import func, select

from booking import clock
from booking.daily import services
from booking.daily.models import DailyEntry
from tests.daily.conftest import at, login


def _count(db):
    return db.session.scalar(select(func.count(DailyEntry.id)))


def test_class_view_lists_the_class_with_each_state(client, world):
    login(client, world["carer"])
    services.log(world["carer"], [world["kid"].id], action="nap_start", at=at(9, 30))
    page = client.get("/staff/daily")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count('name="child_ids"') == 2  # the two present; 朵朵 has not arrived
    assert "朵朵" in html and "未入园" in html and "午睡中 09:30 起" in html
    assert "外园宝宝" not in html
    assert f'/staff/daily/children/{world["kid"].id}#photo' in html
    # the nav leads there
    assert 'href="/staff/daily"' in client.get("/staff/attendance").get_data(as_text=True)


def test_one_submit_logs_for_the_children_ticked(client, world, db):
    login(client, world["carer"])
    resp = client.post("/staff/daily", data={
        "child_ids": [world["kid"].id, world["kid2"].id], "action": "meal",
        "meal": "lunch", "amount": "most", "at": "09:40", "group": world["group"].id})
    assert resp.status_code == 302
    assert "已为 2 个孩子记录：用餐" in client.get(resp.headers["Location"]).get_data(as_text=True)
    rows = db.session.scalars(select(DailyEntry)).all()
    assert {(e.child_id, e.meal, e.amount, e.at) for e in rows} == {
        (world["kid"].id, "lunch", "most", at(9, 40)), (world["kid2"].id, "lunch", "most", at(9, 40))}


def test_refusals_re_render_the_class_view_with_the_ticks_kept(client, world, db):
    login(client, world["carer"])
    resp = client.post("/staff/daily", data={
        "child_ids": [world["kid"].id, world["kid2"].id], "action": "meal", "meal": "lunch",
        "amount": "heaps"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "请选择吃了多少" in html
    assert html.count("checked") >= 2
    resp = client.post("/staff/daily", data={"action": "toilet", "toilet": "wet"})
    assert resp.status_code == 422 and "请至少选择一个孩子" in resp.get_data(as_text=True)
    resp = client.post("/staff/daily", data={"child_ids": [world["kid"].id], "action": "meal",
                                             "meal": "lunch", "amount": "all", "at": "25:99"})
    assert resp.status_code == 422 and "请按 时:分 填写时间" in resp.get_data(as_text=True)
    resp = client.post("/staff/daily", data={"child_ids": [world["kid3"].id], "action": "toilet",
                                             "toilet": "wet"})
    assert resp.status_code == 409 and "不在园" in resp.get_data(as_text=True)
    resp = client.post("/staff/daily", data={"child_ids": [world["kid4"].id], "action": "toilet",
                                             "toilet": "wet"})
    assert resp.status_code == 404
    assert _count(db) == 0


def test_other_roles_and_families_are_refused(client, world):
    for who, status in (("finance", 403), ("parent", 403), ("regulator", 403)):
        login(client, world[who])
        assert client.get("/staff/daily").status_code == status, who
        client.post("/logout")
    login(client, world["other_staff"])
    assert client.get(f"/staff/daily?group={world['group'].id}").status_code == 404
    assert client.get(f"/staff/daily/children/{world['kid'].id}").status_code == 404


def test_a_childs_page_takes_a_note_and_a_mood(client, world, db):
    login(client, world["health"])
    kid = world["kid"].id
    page = client.get(f"/staff/daily/children/{kid}")
    assert page.status_code == 200 and "老师留言" in page.get_data(as_text=True)
    resp = client.post(f"/staff/daily/children/{kid}/note", data={"note": "午饭后有点咳嗽"})
    assert resp.status_code == 302
    resp = client.post(f"/staff/daily/children/{kid}/mood", data={"mood": "grumpy"})
    assert resp.status_code == 422 and "请选择心情" in resp.get_data(as_text=True)
    resp = client.post(f"/staff/daily/children/{kid}/note", data={"note": ""})
    assert resp.status_code == 422 and "请填写留言" in resp.get_data(as_text=True)
    resp = client.post(f"/staff/daily/children/{kid}/mood", data={"mood": "tired"})
    assert resp.status_code == 302
    html = client.get(f"/staff/daily/children/{kid}").get_data(as_text=True)
    assert "午饭后有点咳嗽" in html and "疲倦" in html and "更正或删除" in html
    # another centre's child is missing, even with a bad form
    assert client.post(f"/staff/daily/children/{world['kid4'].id}/note",
                       data={}).status_code == 404


def test_correct_and_remove_on_the_same_day(client, world, db):
    entry = services.log(world["carer"], [world["kid"].id], action="meal", meal="lunch",
                         amount="some", at=at(9, 30))[0]
    login(client, world["carer"])
    page = client.get(f"/staff/daily/entries/{entry.id}/edit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'value="09:30"' in html and 'name="mood"' not in html
    resp = client.post(f"/staff/daily/entries/{entry.id}/edit",
                       data={"meal": "lunch", "amount": "all", "at": "09:35", "note": ""})
    assert resp.status_code == 302
    db.session.expire_all()
    assert (entry.amount, entry.at) == ("all", at(9, 35))
    resp = client.post(f"/staff/daily/entries/{entry.id}/edit",
                       data={"meal": "lunch", "amount": "all", "at": ""})
    assert resp.status_code == 422 and "请填写时间" in resp.get_data(as_text=True)
    client.post("/logout")
    login(client, world["carer2"])
    resp = client.post(f"/staff/daily/entries/{entry.id}/edit",
                       data={"meal": "lunch", "amount": "none", "at": "09:35"})
    assert resp.status_code == 403 and "只能更正或删除自己记录的条目" in resp.get_data(as_text=True)
    client.post("/logout")
    login(client, world["carer"])
    resp = client.post(f"/staff/daily/entries/{entry.id}/remove", data={"reason": "记错了"})
    assert resp.status_code == 302 and _count(db) == 0


def test_the_next_day_the_entry_is_closed(client, world, db):
    entry = services.log(world["carer"], [world["kid"].id], action="note", note="x")[0]
    clock.advance(timedelta(days=1))
    login(client, world["carer"])
    assert "记录不能再修改" in client.get(f"/staff/daily/entries/{entry.id}/edit").get_data(as_text=True)
    resp = client.post(f"/staff/daily/entries/{entry.id}/edit", data={"note": "y", "at": "09:00"})
    assert resp.status_code == 409
    resp = client.post(f"/staff/daily/entries/{entry.id}/remove", data={})
    assert resp.status_code == 302 and _count(db) == 1
    assert "不能再修改" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_the_parents_day_as_it_fills(client, world):
    login(client, world["parent"])
    kid = world["kid"].id
    html = client.get(f"/children/{kid}/day").get_data(as_text=True)
    assert "08:00" in html and "晨检通过" in html and "36.6" in html
    services.log(world["carer"], [kid], action="meal", meal="breakfast", amount="all",
                 at=at(8, 20))
    services.log(world["carer"], [kid], action="nap_start", at=at(9, 0))
    html = client.get(f"/children/{kid}/day").get_data(as_text=True)
    assert "早餐：全部吃完" in html and "睡着了" in html and "更正或删除" not in html
    services.log(world["carer"], [kid], action="nap_end", at=at(9, 40))
    html = client.get(f"/children/{kid}/day").get_data(as_text=True)
    assert "09:00–09:40，40 分钟" in html
    # the parent's menu and the family page
    assert f"/children/{kid}/day" in client.get("/daily").get_data(as_text=True)


def test_history_by_day(client, world):
    kid = world["kid"].id
    services.log(world["carer"], [kid], action="mood", mood="happy")
    clock.advance(timedelta(days=1))
    login(client, world["parent"])
    listing = client.get(f"/children/{kid}/days")
    html = listing.get_data(as_text=True)
    assert listing.status_code == 200 and "2026-11-23" in html and "1 条记录" in html
    day = client.get(f"/children/{kid}/days?date=2026-11-23").get_data(as_text=True)
    assert "开心" in day and "入园" in day
    assert "这一天没有记录" in client.get(f"/children/{kid}/days?date=2026-11-01").get_data(as_text=True)
    assert client.get(f"/children/{kid}/days?date=2026-13-01").status_code == 400


def test_the_day_is_private(client, world):
    kid = world["kid"].id
    services.log(world["carer"], [kid], action="note", note="秘密")
    for who, status in (("parent2", 404), ("parent3", 404), ("other_staff", 404),
                        ("regulator", 403), ("finance", 403)):
        login(client, world[who])
        for url in (f"/children/{kid}/day", f"/children/{kid}/days",
                    f"/children/{kid}/days?date=2026-11-23"):
            assert client.get(url).status_code == status, (who, url)
        client.post("/logout")
    login(client, world["director"])  # the centre's staff read it too
    assert "秘密" in client.get(f"/children/{kid}/day").get_data(as_text=True)


def test_staff_going_to_the_family_menu_land_on_the_class_view(client, world):
    login(client, world["carer"])
    resp = client.get("/daily")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/daily")
