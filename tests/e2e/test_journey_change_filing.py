"""A change filing from the centre to the public page, on a 360 px phone (docs/changes.md):
the director files a change of the approved places with its materials → the district's
regulator sees it due on the dashboard and records it → the centre's public page shows the
new figure and the change in its 变更记录.

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
MATERIALS = "新增活动室的消防验收意见书、场地平面图（已递交区卫健委窗口）"


@pytest.fixture
def seeded(server):
    if server.data_source != "seed":
        pytest.skip("the change journey needs `flask seed` data (the district's regulator)")
    return server


def test_a_capacity_change_from_filing_to_the_public_page(new_context, seeded, tmp_path):
    centre = seeded.centre

    # --- the director files the change -------------------------------------------------------
    director = phone(new_context)
    log_in(director, *DIRECTOR)
    director.goto("/staff/changes")
    director.get_by_role("link", name="提交变更备案").click()
    main = director.get_by_role("main")
    main.get_by_label("新核定托位数").fill("88")
    main.get_by_label("提交的材料").fill(MATERIALS)
    fits_the_phone(director)
    shot(director, tmp_path, "change-form")
    main.get_by_role("button", name="提交").click()
    expect(director).to_have_url(re.compile(r"/staff/changes/\d+$"))
    expect(director.locator(".change-status")).to_have_text("待办理")
    expect(director.locator(".change-new")).to_have_text("88")

    # --- the district's regulator sees it due and records it -------------------------------
    reg = phone(new_context)
    log_in(reg, *REGULATOR)
    reg.goto("/regulator")
    expect(reg.get_by_role("main")).to_contain_text("件待办理")
    reg.goto("/regulator/changes?status=due")
    reg.get_by_role("main").locator("li.card").filter(has_text=centre.name).first \
        .get_by_role("link").click()
    expect(reg).to_have_url(re.compile(r"/regulator/changes/\d+$"))
    main = reg.get_by_role("main")
    expect(main).to_contain_text(MATERIALS)
    main.get_by_label("予以备案", exact=True).check()
    main.get_by_role("button", name="提交").click()
    expect(reg.locator(".change-status")).to_have_text("已备案")
    fits_the_phone(reg)
    shot(reg, tmp_path, "change-approved")

    # --- the public page shows the new figure and the history ------------------------------
    public = phone(new_context)
    public.goto(f"/centres/{centre.id}")
    main = public.get_by_role("main")
    expect(main.locator(".approved-places")).to_have_text("88")
    history = main.locator(".change-history")
    expect(history).to_contain_text("变更记录")
    expect(history.locator(".change-new")).to_have_text("88")
    fits_the_phone(public)
    shot(public, tmp_path, "change-public")
