"""A family on a phone: the child's growth chart against the WHO standard, a low measurement
flagged in words, and an allergy added for the centre — the pages never scroll sideways."""
import re
from datetime import timedelta

import pytest

from .helpers import api, child, family, fits_the_phone, log_in, phone, shot, beijing_today
from .helpers import menu

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

pytestmark = pytest.mark.e2e


def test_a_family_reads_the_chart_and_tells_the_centre_of_an_allergy(new_context, server,
                                                                      tmp_path):
    email, password, tok = family(server, "成长家长", "growth")
    today = beijing_today()
    kid = child(server, tok, "小禾", today - timedelta(days=400))
    base = f"/api/v1/children/{kid['id']}"
    api(server, "PUT", f"{base}/sex", {"sex": "f"}, token=tok, status=200)
    api(server, "POST", f"{base}/measurements", {
        "measured_on": (today - timedelta(days=120)).isoformat(), "height_cm": 68.0,
        "weight_kg": 7.6}, token=tok, status=201)
    low = api(server, "POST", f"{base}/measurements", {
        "measured_on": today.isoformat(), "height_cm": 72.0, "weight_kg": 7.0},
        token=tok, status=201)
    assert low["z"]["flagged"] is True

    page = phone(new_context)
    log_in(page, email, password)
    menu(page).get_by_role("link", name="健康与成长").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("健康与成长")
    fits_the_phone(page)

    page.get_by_role("link", name="生长曲线").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("小禾 的生长曲线")
    expect(page.get_by_role("status").filter(has_text="低于 WHO 标准 −2 SD")).to_be_visible()
    charts = page.get_by_role("img", name=re.compile("WHO 儿童生长标准"))
    expect(charts).to_have_count(2)
    expect(page.get_by_role("table")).to_contain_text(today.isoformat())
    shot(page, tmp_path, "growth-chart", at=charts.first)

    page.get_by_role("link", name="健康信息").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("小禾 的健康信息")
    page.get_by_label("过敏原 / 饮食禁忌 / 疾病 / 药品名称").fill("花生")
    page.get_by_label("过敏严重程度").select_option("severe")
    page.get_by_label("过敏反应").fill("嘴唇肿")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status").filter(has_text="已保存健康信息")).to_be_visible()
    expect(page.get_by_role("region", name="在用的健康信息")).to_contain_text("花生")
    shot(page, tmp_path, "health-notes")
