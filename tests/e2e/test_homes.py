"""Each role signs in and lands on its home (docs/homes.md), at a phone's 360 px and a desktop's
1280 px: on the phone the bottom tab bar with five tabs and the header's menu folded away, on
the desktop the menu and no tab bar; nothing wider than the screen, controls big enough to
tap. Screenshots of each home at both widths go where test_screenshots.py puts its own
($SCREENSHOT_DIR when set)."""
import re

import pytest

from .test_screenshots import _check_layout, shot_dir  # noqa: F401 - the fixture

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

pytestmark = pytest.mark.e2e

ROLES = {  # role: (login, password, the home's heading, the phone's five tabs)
    "parent": ("parent@tuowei.example", "Parent-demo-2026", "我的",
               ("首页", "找托位", "预约", "消息", "我的")),
    "staff": ("staff.xa1@tuowei.example", "Staff-demo-2026", "今日", None),
    "regulator": ("regulator.xa@tuowei.example", "Regulator-demo-2026", "首页",
                  ("首页", "总览", "备案", "预警", "更多")),
    "admin": ("admin@tuowei.example", "Admin-demo-2026", "首页",
              ("首页", "账号", "总览", "备案", "更多")),
}


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_lands_on_its_home(new_context, server, shot_dir, role, width):  # noqa: F811
    if server.data_source != "seed":
        pytest.skip("the homes journey needs the `flask seed` accounts")
    login, password, heading, tabs = ROLES[role]
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto("/login")
    page.get_by_label("邮箱或手机号").fill(login)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/home$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(f"^{heading}"))
    banner = page.get_by_role("banner")
    expect(banner.get_by_role("button", name="退出")).to_be_visible()
    expect(banner.get_by_role("link", name="托位", exact=True)).to_have_attribute("href", "/home")
    bar = page.get_by_role("navigation", name="底部导航")
    if width == 360:
        expect(bar).to_be_visible()
        links = bar.get_by_role("link")
        expect(links).to_have_count(5)
        expect(links.first).to_have_attribute("aria-current", "page")
        if tabs:
            for i, word in enumerate(tabs):
                expect(links.nth(i)).to_contain_text(word)
        expect(banner.get_by_role("link", name=re.compile("^通知"))).to_be_hidden()
    else:
        expect(bar).to_be_hidden()
        expect(banner.get_by_role("link", name=re.compile("^通知"))).to_be_visible()
    page.screenshot(path=str(shot_dir / f"home-{role}-{width}.png"), full_page=True)
    _check_layout(page, f"{role}'s home at {width}")
    if width == 360:
        # The last tab: the role's whole menu, the account and signing out.
        bar.get_by_role("link").last.click()
        expect(page).to_have_url(re.compile(r"/me$"))
        menu = page.get_by_role("navigation", name="全部功能")
        expect(menu.get_by_role("link", name=re.compile("^通知"))).to_be_visible()
        expect(page.get_by_role("button", name="退出登录")).to_be_visible()
        page.screenshot(path=str(shot_dir / f"menu-{role}-{width}.png"), full_page=True)
        _check_layout(page, f"{role}'s menu at {width}")
