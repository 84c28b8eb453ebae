"""The Content-Security-Policy in a real browser: pages load with no violation reported (the
dashboard's bars keep their widths, its city filter still submits on change), and a page
cannot be framed (issue #12, item 10)."""
import re

import pytest

from tests.e2e.test_journey_regulator import _log_in, seeded  # noqa: F401 - fixture

try:
    from playwright.sync_api import expect
except ImportError:
    expect = None

pytestmark = pytest.mark.e2e


def _violations(page):
    found = []
    page.on("console", lambda m: found.append(m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text else None)
    return found


def test_public_pages_report_no_violation(page):
    found = _violations(page)
    for path in ("/", "/centres", "/sessions", "/login", "/registry"):
        page.goto(path)
        page.wait_for_load_state("load")
    assert found == []


def test_regulator_dashboard_keeps_its_bars_and_filter(page, seeded):  # noqa: F811
    found = _violations(page)
    _log_in(page)
    page.goto("/regulator")
    bar = page.locator(".bars .bar").first
    expect(bar).to_be_attached()
    assert bar.evaluate("el => el.getBoundingClientRect().width") > 0
    city = page.get_by_label("城市")
    value = city.locator("option").nth(1).get_attribute("value")
    city.select_option(value)
    expect(page).to_have_url(re.compile(r"city="))
    assert found == []


def test_a_page_cannot_be_framed(page, server):
    page.goto("/")
    page.set_content(f'<iframe src="{server.base_url}/login"></iframe>')
    page.wait_for_timeout(500)
    frame = page.frames[-1]
    assert frame.url in ("about:blank", "") or "chrome-error" in frame.url or \
        frame.evaluate("() => document.body ? document.body.innerText : ''") == ""
