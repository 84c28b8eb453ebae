"""A closure (关停应急处置), in the browser: the 大连 regulator suspends a centre; the family
whose child was enrolled there is told, the closure report lists the child until placed, and
the family's unused prepaid fees show as a refund due.

The family, its enrolment and its payment are made through the API first (a slot starting in
30 days, so an intake check made today covers the start date). The centre is 大连港集团职工托育园,
which no other journey uses.
"""
import re
import uuid
from datetime import timedelta

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

from .helpers import api as _api, beijing_today
from .helpers import token as _token
from .helpers import menu

pytestmark = pytest.mark.e2e

REGULATOR = ("regulator.dl@tuowei.example", "Regulator-demo-2026")
STAFF = ("staff.dl1@tuowei.example", "Staff-demo-2026")
CENTRE = "大连港集团职工托育园"
CHILD = "关小安"


def _family_enrolled_and_paid(server):
    email = f"closure-{uuid.uuid4().hex[:8]}@example.com"
    _api(server, "POST", "/api/v1/auth/register", {"email": email, "password": "Closure-2026!",
                                                   "name": "关妈妈", "phone": None}, status=201)
    parent = _token(server, email, "Closure-2026!")
    staff = _token(server, *STAFF)
    centre_id = staff["user"]["centre_id"]
    starts_on = beijing_today() + timedelta(days=30)
    slot = _api(server, "POST", f"/api/v1/centres/{centre_id}/slots", {
        "age_band": "toddler", "care_type": "full_day", "category": "market", "capacity": 2,
        "monthly_fee_fen": 200000, "starts_on": starts_on.isoformat()},
        token=staff["token"], status=201)
    child = _api(server, "POST", "/api/v1/children", {
        "name": CHILD, "birth_date": (starts_on - timedelta(days=480)).isoformat()},
        token=parent["token"], status=201)
    hold = _api(server, "POST", "/api/v1/reservations", {"slot_id": slot["id"],
                                                         "child_id": child["id"]},
                token=parent["token"], status=201)
    check = _api(server, "POST", f"/api/v1/children/{child['id']}/health-checks", {
        "examined_on": beijing_today().isoformat(), "institution": "庄河市妇幼保健院",
        "result": "pass", "vaccination_verified": True}, token=parent["token"], status=201)
    _api(server, "POST", f"/api/v1/health-checks/{check['id']}/verify", token=staff["token"],
         status=200)
    _api(server, "POST", f"/api/v1/reservations/{hold['id']}/confirm", token=staff["token"],
         status=200)
    _api(server, "POST", f"/api/v1/centres/{centre_id}/payments",
         {"parent_id": parent["user"]["id"], "amount_fen": 300000}, token=staff["token"],
         status=201)
    return email, parent, hold


def test_regulator_suspends_a_centre_and_follows_every_family(page, new_context, server):
    if server.data_source != "seed":
        pytest.skip("the closure journey needs `flask seed` data (regulator and staff accounts)")
    email, parent, hold = _family_enrolled_and_paid(server)

    # --- the regulator finds the centre's filing and suspends it, with a reason
    page.goto("/login")
    page.get_by_label("邮箱或手机号").fill(REGULATOR[0])
    page.get_by_label("密码", exact=True).fill(REGULATOR[1])
    page.get_by_role("main").get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/home$"))  # each role lands on its home
    menu(page).get_by_role("link", name="备案审核").click()
    page.get_by_role("link", name=CENTRE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CENTRE)

    # a suspension without a reason is refused and changes nothing
    page.get_by_label("处理", exact=True).select_option(label="暂停该机构服务")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("main")).to_contain_text("请说明理由")
    assert _api(server, "GET", f"/api/v1/reservations/{hold['id']}",
                token=parent["token"])["status"] == "enrolled"

    # the page says how many families it ends, and asks to confirm knowing it
    expect(page.get_by_role("note")).to_contain_text("个家庭的托位")
    page.get_by_label("处理", exact=True).select_option(label="暂停该机构服务")
    page.get_by_label("理由").fill("消防检查不合格，暂停整改")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("main")).to_contain_text("请勾选确认")
    page.get_by_label(re.compile("我已知晓")).check()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("status")).to_contain_text("已处理")

    # --- the closure report: the child, its former state, notified, waiting to be placed
    report = page.locator("section").filter(has=page.get_by_role("heading", name="关停处置报告"))
    row = report.get_by_role("row").filter(has_text=CHILD)
    expect(row).to_contain_text("已入托")
    expect(row).to_contain_text("待安置")
    # --- and the family's unused prepaid fees, owed back
    refunds = page.locator("section").filter(has=page.get_by_role("heading", name="预收费退款"))
    expect(refunds.get_by_role("row").filter(has_text="关妈妈")).to_contain_text("¥3,000")

    # --- the place has ended and the family was told, through the API as in its inbox
    assert _api(server, "GET", f"/api/v1/reservations/{hold['id']}",
                token=parent["token"])["status"] != "enrolled"
    family = new_context().new_page()
    family.goto("/login")
    family.get_by_label("邮箱或手机号").fill(email)
    family.get_by_label("密码", exact=True).fill("Closure-2026!")
    family.get_by_role("main").get_by_role("button", name="登录", exact=True).click()
    menu(family).get_by_role("link", name=re.compile("通知")).click()
    expect(family.get_by_role("main")).to_contain_text(f"{CENTRE} 已暂停或停止服务")
