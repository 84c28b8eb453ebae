"""A complaint from filing to outcome, on a 360 px phone (docs/complaints.md): someone files
anonymously from the centre's page → the district's regulator asks the centre → the director
answers (seeing neither who complained nor the contact) → the regulator closes it upheld and
opens an inspection → the tracking page shows it closed.

The data is `flask seed`'s: the demo centre in 雁塔区, its director and the district's regulator.
"""
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

from .helpers import fits_the_phone, log_in, phone, shot

pytestmark = pytest.mark.e2e

REGULATOR = ("regulator.yanta@tuowei.example", "Regulator-demo-2026")  # 雁塔区, 610113
DIRECTOR = ("staff.xa1@tuowei.example", "Staff-demo-2026")  # the demo centre's director
CONTACT = "13912340000"
BODY = "午睡室窗户没有护栏，孩子可以爬上窗台。"


@pytest.fixture
def seeded(server):
    if server.data_source != "seed":
        pytest.skip("the complaint journey needs `flask seed` data (the district's regulator)")
    return server


def test_a_complaint_from_filing_to_outcome(new_context, seeded, tmp_path):
    server = seeded
    centre = server.centre

    # --- the public, not signed in, files from the centre's page ------------------------------
    public = phone(new_context)
    public.goto(f"/centres/{centre.id}")
    public.get_by_role("link", name="投诉", exact=True).click()
    expect(public.get_by_role("heading", level=1)).to_contain_text("投诉")
    public.get_by_label("投诉类别").select_option("safety")
    public.get_by_label("投诉内容").fill(BODY)
    public.get_by_label("联系方式（手机号或邮箱）").fill(CONTACT)
    shot(public, tmp_path, "complaint-form")
    public.get_by_role("button", name="提交投诉").click()
    expect(public).to_have_url(re.compile(r"/complaints/track/[\w-]+$"))
    track_url = public.url
    main = public.get_by_role("main")
    expect(main.locator(".complaint-status")).to_have_text("已受理")
    expect(main).to_contain_text(centre.name)
    expect(main).not_to_contain_text(CONTACT)
    fits_the_phone(public)

    # --- the district's regulator asks the centre for its account ----------------------------
    reg = phone(new_context)
    log_in(reg, *REGULATOR)
    reg.goto("/regulator/complaints")
    card = reg.get_by_role("main").locator("li.card").filter(has_text=centre.name).first
    card.get_by_role("link").click()
    expect(reg).to_have_url(re.compile(r"/regulator/complaints/\d+$"))
    case_url = reg.url
    expect(reg.locator(".complaint-contact")).to_have_text(CONTACT)
    expect(reg.get_by_role("main")).to_contain_text(BODY)
    reg.get_by_role("button", name="请机构说明").click()
    expect(reg.locator(".complaint-status")).to_have_text("待机构说明")
    shot(reg, tmp_path, "complaint-asked")

    # --- the director sees the text, never the complainant, and answers ----------------------
    director = phone(new_context)
    log_in(director, *DIRECTOR)
    director.goto("/staff/complaints")
    director.get_by_role("main").locator("li.card").first.get_by_role("link").click()
    main = director.get_by_role("main")
    expect(main).to_contain_text(BODY)
    expect(main).not_to_contain_text(CONTACT)
    main.get_by_label("机构说明").fill("已核实，当天已加装窗户护栏并检查了其他房间。")
    main.get_by_role("button", name="提交说明").click()
    expect(director.locator(".complaint-status")).to_have_text("机构已说明")
    fits_the_phone(director)

    # --- the regulator closes it upheld, with an inspection ----------------------------------
    reg.goto(case_url)
    main = reg.get_by_role("main")
    expect(main.locator(".complaint-account")).to_contain_text("已加装窗户护栏")
    main.get_by_label("投诉成立", exact=True).check()
    main.get_by_label("处理意见（将告知投诉人）").fill("情况属实，已责令整改并安排检查。")
    main.get_by_label("启动对该机构的检查").check()
    main.get_by_role("button", name="办结投诉").click()
    expect(reg.locator(".complaint-status")).to_have_text("已办结")
    expect(reg.get_by_role("main")).to_contain_text("已启动检查")
    shot(reg, tmp_path, "complaint-closed")

    # --- the complainant's tracking page shows the outcome -----------------------------------
    public.goto(track_url)
    main = public.get_by_role("main")
    expect(main.locator(".complaint-status")).to_have_text("已办结")
    expect(main.locator(".complaint-outcome")).to_have_text("投诉成立")
    expect(main).to_contain_text("情况属实，已责令整改并安排检查。")
    expect(main).to_contain_text("监管部门已启动对该机构的检查")
    shot(public, tmp_path, "complaint-tracked")
