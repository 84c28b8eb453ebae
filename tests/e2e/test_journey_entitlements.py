"""A family on a phone: the second child's allowances by month, once the family says which
city the child belongs to, then its application to the civil-affairs office and the office's
answer — the pages never scroll sideways."""
from datetime import timedelta

import pytest

from .helpers import beijing_today, child, family, fits_the_phone, log_in, menu, phone, shot

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

pytestmark = pytest.mark.e2e


def test_a_family_reads_its_allowances_and_records_an_application(new_context, server,
                                                                   tmp_path):
    email, password, tok = family(server, "补贴家长", "allowance")
    today = beijing_today()
    child(server, tok, "大宝", today - timedelta(days=900))
    child(server, tok, "二宝", today - timedelta(days=300))

    page = phone(new_context)
    log_in(page, email, password)
    menu(page).get_by_role("link", name="我的补贴").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的补贴")
    page.get_by_role("link", name="二宝").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("二宝 的育儿补贴")
    expect(page.get_by_text("请选择孩子户籍或居住地所在的城市")).to_be_visible()
    fits_the_phone(page)

    page.get_by_label("补贴城市（户籍或居住地）").select_option("白银")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status").filter(has_text="已保存补贴城市")).to_be_visible()
    months = page.get_by_role("region", name="按月明细")
    expect(months).to_contain_text("孩次：第 2 孩")
    expect(months).to_contain_text("本地育儿补贴：2025-01-01 起 每月 200.00 元（第 2 孩起）")
    expect(months).to_contain_text("¥500")
    shot(page, tmp_path, "entitlements-months", at=months)

    page.get_by_label("补贴类别").select_option("city")
    page.get_by_label("受理编号（选填）").fill("BY-2026-001")
    page.get_by_role("button", name="登记申请").click()
    expect(page.get_by_role("status").filter(has_text="已登记申请")).to_be_visible()
    apps = page.get_by_role("region", name="申请与发放进度")
    expect(apps).to_contain_text("BY-2026-001")
    apps.get_by_label("新状态").select_option("approved")
    apps.get_by_role("button", name="更新状态").click()
    expect(page.get_by_role("status").filter(has_text="已更新申请状态")).to_be_visible()
    expect(page.get_by_role("region", name="申请与发放进度")).to_contain_text("已核准")
    shot(page, tmp_path, "entitlements-application",
         at=page.get_by_role("region", name="申请与发放进度"))
