"""A family reports its child ill on a phone and lists who may collect it; the centre's staff
see the absence in the morning.

The child is enrolled through the API (a slot of the staff's centre starting today, a hold,
an intake check the staff verify, the confirmation); then, on a 360 px phone, the parent
reports today's absence with two symptoms, sees it listed, adds grandma to the pickup list,
and the director finds the child on 缺勤追踪 with the symptoms. No page scrolls sideways.
"""
import re
from datetime import timedelta

import pytest

from .helpers import api, expect, family, log_in, phone, shot, slot, token, beijing_today
from .helpers import menu

pytestmark = pytest.mark.e2e

STAFF_EMAIL = "staff.xa1@tuowei.example"
STAFF_PASSWORD = "Staff-demo-2026"
CHILD = "请假小宝"


def _enrolled_child(server):
    """(parent email, password) of a family whose child is in care from today."""
    staff = token(server, STAFF_EMAIL, STAFF_PASSWORD)
    today = beijing_today()
    s = slot(server, staff, "public", 100000, 1, today)
    email, password, tok = family(server, "请假家长", "absence")
    kid = api(server, "POST", "/api/v1/children",
              {"name": CHILD, "birth_date": (today - timedelta(days=540)).isoformat()},
              token=tok, status=201)
    hold = api(server, "POST", "/api/v1/reservations", {"slot_id": s["id"], "child_id": kid["id"]},
               token=tok, status=201)
    check = api(server, "POST", f"/api/v1/children/{kid['id']}/health-checks",
                {"examined_on": today.isoformat(), "institution": "雁塔区妇幼保健院",
                 "result": "pass", "vaccination_verified": True}, token=tok, status=201)
    api(server, "POST", f"/api/v1/health-checks/{check['id']}/verify", token=staff["token"],
        status=200)
    api(server, "POST", f"/api/v1/reservations/{hold['id']}/confirm", token=staff["token"],
        status=200)
    return email, password


def test_family_reports_an_absence_and_keeps_the_pickup_list(new_context, server, tmp_path):
    email, password = _enrolled_child(server)
    page = phone(new_context)
    log_in(page, email, password)

    # 请假与接送 → the child's absences
    menu(page).get_by_role("link", name="请假与接送").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("请假与接送")
    shot(page, tmp_path, "absences-home")
    page.get_by_role("region", name=CHILD).get_by_role("link", name="请假", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{CHILD} 的请假")
    page.get_by_label("请假日期（从）").fill(beijing_today().isoformat())
    page.get_by_role("radio", name="病假").check()
    page.get_by_role("checkbox", name="发热").check()
    page.get_by_role("checkbox", name="咳嗽").check()
    page.get_by_label("备注").fill("昨晚 38.2 ℃")
    page.get_by_role("button", name="提交请假").click()
    expect(page.get_by_role("status")).to_contain_text("已请假")
    records = page.get_by_role("region", name="请假记录")
    expect(records).to_contain_text("病假：发热、咳嗽")
    shot(page, tmp_path, "absence-reported", records)

    # the pickup list: grandma, with her ID fragment
    page.get_by_role("link", name="← 请假与接送").click()
    page.get_by_role("region", name=CHILD).get_by_role("link", name="接送名单").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{CHILD} 的接送名单")
    add = page.get_by_role("region", name="添加接送人")
    add.get_by_label("姓名").fill("王外婆")
    add.get_by_label("与孩子的关系").fill("外婆")
    add.get_by_label("电话").fill("13812345678")
    add.get_by_label("身份证号后四位").fill("123X")
    add.get_by_role("button", name="添加").click()
    expect(page.get_by_role("status")).to_contain_text("已加入接送名单")
    listed = page.get_by_role("region", name="可以接孩子的人")
    expect(listed).to_contain_text("王外婆")
    expect(listed).to_contain_text("身份证尾号 123X")
    shot(page, tmp_path, "pickup-list", listed)

    # the centre's director sees the absence this morning
    staff = phone(new_context)
    log_in(staff, STAFF_EMAIL, STAFF_PASSWORD)
    menu(staff).get_by_role("link", name="缺勤追踪").click()
    expect(staff).to_have_url(re.compile(r"/staff/absences$"))
    away = staff.get_by_role("region", name=re.compile(r"^今日请假"))
    card = away.get_by_role("listitem").filter(has_text=CHILD)
    expect(card).to_contain_text("病假：发热、咳嗽")
    expect(card).to_contain_text("昨晚 38.2 ℃")
    shot(staff, tmp_path, "staff-absences", away)
