"""A centre's subsidy from policy to receivable, on a 360 px phone (docs/subsidies.md): Beijing's
city regulator schedules a higher operating subsidy (待生效: last month's claim keeps last
month's rate) → the Wangjing centre's director generates last month's claim, checks its line
for the child in care on an affordable place, and submits it → Chaoyang's district regulator
finds it in the queue and approves it, acknowledging the anomaly (no attendance recorded) →
the director sees the approved amount under 应收补贴.

The data is `flask seed`'s (booking/seeding_subsidies.py): a child of the demo family in care at
the Wangjing centre since September on an affordable place, and last month's claim left a draft.
"""
import re
from datetime import date

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

from .helpers import beijing_today, fits_the_phone, log_in, phone, shot

pytestmark = pytest.mark.e2e

CITY_REGULATOR = ("regulator.bj@tuowei.example", "Regulator-demo-2026")
DISTRICT_REGULATOR = ("regulator.chaoyang@tuowei.example", "Regulator-demo-2026")  # 朝阳区
DIRECTOR = ("staff.bj1@tuowei.example", "Staff-demo-2026")
CENTRE = "朝阳区望京街道公办托育中心"
CHILD = "示例补贴宝宝1"  # booking/seeding_subsidies.py


def _month(first: date, ahead: int) -> date:
    n = first.year * 12 + first.month - 1 + ahead
    return date(n // 12, n % 12 + 1, 1)


@pytest.fixture
def seeded(server):
    if server.data_source != "seed":
        pytest.skip("the subsidy journey needs `flask seed` data (Beijing's demo claim)")
    return server


def test_a_centre_subsidy_from_policy_to_receivable(new_context, seeded, tmp_path):
    this_month = beijing_today().replace(day=1)
    last_month = _month(this_month, -1).strftime("%Y-%m")
    # From next month; the seed already holds a Beijing version from 2027-01-01, so not before
    # the month after it.
    effective = max(_month(this_month, 1), date(2027, 2, 1))

    # --- Beijing's city regulator schedules a higher operating subsidy ------------------------
    reg = phone(new_context)
    log_in(reg, *CITY_REGULATOR)
    reg.goto("/policy")
    reg.get_by_role("main").get_by_role("link", name="北京").click()
    expect(reg.get_by_role("heading", level=1)).to_contain_text("北京")
    form = reg.get_by_role("main").locator("form").last
    form.get_by_label("生效日期").fill(effective.isoformat())
    form.get_by_label("普惠托位运营补贴（元/人/月）").fill("600")
    form.get_by_label("调整原因").fill("运营补贴上调（演示）")
    form.get_by_role("button", name="保存新版本").click()
    scheduled = reg.locator(f"#version-{effective.isoformat()}")
    expect(scheduled).to_have_attribute("data-state", "future")
    expect(scheduled).to_contain_text("待生效")
    expect(scheduled).to_contain_text("运营补贴上调（演示）")
    shot(reg, tmp_path, "subsidy-policy-scheduled", at=scheduled)

    # --- the director generates last month's claim, checks it, submits -----------------------
    director = phone(new_context)
    log_in(director, *DIRECTOR)
    director.goto("/staff/subsidies")
    expect(director.get_by_role("heading", level=1)).to_have_text("补贴申领")
    director.get_by_label("月份（YYYY-MM）").fill(last_month)
    director.get_by_role("button", name="生成 / 重新生成").click()
    expect(director).to_have_url(re.compile(r"/staff/subsidies/\d+$"))
    claim_url = director.url
    claim_id = claim_url.rsplit("/", 1)[1]
    expect(director.get_by_role("heading", level=1)).to_contain_text(last_month)
    expect(director.locator(".claim-status")).to_have_attribute("data-status", "draft")
    row = director.locator("table.claim-lines tbody tr").filter(has_text=CHILD)
    expect(row).to_have_count(1)
    # Last month's rate (400 yuan a child-month), not the scheduled 600: a whole month in care.
    expect(row).to_contain_text("¥400")
    fits_the_phone(director)
    shot(director, tmp_path, "subsidy-claim-draft", at=row)
    director.get_by_role("button", name="提交区卫健委审核").click()
    expect(director.locator(".claim-status")).to_have_attribute("data-status", "submitted")
    expect(director.get_by_role("button", name="提交区卫健委审核")).to_have_count(0)

    # --- the district regulator approves, acknowledging the anomaly --------------------------
    district = phone(new_context)
    log_in(district, *DISTRICT_REGULATOR)
    district.goto("/regulator/subsidies")
    card = district.locator(f"#claim-{claim_id}")
    expect(card).to_contain_text(CENTRE)
    expect(card).to_contain_text(last_month)
    fits_the_phone(district)
    card.get_by_role("link").first.click()
    expect(district).to_have_url(re.compile(rf"/regulator/subsidies/{claim_id}$"))
    main = district.get_by_role("main")
    expect(main.locator(".anomaly[data-kind='absent_month']")).to_contain_text(CHILD)
    approve = main.locator("section[aria-labelledby='approve-h']")
    # Without the acknowledgement the approval is refused and nothing is decided.
    approve.get_by_role("button", name="核准", exact=True).click()
    expect(district.locator(".claim-status")).to_have_attribute("data-status", "submitted")
    approve = district.locator("section[aria-labelledby='approve-h']")
    approve.get_by_label("我已逐项核实以上异常，仍予核准").check()
    approve.get_by_role("button", name="核准", exact=True).click()
    expect(district.locator(".claim-status")).to_have_attribute("data-status", "approved")
    shot(district, tmp_path, "subsidy-approved")

    # --- the director sees it under 应收补贴 --------------------------------------------------
    director.goto("/staff/subsidies")
    director.get_by_role("main").get_by_role("link", name="应收补贴").click()
    expect(director.get_by_role("heading", level=1)).to_have_text("应收补贴")
    receivable = director.locator("table.receivables tbody tr").filter(has_text=last_month)
    expect(receivable).to_have_count(1)
    expect(receivable).to_contain_text("¥400")
    fits_the_phone(director)
    shot(director, tmp_path, "subsidy-receivables")
