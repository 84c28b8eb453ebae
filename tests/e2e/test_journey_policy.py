"""A city's policy changed by its regulator, on a 360 px phone (docs/subsidies.md): Xi'an's
city regulator opens the city's policy, adds a version from the first of next month with a
lower toddler cap, and sees it in the timeline marked 待生效 with the change old → new.

The data is `flask seed`'s: Xi'an's first version and its city-wide regulator.
"""
import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

from .helpers import fits_the_phone, log_in, phone, shot

pytestmark = pytest.mark.e2e

CITY_REGULATOR = ("regulator.xa@tuowei.example", "Regulator-demo-2026")


@pytest.fixture
def seeded(server):
    if server.data_source != "seed":
        pytest.skip("the policy journey needs `flask seed` data (Xi'an's city regulator)")
    return server


def test_a_city_regulator_schedules_a_policy_change(new_context, seeded, tmp_path):
    page = phone(new_context)
    log_in(page, *CITY_REGULATOR)
    page.goto("/policy")
    page.get_by_role("main").get_by_role("link", name="西安").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("西安")
    current = page.locator('.policy-version[data-state="current"]')
    expect(current).to_contain_text("现行")
    fits_the_phone(page)

    form = page.get_by_role("main").locator("form").last
    first_of_next = form.get_by_label("生效日期").input_value()
    assert first_of_next.endswith("-01")
    form.get_by_label("托小班普惠收费上限（元/月）").fill("1500")
    form.get_by_label("调整原因").fill("托小班指导价下调")
    shot(page, tmp_path, "policy-form")
    form.get_by_role("button", name="保存新版本").click()

    scheduled = page.locator(f'#version-{first_of_next}')
    expect(scheduled).to_have_attribute("data-state", "future")
    expect(scheduled).to_contain_text("待生效")
    expect(scheduled).to_contain_text("托小班指导价下调")
    expect(scheduled).to_contain_text("→ ¥1,500")
    shot(page, tmp_path, "policy-scheduled")
    fits_the_phone(page)
