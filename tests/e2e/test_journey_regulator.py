"""A city regulator's journey (西安): coverage, a filing sent back, an inspection, the audit
trail and the public registry.

Locators are by role and label, as in test_journeys.py. The data is `flask seed`'s: the
journey needs the seeded regulator account and the seeded submitted filing in 西安.
"""
import re
import urllib.parse
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

from .helpers import api


def _api(server, method, path, body=None, token=None):
    return api(server, method, path, body, token, status=200)


pytestmark = pytest.mark.e2e

EMAIL = "regulator.xa@tuowei.example"
PASSWORD = "Regulator-demo-2026"
CITY = "西安"
DISTRICT = "雁塔区"                        # the district whose numbers we compare with the API
SUBMITTED_CENTRE = "临潼区骊山街道公办托育园"    # seeds/centres.yaml: filing_status submitted, 610115


def _term_value(region, term):
    return region.locator(f"xpath=.//dt[normalize-space()='{term}']/following-sibling::dd[1]")


def _log_in(page):
    page.goto("/login")
    page.get_by_label("邮箱或手机号").fill(EMAIL)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login"))


@pytest.fixture
def seeded(server):
    if server.data_source != "seed":
        pytest.skip("the regulator journey needs `flask seed` data (accounts and filings)")
    return server


def test_regulator_reviews_coverage_returns_a_filing_and_records_an_inspection(page, seeded):
    server = seeded
    _log_in(page)

    # --- coverage dashboard: the districts of 西安, per 1,000 and against the target ---------
    page.goto("/regulator")
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("千人口托位数")
    token = _api(server, "POST", "/api/v1/auth/token", {"email": EMAIL, "password": PASSWORD})["token"]
    coverage = _api(server, "GET", "/api/v1/regulator/coverage", token=token)
    coverage = coverage["items"] if isinstance(coverage, dict) else coverage
    assert coverage and {r["city"] for r in coverage} == {CITY}, coverage  # city-wide, 西安 only

    bars = main.locator("ul.bars > li")
    expect(bars).to_have_count(len(coverage))
    for r in coverage:
        expect(bars.filter(has_text=f"{CITY} · {r['name']}")).to_have_count(1)
    expect(main).to_contain_text("未达标")
    expect(main).to_contain_text("达标")
    below = [r for r in coverage if r["places_per_1000"] < r["target_per_1000"]]
    expect(bars.get_by_text("未达标")).to_have_count(len(below))

    row = next(r for r in coverage if r["name"] == DISTRICT)
    bar = bars.filter(has_text=f"{CITY} · {DISTRICT}")
    word = "未达标" if row["places_per_1000"] < row["target_per_1000"] else "达标"
    expect(bar.locator(".bar-value")).to_have_text(re.compile(
        rf"^\s*{re.escape(str(row['places_per_1000']))} / "
        rf"{re.escape(str(row['target_per_1000']))}\s*[▼✔]\s*{word}\s*$"))
    detail = main.locator("section", has=page.get_by_role("heading", name="明细")) \
        .get_by_role("row").filter(has_text=f"{CITY} · {DISTRICT}")
    expect(detail.get_by_role("cell")).to_have_text([
        f"{CITY} · {DISTRICT}", str(row["places"]),
        f"{row['places_per_1000']} / {row['target_per_1000']}", str(row["places_needed"]),
        str(row["affordable_places"]), str(row["public_places"]), re.compile(r"%$"),
        str(row["waitlisted_children"])])

    # --- the submitted filings: the 西安 one is there ------------------------------------
    page.goto("/regulator/filings?status=submitted")
    expect(page.get_by_role("heading", level=1)).to_have_text("备案管理")
    expect(page.get_by_role("navigation", name="按状态筛选").get_by_role(
        "link", name="已提交待审")).to_have_attribute("aria-current", "page")
    link = page.get_by_role("link", name=SUBMITTED_CENTRE, exact=True)
    expect(link).to_be_visible()
    # other cities' submitted filings (北京, 大连) are outside this regulator's jurisdiction
    expect(page.get_by_role("main").get_by_role("row")).to_have_count(2)
    link.click()

    expect(page).to_have_url(re.compile(r"/regulator/filings/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SUBMITTED_CENTRE)
    facts = page.locator("dl.facts")
    expect(_term_value(facts, "状态")).to_have_text("已提交待审")

    # --- 退回补正 without a reason is refused, next to the field ---------------------------
    page.get_by_label("处理", exact=True).select_option(label="退回补正")
    page.get_by_label("理由", exact=True).fill("")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("请说明理由")
    reasons = page.get_by_label("理由", exact=True)
    expect(reasons).to_have_attribute("aria-invalid", "true")
    expect(reasons).to_have_accessible_description(re.compile("请说明理由"))
    expect(_term_value(facts, "状态")).to_have_text("已提交待审")

    # --- with a reason it goes back to the centre -----------------------------------------
    reason = "消防验收文号与场地地址不一致，请补正后重新提交"
    page.get_by_label("处理", exact=True).select_option(label="退回补正")
    reasons.fill(reason)
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已处理")
    expect(_term_value(facts, "状态")).to_have_text("已退回补正")
    expect(_term_value(facts, "退回理由")).to_have_text(reason)

    # --- an inspection of an approved 西安 centre, by the link on its filing page -----------
    approved = server.centre  # 雁塔区长延堡街道公办托育中心, approved in the seeds
    page.goto("/regulator/filings?status=approved")
    page.get_by_role("link", name=approved.name, exact=True).click()
    expect(_term_value(facts, "状态")).to_have_text("已备案")
    page.get_by_role("link", name="检查与评估", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/regulator/centres/{approved.id}/inspections$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(approved.name)

    yesterday = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date()
    page.get_by_label("检查日期").fill(yesterday.isoformat())
    scores = {"办托条件（满分 100）": 90, "托育队伍（满分 140）": 120, "保育照护（满分 200）": 170,
              "卫生保健（满分 210）": 180, "养育支持（满分 80）": 60, "安全保障（满分 200）": 170,
              "机构管理（满分 70）": 60}
    for label, value in scores.items():
        page.get_by_label(label, exact=True).fill(str(value))
    findings = "午睡室应急照明未按月自检"
    page.get_by_label("发现的问题", exact=True).fill(findings)
    page.get_by_role("button", name="保存", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("检查记录已保存")
    total = sum(scores.values())  # 850: grade A by the default floors
    record = page.get_by_role("row").filter(has_text=findings)
    expect(record.get_by_role("cell")).to_have_text([
        yesterday.isoformat(), str(total), "A", findings, "—", "—"])

    # --- the audit trail shows the return ------------------------------------------------
    page.goto("/regulator/audit?" + urllib.parse.urlencode({"action": "filing.return"}))
    expect(page.get_by_role("heading", level=1)).to_have_text("审计日志")
    expect(page.get_by_label("操作", exact=True)).to_have_value("filing.return")
    event = page.get_by_role("row").filter(has_text="filing.return").first
    expect(event).to_be_visible()
    expect(event).to_contain_text(reason)
    expect(event).to_contain_text("已退回补正")  # the status in words, not the code
    expect(event).to_contain_text(SUBMITTED_CENTRE)

    # --- the public registry and its CSV -------------------------------------------------
    page.goto("/registry")
    expect(page.get_by_role("heading", level=1)).to_have_text("托育机构备案公示")
    expect(page.get_by_role("link", name=approved.name, exact=True)).to_be_visible()
    # a returned filing is not in the public registry
    expect(page.get_by_role("link", name=SUBMITTED_CENTRE, exact=True)).to_have_count(0)
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = info.value
    assert download.suggested_filename == "registry.csv"
    with open(download.path(), encoding="utf-8-sig") as fh:
        text = fh.read()
    assert text.splitlines()[0].startswith("id,name,kind,operator"), text[:200]
    assert approved.name in text
    assert SUBMITTED_CENTRE not in text
