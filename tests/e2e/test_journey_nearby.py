"""A parent on a 360 px phone finds the centres nearest to where they stand (docs/search.md).

The browser's position is mocked (Playwright's context geolocation, WGS-84, by 雁塔区's seeded
reference point); "使用我的位置" sorts the seeded 雁塔 centres nearest first with their
distances, the 3 km chip narrows them, "导航" leads to AMap with the centre's GCJ-02 point,
and `ytq` finds 雁塔区's centres by initials. No page scrolls sideways.
"""
import re

import pytest

from .helpers import expect, fits_the_phone, shot

pytestmark = pytest.mark.e2e

# WGS-84, about 500 m from 雁塔区's GCJ-02 point (34.2150, 108.9350) as the offset goes.
HERE = {"latitude": 34.2165, "longitude": 108.9303}


def test_parent_finds_the_nearest_centres_on_a_phone(new_context, server, tmp_path):
    if server.data_source != "seed":
        pytest.skip("the seeded centres' points are needed")
    ctx = new_context(viewport={"width": 360, "height": 780}, geolocation=HERE,
                      permissions=["geolocation"])
    page = ctx.new_page()
    page.goto("/centres")
    fits_the_phone(page)
    # Results come first: the first centre card is on the first screen.
    first_card = page.locator(".centre-card").first
    assert first_card.bounding_box()["y"] < 780

    page.get_by_role("button", name="使用我的位置").click()
    expect(page.get_by_text("按距离排序，从“我的位置”算起")).to_be_visible()
    distances = page.locator(".centre-card .tag.distance").all_inner_texts()
    assert distances, "no distances shown"
    expect(page.locator(".centre-card").first).to_contain_text("雁塔")
    shot(page, tmp_path, "nearby-my-location")

    page.locator(".radius-chips label", has_text="3 公里内").click()  # submits by itself
    expect(page).to_have_url(re.compile(r"radius=3"))
    kms = []
    for text in page.locator(".centre-card .tag.distance").all_inner_texts():
        number = float(re.sub(r"[^\d.]", "", text))
        kms.append(number / 1000 if "米" in text and "公里" not in text else number)
    assert kms and all(k <= 3 for k in kms) and kms == sorted(kms)
    nav = page.locator(".centre-card").first.get_by_role("link", name=re.compile("导航"))
    assert nav.get_attribute("href").startswith("https://uri.amap.com/navigation?to=108.")
    shot(page, tmp_path, "nearby-3km")

    page.get_by_role("searchbox").fill("ytq")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page.locator(".centre-card").first).to_contain_text("雁塔")
    fits_the_phone(page)

    # Filters: picking a city narrows the district list at once, before anything is submitted.
    page.locator("details.more summary").click()
    page.get_by_label("城市").select_option("白银")
    options = page.get_by_label("区县", exact=True).locator("option").all_inner_texts()
    assert len(options) > 1 and all(o.startswith("白银") for o in options[1:]), options
    page.get_by_label("城市").select_option("")
    assert any(o.startswith("西安") for o in
               page.get_by_label("区县", exact=True).locator("option").all_inner_texts())
