"""An operator's 运营负责人, in the browser (docs/operators.md, Staff across centres): the demo
manager signs in, sees its two centres side by side on /operator, and switches its current
centre in the header; a staff page then names the other centre."""
import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

from .helpers import log_in

pytestmark = pytest.mark.e2e

MANAGER = ("operator.xa@tuowei.example", "Operator-demo-2026")
BEILIN = "长安养育·碑林区长乐坊社区托育园"
GUODU = "长安区郭杜小橡树托育中心"


def test_the_manager_sees_its_centres_and_switches(page, server):
    if server.data_source != "seed":
        pytest.skip("the demo operator comes with the seeds")
    log_in(page, *MANAGER)
    page.goto("/operator")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text("小橡树")
    # each centre heads a row of the places table and of the figures table
    expect(main.get_by_role("cell", name=BEILIN).first).to_be_visible()
    expect(main.get_by_role("cell", name=GUODU).first).to_be_visible()

    page.goto("/staff/slots")
    switch = page.get_by_role("banner").get_by_label("当前机构")
    before = switch.evaluate("s => s.options[s.selectedIndex].text")
    other = GUODU if before == BEILIN else BEILIN
    switch.select_option(label=other)
    page.get_by_role("banner").get_by_role("button", name="切换").click()
    expect(page).to_have_url(server.url("/staff/slots"))
    switch = page.get_by_role("banner").get_by_label("当前机构")
    expect(switch.locator("option:checked")).to_have_text(other)
    expect(page.get_by_role("status")).to_contain_text(other)
