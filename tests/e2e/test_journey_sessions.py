"""The sessions journey: a parent finds an occasional-care session in the week calendar,
books it for a child, sees it in their list with the quota, and cancels it.

The data is the seed's: 张敏 (parent@tuowei.example, home district 雁塔区) and the toddler
sessions of 雁塔区长延堡街道公办托育中心 in the two weeks after the seed ran.
"""
import re

import pytest

from .helpers import menu

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

pytestmark = pytest.mark.e2e

PARENT_EMAIL, PARENT_PASSWORD = "parent@tuowei.example", "Parent-demo-2026"
CHILD = "张小宝"  # born 2025-06-15: a toddler for the seed's sessions
CENTRE = "雁塔区长延堡街道公办托育中心"


def test_parent_books_a_session_and_cancels_it(page, server):
    if server.data_source != "seed":
        pytest.skip("needs the seed's demo sessions")
    page.goto("/login")
    page.get_by_label("邮箱或手机号").fill(PARENT_EMAIL)
    page.get_by_label("密码", exact=True).fill(PARENT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录", exact=True).click()

    menu(page).get_by_role("link", name="临时托育").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("临时托育 / 亲子活动")
    page.get_by_label("类型").select_option(label="临时托育")
    page.get_by_label("适合哪个孩子").select_option(label=CHILD)
    page.get_by_role("button", name="筛选").click()
    # The seed's sessions start tomorrow; this week may have none left (it is Sunday), so
    # look at the next week when needed.
    cards = page.locator(".session-card").filter(has_text=CENTRE)
    if cards.count() == 0:
        page.get_by_role("link", name="下一周 →").click()
    card = page.locator(".session-card").filter(has_text=CENTRE).first
    expect(card).to_contain_text("临时托育")
    when = card.get_by_role("heading").inner_text()
    card.get_by_role("link", name=re.compile("^预约")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("预约场次")
    page.get_by_label("为哪个孩子预约").select_option(label=CHILD)
    page.get_by_role("button", name="确认预约").click()

    expect(page).to_have_url(re.compile(r"/sessions/mine$"))
    expect(page.get_by_role("status")).to_contain_text(f"已为 {CHILD} 预约")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=CHILD)) \
        .filter(has_text=when.split(" · ")[0].split("–")[0]).filter(has_text="已预约")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(CENTRE)
    expect(page.get_by_role("link", name="导出到日历（iCal）")).to_be_visible()
    expect(page.get_by_text(re.compile(r"已用 \d+ 次，剩余 \d+ 次"))).to_be_visible()

    row.get_by_role("button", name=re.compile("^取消预约")).click()
    expect(page.get_by_role("status")).to_contain_text(f"已取消 {CHILD} 的场次预约")
    expect(page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=CHILD))
           .filter(has_text="已取消")).not_to_have_count(0)
