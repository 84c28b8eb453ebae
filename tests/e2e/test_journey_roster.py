"""A centre's staff member plans a week's roster on a tablet.

Signs in, opens the weekly grid, adds a shift for a carer whose health certificate is valid,
sees it on the grid, is refused an overlapping shift for the same carer, reads the ratio
checks, and the page never scrolls sideways at tablet width.
"""
import re
from datetime import date, timedelta

import pytest

from .helpers import menu

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

pytestmark = pytest.mark.e2e

STAFF_EMAIL = "staff.xa1@tuowei.example"
STAFF_PASSWORD = "Staff-demo-2026"
CARER = "石玉兰"          # childcare worker, health certificate valid until 2027-09-16 (seeds)
CLASS = "托小一班"
OTHER_CLASS = "托大一班"
TABLET = {"width": 1024, "height": 768}


def _no_horizontal_overflow(page):
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"horizontal overflow: scrollWidth {widths[0]} > {widths[1]}"


def _add_section(page):
    return page.get_by_role("region", name="添加班次")


def _option_label(select, pattern):
    labels = select.locator("option").all_text_contents()
    match = [t for t in labels if re.match(pattern, t.strip())]
    assert match, f"no option matching {pattern!r} in {labels}"
    return match[0].strip()


def test_staff_adds_a_shift_is_refused_an_overlap_and_reads_the_ratio_checks(new_context, server):
    page = new_context(viewport=TABLET, locale="zh-CN").new_page()

    # Sign in.
    page.goto("/login")
    page.get_by_label("邮箱或手机号").fill(STAFF_EMAIL)
    page.get_by_label("密码", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()

    # The roster, from the role navigation, then next week (a week with no shifts yet).
    menu(page).get_by_role("link", name="排班", exact=True).click()
    expect(page).to_have_url(re.compile(r"/staff/roster$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("排班")
    _no_horizontal_overflow(page)
    page.get_by_role("navigation", name="选择周").get_by_role("link", name="下一周 →").click()
    expect(page).to_have_url(re.compile(r"/staff/roster\?week=\d{4}-\d{2}-\d{2}$"))
    monday = date.fromisoformat(page.url.rsplit("=", 1)[1])
    assert monday.weekday() == 0
    tuesday = monday + timedelta(days=1)

    # Add a shift: the carer, in a class, on Tuesday morning.
    form = _add_section(page)
    staff_select = form.get_by_label("员工", exact=True)
    expect(staff_select).to_have_accessible_description(re.compile("健康合格证过期的员工不能排班"))
    staff_select.select_option(label=_option_label(staff_select, rf"^{CARER} · "))
    class_select = form.get_by_label("班级", exact=True)
    class_select.select_option(label=_option_label(class_select, rf"^{CLASS} · "))
    form.get_by_label("日期", exact=True).fill(tuesday.isoformat())
    form.get_by_label("上班时间（北京时间）").fill("08:00")
    form.get_by_label("下班时间（北京时间）").fill("12:00")
    form.get_by_role("button", name="排班", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("已排班")
    expect(page).to_have_url(re.compile(rf"/staff/roster\?week={tuesday.isoformat()}$"))
    grid = page.get_by_role("region", name="本周排班").get_by_role("table")
    row = grid.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=re.compile(rf"^{CLASS}")))
    expect(row).to_have_count(1)
    # Column 0 is the row header; Tuesday is the third cell of the row.
    tuesday_cell = row.locator("th, td").nth(2)
    shift = tuesday_cell.locator(".shift").filter(has_text=CARER)
    expect(shift).to_have_count(1)
    expect(shift).to_contain_text("08:00–12:00")
    expect(shift.get_by_role("link", name=re.compile(rf"调整 {CARER} {tuesday.isoformat()}"))
           ).to_be_visible()
    _no_horizontal_overflow(page)

    # The same carer, overlapping, in another class: refused, with the reason in words.
    form = _add_section(page)
    staff_select = form.get_by_label("员工", exact=True)
    staff_select.select_option(label=_option_label(staff_select, rf"^{CARER} · "))
    class_select = form.get_by_label("班级", exact=True)
    class_select.select_option(label=_option_label(class_select, rf"^{OTHER_CLASS} · "))
    form.get_by_label("日期", exact=True).fill(tuesday.isoformat())
    form.get_by_label("上班时间（北京时间）").fill("10:00")
    form.get_by_label("下班时间（北京时间）").fill("14:00")
    form.get_by_role("button", name="排班", exact=True).click()

    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("同一时间不能在两处")
    expect(refusal).to_contain_text(CARER)
    # Nothing was added: still one shift for the carer that day, none in the other class.
    grid = page.get_by_role("region", name="本周排班").get_by_role("table")
    other_row = grid.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=re.compile(rf"^{OTHER_CLASS}")))
    expect(other_row.locator("th, td").nth(2).locator(".shift")).to_have_count(0)
    # What was typed is kept so it can be corrected.
    form = _add_section(page)
    expect(form.get_by_label("日期", exact=True)).to_have_value(tuesday.isoformat())
    expect(form.get_by_label("上班时间（北京时间）")).to_have_value(re.compile(r"^10:00"))
    _no_horizontal_overflow(page)

    # The ratio checks: gap markers in words on the grid, or the gaps page says all is well.
    page.goto(f"/staff/roster?week={monday.isoformat()}")
    gap_markers = page.locator(".ratio-gap").filter(has_text=re.compile(r"缺 \d+ 名保育人员"))
    gaps_link = page.get_by_role("navigation", name="选择周").get_by_role("link", name="师幼比缺口")
    if gap_markers.count():
        expect(gap_markers.first.locator("svg.glyph")).to_have_count(1)
        expect(gap_markers.first).to_have_text(re.compile(r"\d{2}:\d{2}–\d{2}:\d{2} 缺 \d+ 名保育人员"))
        _no_horizontal_overflow(page)
        gaps_link.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("师幼比缺口")
        expect(page.locator(".ratio-gap").filter(has_text=re.compile(r"缺 \d+ 名保育人员")).first
               ).to_be_visible()
    else:
        _no_horizontal_overflow(page)
        gaps_link.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("师幼比缺口")
        tuesday_section = page.get_by_role("region", name=re.compile(tuesday.isoformat()))
        expect(tuesday_section.get_by_role("heading", level=2)).to_contain_text(
            re.compile("符合师幼比|处缺口"))
    _no_horizontal_overflow(page)
