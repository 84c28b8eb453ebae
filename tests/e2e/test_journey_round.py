"""An allocation round (统一派位, issue 15), in the browser.

The 阿拉尔 regulator (a laptop, 1280 px) ticks two slots of its own start date at 阿拉尔's public
centre, sets the window and opens the round; three families apply — one on a phone from the
centre page, one through the API, and twins as one application; the regulator closes and draws;
the public results list no names; the phone family reads why each choice came out as it did and
accepts its offer.

Seats: the first slot has 1, the second 3, so every family gets a place whatever the lottery
says: the twins take two of the second's seats, the other two families compete for the first
and the loser takes the second's last seat. The world's slots and families are made through the
API; the server runs on the real clock.
"""
import re
from datetime import timedelta

import pytest

from .helpers import api, child, expect, family, log_in, own_date, phone, shot, slot, token
from .helpers import menu

pytestmark = pytest.mark.e2e

REGULATOR = ("regulator.ar@tuowei.example", "Regulator-demo-2026")
STAFF = ("staff.ar1@tuowei.example", "Staff-demo-2026")
LAPTOP = {"width": 1280, "height": 900}


def test_a_round_from_creation_to_an_accepted_offer(new_context, server, tmp_path):
    if server.data_source != "seed":
        pytest.skip("the journey needs `flask seed` data (阿拉尔's regulator and centre)")
    starts = own_date(120)
    staff = token(server, *STAFF)
    one = slot(server, staff, "public", 80000, 1, starts)
    three = slot(server, staff, "affordable", 90000, 3, starts)
    born = starts - timedelta(days=500)
    phone_email, phone_password, phone_token = family(server, "古丽妈妈", "round-phone")
    phone_kid = child(server, phone_token, "古丽小宝", born)
    _e, _p, api_token = family(server, "王爸爸", "round-api")
    api_kid = child(server, api_token, "王小石", born)
    _e, _p, twins_token = family(server, "双胞胎妈妈", "round-twins")
    twin = child(server, twins_token, "大双", born)
    child(server, twins_token, "小双", born, twin_of=twin["id"])

    # --- the regulator sets the round up and opens it
    desk = new_context(viewport=LAPTOP, locale="zh-CN").new_page()
    log_in(desk, *REGULATOR)
    menu(desk).get_by_role("link", name="统一派位").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("统一派位管理")
    name = f"阿拉尔 {starts.isoformat()} 批次统一派位"
    desk.get_by_label("轮次名称").fill(name)
    for s in (one, three):
        desk.get_by_role("checkbox", name=re.compile(re.escape(starts.isoformat()) + ".*"
                                                     + str(s["capacity"]) + " 个")).check()
    desk.get_by_label("申请开始（北京时间）").fill(
        (starts - timedelta(days=200)).strftime("%Y-%m-%dT09:00"))
    desk.get_by_label("申请截止（北京时间）").fill(
        (starts - timedelta(days=30)).strftime("%Y-%m-%dT17:00"))
    desk.get_by_label("每个孩子最多填报的志愿数").fill("2")
    desk.get_by_role("button", name="创建草稿").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(name)
    desk.get_by_role("button", name="开放申请（公布种子的 SHA-256）").click()
    expect(desk.get_by_role("status")).to_contain_text("已开放申请")
    round_id = int(re.search(r"/regulator/rounds/(\d+)", desk.url).group(1))
    shot(desk, tmp_path, "1-regulator-round-open")

    # --- a family on a phone applies from the centre page
    mobile = phone(new_context)
    log_in(mobile, phone_email, phone_password)
    mobile.goto(f"/centres/{staff['user']['centre_id']}")
    row = mobile.get_by_role("main").get_by_role("row").filter(has_text=starts.isoformat()).first
    row.get_by_role("link", name=re.compile("^参加统一派位")).click()
    expect(mobile.get_by_role("heading", level=1)).to_have_text("填报志愿")
    mobile.get_by_label("第 2 志愿").select_option(str(three["id"]))
    # the first choice is the slot the family came from
    expect(mobile.get_by_label("第 1 志愿")).to_have_value(str(one["id"]))
    shot(mobile, tmp_path, "2-phone-apply")
    mobile.get_by_role("button", name="提交申请").click()
    expect(mobile.get_by_role("status")).to_contain_text("已提交申请")
    expect(mobile.get_by_role("heading", name="我的申请")).to_be_visible()

    # --- the other two through the API; a second application for a twin is refused
    api(server, "POST", f"/api/v1/rounds/{round_id}/applications",
        {"child_id": api_kid["id"], "choices": [one["id"], three["id"]]}, token=api_token,
        status=201)
    twins_app = api(server, "POST", f"/api/v1/rounds/{round_id}/applications",
                    {"child_id": twin["id"], "choices": [three["id"]]}, token=twins_token,
                    status=201)
    assert twins_app["size"] == 2
    api(server, "POST", f"/api/v1/rounds/{round_id}/applications",
        {"child_id": twins_app["child_ids"][1], "choices": [three["id"]]}, token=twins_token,
        status=409)

    # --- the regulator closes and draws
    desk.reload()
    desk.get_by_role("button", name="提前截止申请").click()
    expect(desk.get_by_role("status")).to_contain_text("申请已截止")
    desk.get_by_role("button", name="派位", exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text("派位完成")

    # --- the public results: no names, a cut-off for the full slot
    desk.get_by_role("link", name="派位结果").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("派位结果")
    text = desk.get_by_role("main").inner_text()
    for who in ("古丽小宝", "王小石", "大双", "小双", phone_email):
        assert who not in text
    expect(desk.get_by_role("main").get_by_role("row").filter(has_text="#")).to_have_count(3)
    shot(desk, tmp_path, "3-public-results")

    # --- the phone family reads why, and accepts
    mobile.goto(f"/rounds/{round_id}")
    mine = mobile.locator("#mine")
    expect(mine).to_contain_text("已分配托位，待答复")
    expect(mine).to_contain_text(re.compile(r"第 [12] 志愿：录取"))
    shot(mobile, tmp_path, "4-phone-outcome", at=mine)
    mine.get_by_role("button", name="接受这个托位").click()
    expect(mobile.get_by_role("status")).to_contain_text("已接受派位结果")
    expect(mobile.locator("#mine")).to_contain_text("已接受")
    # the place is the family's hold
    holds = api(server, "GET", "/api/v1/reservations?per_page=100", token=phone_token, status=200)
    items = holds["items"] if isinstance(holds, dict) else holds
    assert [r["status"] for r in items if r["child_id"] == phone_kid["id"]] == ["held"]
