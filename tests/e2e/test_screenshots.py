"""Every public page at phone and desktop widths: a screenshot to look at, and checks that
need no eyes: nothing wider than the screen, and controls big enough to tap.

PNGs go to $SCREENSHOT_DIR when set (e.g. SCREENSHOT_DIR=/tmp/shots), else to a tmp dir.
"""
import os
import re
import uuid
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

pytestmark = pytest.mark.e2e

PAGES = {
    "home": "/",
    "search": "/centres",
    "centre": "/centres/{centre_id}",
    "districts": "/districts",
    "login": "/login",
    "signup": "/signup",
}
VIEWS = [  # (name, width, height, language)
    ("360", 360, 740, "zh"),
    ("1280", 1280, 800, "zh"),
    ("360-en", 360, 740, "en"),  # English words are longer: the usual cause of overflow
]
MIN_TARGET = 24  # px, WCAG 2.2 SC 2.5.8 (target size, minimum)

# Elements wider than the viewport, ignoring those inside a horizontal scroller on purpose.
_OVERFLOW_JS = """() => {
  const vw = window.innerWidth, out = [];
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p).overflowX; if (s === 'auto' || s === 'scroll') return true; }
    return false; };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > vw + 0.5 || r.left < -0.5) && !scrolls(el)
        && !el.closest('.visually-hidden, .skip'))
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') +
               ` [${Math.round(r.left)}..${Math.round(r.right)}]`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, wide: out.slice(0, 10)};
}"""

# Controls smaller than MIN_TARGET in either direction (links inside running text are exempt;
# a transparent input is measured by its label, the chip that is tapped).
_SMALL_TARGETS_JS = """(min) => {
  const out = [];
  const sel = 'button, select, summary, input:not([type=hidden]), nav a, .button, label.check';
  for (const el of document.querySelectorAll(sel)) {
    // A radio drawn as a chip: the input is transparent and its label is what is tapped.
    const hidden = el.tagName === 'INPUT' && getComputedStyle(el).opacity === '0' && el.labels && el.labels.length;
    const r = (hidden ? el.labels[0] : el).getBoundingClientRect();
    if (!r.width || el.closest('.visually-hidden, .skip')) continue;
    if (r.width < min || r.height < min)
      out.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '').trim().slice(0, 20)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def shot_dir(tmp_path_factory):
    path = Path(os.environ["SCREENSHOT_DIR"]) if os.environ.get("SCREENSHOT_DIR") \
        else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _check_layout(page, label):
    layout = page.evaluate(_OVERFLOW_JS)
    assert layout["scrollWidth"] <= layout["innerWidth"], \
        f"{label}: the page is wider than the screen: {layout}"
    small = page.evaluate(_SMALL_TARGETS_JS, MIN_TARGET)
    assert not small, f"{label}: controls smaller than {MIN_TARGET}px: {small}"


@pytest.mark.parametrize("view", VIEWS, ids=[v[0] for v in VIEWS])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_the_screen(new_context, server, shot_dir, name, view):
    label, width, height, lang = view
    ctx = new_context(viewport={"width": width, "height": height},
                      locale="en-GB" if lang == "en" else "zh-CN")
    page = ctx.new_page()
    response = page.goto(PAGES[name].format(centre_id=server.centre.id))
    assert response.status == 200, f"{name}: HTTP {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-Hans")
    page.screenshot(path=str(shot_dir / f"{name}-{label}.png"), full_page=True)
    _check_layout(page, f"{name} at {label}")


@pytest.mark.parametrize("width", [360, 1280])
def test_signed_in_header_and_form_errors_fit(new_context, server, shot_dir, width):
    """The header with a user's name and the log-out button, and a form full of errors."""
    page = new_context(viewport={"width": width, "height": 740}).new_page()
    page.goto("/signup")
    page.get_by_role("main").get_by_role("button", name="注册", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.screenshot(path=str(shot_dir / f"signup-errors-{width}.png"), full_page=True)
    _check_layout(page, f"signup errors at {width}")

    page.get_by_label("姓名", exact=True).fill("欧阳可欣妈妈")
    email = f"shot-{uuid.uuid4().hex[:8]}@e2e.example"
    page.get_by_label("邮箱", exact=True).fill(email)
    page.get_by_label("密码", exact=True).fill("Baobao-2026-ok")
    page.get_by_label("再次输入密码", exact=True).fill("Baobao-2026-ok")
    page.get_by_role("checkbox", name=re.compile("同意平台")).check()
    page.get_by_role("main").get_by_role("button", name="注册", exact=True).click()
    # Sign-up leads to the login page (it does not say whether the address was new).
    expect(page).to_have_url(re.compile(r"/login"), timeout=30_000)
    page.get_by_label("邮箱或手机号").fill(email)
    page.get_by_label("密码", exact=True).fill("Baobao-2026-ok")
    page.get_by_role("main").get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("banner").get_by_role("button", name="退出")).to_be_visible()
    page.screenshot(path=str(shot_dir / f"home-signed-in-{width}.png"), full_page=True)
    _check_layout(page, f"signed-in home at {width}")
