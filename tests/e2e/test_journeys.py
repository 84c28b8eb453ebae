"""First journeys through the public pages and accounts, as a parent would take them.

Locators are by role and label on purpose: a field a test cannot find by its label is a
field a screen reader cannot name either.
"""
import re
import uuid

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

pytestmark = pytest.mark.e2e


def _term_value(region, term):
    """The <dd> that follows the <dt> reading `term` exactly."""
    return region.locator(f"xpath=.//dt[normalize-space()='{term}']/following-sibling::dd[1]")


def _header(page):
    return page.get_by_role("banner")


def test_search_for_a_centre_in_chinese_and_read_its_disclosure(page, server):
    c = server.centre
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    page.get_by_role("searchbox", name="搜索托育机构").fill(c.zh_query)
    page.get_by_role("search").get_by_role("button", name="搜索", exact=True).click()

    expect(page).to_have_url(re.compile(r"/centres\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("找托育机构")
    expect(page.get_by_role("searchbox", name="关键词")).to_have_value(c.zh_query)  # kept
    result = page.get_by_role("link", name=c.name, exact=True)
    expect(result).to_be_visible()
    result.click()

    expect(page).to_have_url(re.compile(rf"/centres/{c.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(c.name)
    disclosure = page.get_by_role("region", name="信息公示")
    expect(disclosure).to_be_visible()
    expect(disclosure.get_by_role("term").filter(has_text=re.compile(r"^备案号$"))).to_be_visible()
    expect(_term_value(disclosure, "机构名称")).to_have_text(c.name)
    if c.filing_number:
        expect(_term_value(disclosure, "备案号")).to_have_text(c.filing_number)


def test_switch_to_english_search_and_stay_in_english(page, server, en):
    c = server.centre
    page.goto("/")
    # The visible word is "English"; its accessible name may say more ("Switch to English").
    _header(page).get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/$"))  # the switch comes back to the same page
    page.get_by_role("searchbox", name=en("搜索托育机构")).fill(c.en_query)
    page.get_by_role("search").get_by_role("button", name=en("搜索"), exact=True).click()

    result = page.get_by_role("link", name=c.name_en, exact=True)
    expect(result).to_be_visible()
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(c.name_en)
    disclosure = page.get_by_role("region", name=en("信息公示"))
    expect(disclosure).to_be_visible()
    expect(disclosure.get_by_role("term").filter(
        has_text=re.compile(rf"^{re.escape(en('备案号'))}$"))).to_be_visible()

    # Remembered: the next page, reached by a plain link with no ?lang, is English too.
    page.get_by_role("navigation", name=en("主导航")).get_by_role(
        "link", name=en("各区托位"), exact=True).click()
    expect(page).not_to_have_url(re.compile(r"lang="))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(en("各区县"))
    expect(_header(page).get_by_role("button", name="中文")).to_be_visible()


def test_parent_signs_up_logs_out_and_logs_in_again(page, server):
    name = "王小明"
    email = f"parent-{uuid.uuid4().hex[:8]}@e2e.example"
    password = "Baobao-2026-ok"

    page.goto("/")
    _header(page).get_by_role("link", name="注册", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("家长注册")
    page.get_by_label("姓名", exact=True).fill(name)
    page.get_by_label("邮箱", exact=True).fill(email)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_label("再次输入密码", exact=True).fill(password)
    page.get_by_role("checkbox", name=re.compile("同意平台")).check()
    page.get_by_role("main").get_by_role("button", name="注册", exact=True).click()

    # The same answer as for a registered address (issue #12): on to the login page.
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_contain_text("注册申请已受理")
    page.get_by_label("邮箱或手机号").fill(email)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="登录", exact=True).click()
    expect(_header(page).get_by_role("link", name=name)).to_be_visible()

    _header(page).get_by_role("button", name="退出").click()
    expect(page.get_by_role("status")).to_contain_text("您已退出登录")
    expect(_header(page).get_by_role("link", name=name)).to_have_count(0)

    _header(page).get_by_role("link", name="登录", exact=True).click()
    page.get_by_label("邮箱或手机号").fill(email)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(name)
    expect(_header(page).get_by_role("link", name=name)).to_be_visible()


def test_signup_with_mismatched_confirmation_shows_the_error_by_the_field(page, server):
    page.goto("/signup")
    page.get_by_label("姓名", exact=True).fill("李华")
    page.get_by_label("邮箱", exact=True).fill(f"lh-{uuid.uuid4().hex[:8]}@e2e.example")
    page.get_by_label("密码", exact=True).fill("Baobao-2026-ok")
    page.get_by_label("再次输入密码", exact=True).fill("Baobao-2026-no")
    page.get_by_role("checkbox", name=re.compile("同意平台")).check()
    page.get_by_role("main").get_by_role("button", name="注册", exact=True).click()

    confirm = page.get_by_label("再次输入密码", exact=True)
    # Tied to the field for assistive technology, in Chinese, and shown right under it.
    expect(confirm).to_have_accessible_description(re.compile("两次输入的密码不一致"))
    expect(confirm).to_have_attribute("aria-invalid", "true")
    message = page.locator("#confirm-err")
    expect(message).to_have_text(re.compile("两次输入的密码不一致"))
    # Both boxes in one go: the summary at the top takes the focus once the page has loaded, and
    # the scroll that brings it into view must not fall between two separate measurements.
    gap = page.evaluate(
        """() => {
            const field = document.querySelector('input[aria-describedby~="confirm-err"]')
                .getBoundingClientRect();
            const message = document.querySelector('#confirm-err').getBoundingClientRect();
            return message.top - field.bottom;
        }"""
    )
    assert 0 <= gap < 40
    # The summary at the top links to the field, and what was typed is kept.
    expect(page.get_by_role("alert")).to_contain_text("两次输入的密码不一致")
    expect(page.get_by_label("姓名", exact=True)).to_have_value("李华")
    expect(_header(page).get_by_role("link", name="登录", exact=True)).to_be_visible()


def test_pages_work_without_javascript(new_context, server):
    """Search, a centre page, the language switch and signing in are plain HTML forms."""
    c = server.centre
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    page.get_by_role("searchbox", name="搜索托育机构").fill(c.zh_query)
    page.get_by_role("search").get_by_role("button", name="搜索", exact=True).click()
    page.get_by_role("link", name=c.name, exact=True).click()
    expect(page.get_by_role("region", name="信息公示")).to_be_visible()

    _header(page).get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(rf"/centres/{c.id}$"))
    _header(page).get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    page.goto("/login")
    page.get_by_label("邮箱或手机号").fill("nobody@e2e.example")
    page.get_by_label("密码", exact=True).fill("wrong-password-1")
    page.get_by_role("main").get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_label("密码", exact=True)).to_have_accessible_description(
        re.compile("账号或密码不正确"))
    expect(page.get_by_label("邮箱或手机号")).to_have_value("nobody@e2e.example")
