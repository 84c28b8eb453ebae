"""Issue 17, part 8: tables that fit a 360 px phone without wrapping one character per line,
the weekly roster with its Sunday, child names on one line at 1280 px (the demo seed's data)."""
import re

import pytest

from .helpers import log_in

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

pytestmark = pytest.mark.e2e

STAFF = ("staff.xa1@tuowei.example", "Staff-demo-2026")
REGULATOR = ("regulator.xa@tuowei.example", "Regulator-demo-2026")
ADMIN = ("admin@tuowei.example", "Admin-demo-2026")
PARENT = ("parent@tuowei.example", "Parent-demo-2026")

# Cells whose text is squeezed into a column narrower than two characters.
_CRAMPED_JS = """(root) => {
  const out = [];
  for (const cell of document.querySelectorAll(`${root} table th, ${root} table td`)) {
    const head = cell.closest('thead');
    if (head && getComputedStyle(head).position === 'absolute') continue;  // a card per row
    const r = cell.getBoundingClientRect();
    const text = cell.innerText.trim();
    if (!r.width || text.length < 3) continue;
    const em = parseFloat(getComputedStyle(cell).fontSize);
    const pad = parseFloat(getComputedStyle(cell).paddingLeft) + parseFloat(getComputedStyle(cell).paddingRight);
    if (r.width - pad < 2.2 * em) out.push(text.slice(0, 20) + ' @' + Math.round(r.width));
  }
  return out;
}"""
# Table cells that end to the right of the screen (cut off at the edge).
_CUT_JS = """(root) => [...document.querySelectorAll(`${root} table th, ${root} table td`)]
  .filter(c => c.getBoundingClientRect().width && c.getBoundingClientRect().right > window.innerWidth + 1)
  .map(c => c.innerText.trim().slice(0, 20))"""


def _fits(page, label, root="main"):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{label}: scrollWidth {widths[0]} > {widths[1]}"
    assert page.locator(f"{root} table tbody tr").count(), f"{label}: no rows to look at"
    cramped = page.evaluate(_CRAMPED_JS, root)
    assert not cramped, f"{label}: cells one character wide: {cramped[:8]}"
    cut = page.evaluate(_CUT_JS, root)
    assert not cut, f"{label}: cells cut at the screen's edge: {cut[:8]}"


def _signed_in(new_context, who, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    log_in(page, *who)
    return page


@pytest.fixture
def seeded(server):
    if server.data_source != "seed":
        pytest.skip("these pages need the `flask seed` demo data")
    return server


def test_staff_tables_fit_a_phone(new_context, seeded):
    page = _signed_in(new_context, STAFF, 360)
    for path in ("/staff/health", "/staff/reservations"):
        assert page.goto(path).status == 200
        _fits(page, path)
    # A child's health list, from the check waiting to be verified (the demo seed's).
    page.goto("/staff/health")
    page.locator("main a[href*='/children/'][href$='/health']").first.click()
    expect(page).to_have_url(re.compile(r"/children/\d+/health$"))
    _fits(page, page.url)


def test_regulator_and_admin_tables_fit_a_phone(new_context, seeded):
    page = _signed_in(new_context, REGULATOR, 360)
    for path in ("/regulator/filings", "/registry"):
        assert page.goto(path).status == 200
        _fits(page, path)
    assert page.goto("/regulator").status == 200
    _fits(page, "/regulator 各市", root="section[aria-labelledby=cities-h]")
    page = _signed_in(new_context, ADMIN, 360)
    assert page.goto("/admin/users").status == 200
    _fits(page, "/admin/users")


def test_child_names_stay_on_one_line_and_the_roster_shows_sunday(new_context, seeded):
    page = _signed_in(new_context, STAFF, 1280)
    page.goto("/staff/reservations")
    names = page.locator("main .child-name")
    assert names.count()
    wrapped = page.evaluate("""() => [...document.querySelectorAll('main .child-name')]
      .filter(n => { const r = document.createRange(); r.selectNodeContents(n);
                     return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size > 1; })
      .map(n => n.innerText)""")
    assert not wrapped, f"child names wrapped: {wrapped}"
    page.goto("/staff/roster")
    # Both weekly tables (by staff member, by class) show Sunday on the screen.
    sundays = page.get_by_role("main").get_by_role("columnheader", name=re.compile("周日"))
    assert sundays.count() == 2
    for i in range(2):
        expect(sundays.nth(i)).to_be_visible()
        box = sundays.nth(i).bounding_box()
        assert box["x"] + box["width"] <= 1280, "Sunday is off the screen"
    _fits(page, "/staff/roster at 1280")
