"""Fees: a centre's staff records a payment received from the demo family (and is refused
one over the three-month prepaid limit), then the family sees its balance on the 费用 page
at phone width."""
import re

import pytest

from .helpers import menu

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

pytestmark = pytest.mark.e2e

STAFF = ("staff.xa1@tuowei.example", "Staff-demo-2026")        # 雁塔 public centre
FAMILY = ("demo.family@tuowei.example", "Family-demo-2026")    # enrolled there by the seeds
PHONE = {"width": 360, "height": 740}


def _login(page, email, password):
    page.goto("/login")
    page.get_by_label("邮箱或手机号").fill(email)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()


def _yuan(text: str) -> float:
    return float(re.sub(r"[^\d.\-]", "", text))


def test_staff_records_a_payment_and_the_family_sees_its_balance(new_context, server):
    if server.data_source != "seed":
        pytest.skip("needs the seeded demo family")
    staff_page = new_context(locale="zh-CN").new_page()
    _login(staff_page, *STAFF)
    menu(staff_page).get_by_role("link", name="收费", exact=True).click()
    expect(staff_page).to_have_url(re.compile(r"/staff/fees$"))
    form = staff_page.get_by_role("region", name="登记收款")
    family = form.get_by_label("家庭", exact=True)
    label = next(t.strip() for t in family.locator("option").all_text_contents()
                 if FAMILY[0] in t)

    # Far over the limit: refused, with the most that may be taken, and what was typed kept.
    family.select_option(label=label)
    form.get_by_label("金额（元）").fill("99999")
    form.get_by_role("button", name="登记收款").click()
    amount = staff_page.get_by_role("region", name="登记收款").get_by_label("金额（元）")
    expect(amount).to_have_accessible_description(re.compile("本次最多可收"))
    expect(amount).to_have_value("99999")

    # Within it: recorded.
    form = staff_page.get_by_role("region", name="登记收款")
    form.get_by_label("家庭", exact=True).select_option(label=label)
    form.get_by_label("金额（元）").fill("100")
    form.get_by_label("收款方式").fill("现金")
    form.get_by_role("button", name="登记收款").click()
    expect(staff_page.get_by_role("status")).to_contain_text("已登记收款 ¥100.00")
    expect(staff_page.get_by_role("region", name="最近的收支记录")).to_contain_text("现金")

    # The family, on a phone, sees the payment and its balance.
    page = new_context(locale="zh-CN", viewport=PHONE).new_page()
    _login(page, *FAMILY)
    menu(page).get_by_role("link", name="费用", exact=True).click()
    expect(page).to_have_url(re.compile(r"/fees$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("费用")
    expect(page.get_by_role("region", name="本月收支记录")).to_contain_text("现金")
    balance = page.get_by_role("region", name="预收费余额").get_by_test_id("balance").first
    expect(balance).to_be_visible()
    assert _yuan(balance.text_content()) >= 100
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"horizontal overflow at 360 px: {widths}"
