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
_CRAMPED_JS = """() => {
  const out = [];
  for (const cell of document.querySelectorAll('main table th, main table td')) {
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
_CUT_JS = """() => [...document.querySelectorAll('main table th, main table td')]
  .filter(c => c.getBoundingClientRect().width && c.getBoundingClientRect().right > window.innerWidth + 1)
  .map(c => c.innerText.trim().slice(0, 20))"""


def _fits(page, label):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{label}: scrollWidth {widths[0]} > {widths[1]}"
    cramped = page.evaluate(_CRAMPED_JS)
    assert not cramped, f"{label}: cells one character wide: {cramped[:8]}"
    cut = page.evaluate(_CUT_JS)
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
    # A child's health list, from the first check's child.
    page.goto("/staff/health")
    link = page.locator("main a[href*='/children/'][href$='/health']").first
    if link.count():
        link.click()
        _fits(page, page.url)


def test_regulator_and_admin_tables_fit_a_phone(new_context, seeded):
    page = _signed_in(new_context, REGULATOR, 360)
    assert page.goto("/regulator").status == 200
    _fits(page, "/regulator")
    assert page.goto(f"/regulator/centres/{seeded.centre.id}/inspections").status == 200
    _fits(page, "inspections")
    page = _signed_in(new_context, ADMIN, 360)
    assert page.goto("/admin/users").status == 200
    _fits(page, "/admin/users")


def test_parent_health_list_fits_a_phone(new_context, seeded):
    page = _signed_in(new_context, PARENT, 360)
    page.goto("/children")
    link = page.locator("main a[href*='/children/'][href$='/health']").first
    if not link.count():
        pytest.skip("no child health link on the family page")
    link.click()
    _fits(page, page.url)


def test_staff_reservations_names_on_one_line_and_roster_has_sunday(new_context, seeded):
    page = _signed_in(new_context, STAFF, 1280)
    page.goto("/staff/reservations")
    tall = page.evaluate("""() => [...document.querySelectorAll('main table tbody tr')]
      .map(tr => tr.querySelector('td, th')).filter(Boolean)
      .filter(c => c.innerText.trim().length <= 6 && c.getBoundingClientRect().height > 3 * parseFloat(getComputedStyle(c).lineHeight || 24))
      .map(c => c.innerText.trim())""")
    names = page.evaluate("""() => [...document.querySelectorAll('main table tbody tr .child-name')]
      .filter(n => { const r = n.getClientRects(); return r.length > 1; }).map(n => n.innerText)""")
    assert not names, f"child names wrapped: {names}"
    del tall
    page.goto("/staff/roster")
    expect(page.get_by_role("main").get_by_role("columnheader", name=re.compile("周日"))).to_be_visible()
    _fits(page, "/staff/roster at 1280")
