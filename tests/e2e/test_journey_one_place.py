"""One child, one place (issue 14), in the browser on a phone (360 px wide).

1. A transfer (转托): a child enrolled at one Beijing centre (A, 和平里) is moved by the family to
   another (B, 望京) from B's page; B's director confirms; the family's 我的预约 shows the new
   enrolment and the old one ending the day before the new start.
2. Twins hold together: one 预约 for one twin holds a place for both; a slot with one place
   left is not offered to them, and asking for it anyway holds nothing.

The world (families, children, slots, the first enrolment and a verified intake check) is made
through the JSON API, as the closure journey does, on slots of their own (start dates no other
journey uses) at centres no other journey changes. The server runs on the real clock, so the
dates are relative to today: an intake check made today is valid 90 days (every seeded city's
policy), which covers both start dates.

Each key page is saved as a screenshot in the test's tmp dir (not in the repo), and no page
scrolls sideways.
"""
import re
from datetime import timedelta

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

from .helpers import api as _api, beijing_today
from .helpers import child as _child
from .helpers import family as _family
from .helpers import log_in as _log_in
from .helpers import own_date as _own_date
from .helpers import phone as _phone
from .helpers import shot as _shot
from .helpers import slot as _slot
from .helpers import token as _token

pytestmark = pytest.mark.e2e

STAFF_PASSWORD = "Staff-demo-2026"
STAFF_A = "staff.bj2@tuowei.example"    # 东城区和平里社区嵌入式托育点, a director (seeds)
STAFF_B = "staff.bj1@tuowei.example"    # 朝阳区望京街道公办托育中心, a director (seeds)
STAFF_TWINS = "staff.by1@tuowei.example"  # 白银区人民路街道公办托育中心
CENTRE_A = "东城区和平里社区嵌入式托育点"
CENTRE_B = "朝阳区望京街道公办托育中心"
CENTRE_TWINS = "白银区人民路街道公办托育中心"
SLOT_LABEL = "托小班 (12–24 个月) · 全日托 · {category} · {starts_on} 入托"
CATEGORY_LABELS = {"public": "公办托位", "affordable": "普惠托位"}


# --- the world, through the API --------------------------------------------------------------

def _reservations(server, token):
    """The family's reservations as the API sees them (a list of ReservationOut)."""
    body = _api(server, "GET", "/api/v1/reservations?per_page=100", token=token, status=200)
    return body["items"] if isinstance(body, dict) else body


# --- the browser -------------------------------------------------------------------------------

def _row(scope, child, page=None):
    """The table row headed by `child` within `scope` (`page`: the Page, when scope is not)."""
    page = page or scope
    return scope.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=child, exact=True))


def _place_row(page, child, centre):
    """我的预约's row for `child` at `centre` (the centre's link, not a mention of it)."""
    return _row(page, child).filter(has=page.get_by_role("link", name=centre, exact=True))


def _slot_row(page, starts_on):
    """The centre page's row for the slot starting on `starts_on` (each journey's date is
    its own)."""
    return page.get_by_role("main").get_by_role("row").filter(has_text=starts_on.isoformat())


# --- 1. a transfer ------------------------------------------------------------------------------

def test_a_family_transfers_an_enrolled_child_and_the_new_centre_confirms(
        new_context, server, tmp_path):
    if server.data_source != "seed":
        pytest.skip("the journey needs `flask seed` data (the Beijing centres' staff accounts)")
    today = beijing_today()
    starts_a, starts_b = _own_date(30), _own_date(60)
    child_name = "周小满"

    # The child is enrolled at A (hold, intake check verified by A's staff, confirmed).
    email, password, parent = _family(server, "周妈妈", "transfer")
    staff_a = _token(server, STAFF_A, STAFF_PASSWORD)
    staff_b = _token(server, STAFF_B, STAFF_PASSWORD)
    slot_a = _slot(server, staff_a, "affordable", 240000, 4, starts_a)
    slot_b = _slot(server, staff_b, "public", 160000, 4, starts_b)
    child = _child(server, parent, child_name, starts_a - timedelta(days=480))
    hold_a = _api(server, "POST", "/api/v1/reservations",
                  {"slot_id": slot_a["id"], "child_id": child["id"]}, token=parent, status=201)
    check = _api(server, "POST", f"/api/v1/children/{child['id']}/health-checks", {
        "examined_on": today.isoformat(), "institution": "东城区妇幼保健院", "result": "pass",
        "vaccination_verified": True}, token=parent, status=201)
    _api(server, "POST", f"/api/v1/health-checks/{check['id']}/verify",
         token=staff_a["token"], status=200)
    _api(server, "POST", f"/api/v1/reservations/{hold_a['id']}/confirm",
         token=staff_a["token"], status=200)
    label_b = SLOT_LABEL.format(category=CATEGORY_LABELS["public"],
                                starts_on=starts_b.isoformat())

    # --- the parent, on a phone, opens B's page: the slot is a transfer, and says why
    page = _phone(new_context)
    _log_in(page, email, password)
    page.goto(f"/centres/{staff_b['user']['centre_id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(CENTRE_B)
    row = _slot_row(page, starts_b)
    expect(row).to_have_count(1)
    expect(row.get_by_role("listitem")).to_have_text(
        [f"{child_name} 正在 {CENTRE_A} 在读：一个孩子只能有一个托位。如要转到这里，请申请转托"])
    transfer = row.get_by_role("button", name=f"申请转托 {child_name} {label_b}", exact=True)
    expect(transfer).to_be_visible()
    expect(row.get_by_role("button", name=re.compile(r"^预约"))).to_have_count(0)
    _shot(page, tmp_path, "1-centre-b-transfer", at=row)
    transfer.click()

    # --- 我的预约: the hold at B, explained as a transfer; A still enrolled
    expect(page).to_have_url(re.compile(r"/reservations$"))
    expect(page.get_by_role("status")).to_contain_text(f"已为 {child_name} 申请转托并保留托位")
    new = _place_row(page, child_name, CENTRE_B)
    old = _place_row(page, child_name, CENTRE_A)
    expect(new).to_contain_text("保留中")
    expect(new).to_contain_text(
        f"转托：机构确认入托后，孩子在 {CENTRE_A} 的托位在新托位开始的前一天结束。")
    expect(new).to_contain_text("体检已核验，等待机构确认入托")
    expect(old).to_contain_text("已入托")
    expect(old).not_to_contain_text("离园")
    _shot(page, tmp_path, "2-mine-transfer-held")

    # --- B's director confirms it
    staff = _phone(new_context)
    _log_in(staff, STAFF_B, STAFF_PASSWORD)
    staff.goto("/staff/reservations")
    expect(staff.get_by_role("heading", level=1)).to_have_text("预约与候补")
    section = staff.get_by_role("region", name=label_b)
    held = _row(section, child_name, staff)
    expect(held).to_contain_text("保留中")
    expect(held).to_contain_text("体检已核验，等待机构确认入托")
    _shot(staff, tmp_path, "3-staff-b-before-confirm", at=held)
    held.get_by_role("button", name=f"确认入托 {child_name}").click()
    expect(staff.get_by_role("status")).to_contain_text(f"已确认 {child_name} 入托")
    expect(_row(staff.get_by_role("region", name=label_b), child_name, staff)) \
        .to_contain_text("已入托")

    # --- the parent's 我的预约: the new enrolment, and the old one with its leaving date
    page.goto("/reservations")
    new = _place_row(page, child_name, CENTRE_B)
    old = _place_row(page, child_name, CENTRE_A)
    expect(new).to_contain_text("已入托")
    expect(new).not_to_contain_text("转托：")
    expect(new).not_to_contain_text("离园")
    expect(old).to_contain_text("已入托")
    expect(old).to_contain_text(f"将于 {(starts_b - timedelta(days=1)).isoformat()} 离园")
    _shot(page, tmp_path, "4-mine-transferred")

    # The same, as the API records it: both in care until the old one's last day.
    statuses = {r["slot_id"]: (r["status"], r["transfer"]) for r in _reservations(server, parent)}
    assert statuses == {slot_a["id"]: ("enrolled", False), slot_b["id"]: ("enrolled", False)}


# --- 2. twins hold together -----------------------------------------------------------------------

def test_twins_hold_together_and_a_single_place_is_not_offered_to_them(
        new_context, server, tmp_path):
    if server.data_source != "seed":
        pytest.skip("the journey needs `flask seed` data (the 白银 centre's staff account)")
    starts_two, starts_one = _own_date(45), _own_date(75)
    first, second = "孙一诺", "孙一然"

    email, password, parent = _family(server, "孙妈妈", "twins")
    staff = _token(server, STAFF_TWINS, STAFF_PASSWORD)
    centre_id = staff["user"]["centre_id"]
    roomy = _slot(server, staff, "public", 70000, 4, starts_two)
    single = _slot(server, staff, "public", 70000, 1, starts_one)
    born = starts_two - timedelta(days=480)
    one = _child(server, parent, first, born)
    _child(server, parent, second, born, twin_of=one["id"])
    label_single = SLOT_LABEL.format(category=CATEGORY_LABELS["public"],
                                     starts_on=starts_one.isoformat())

    # --- the centre page: one place left is not enough for twins, and it says so
    page = _phone(new_context)
    _log_in(page, email, password)
    page.goto(f"/centres/{centre_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(CENTRE_TWINS)
    row = _slot_row(page, starts_one)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"只剩 1 个托位，{first}、{second} 要一起预约 2 个：可以加入候补")
    # The unit's reason is the unit's, so the page should say it once (checked at the end).
    said = row.get_by_role("listitem").filter(has_text="只剩 1 个托位").count()
    expect(row.get_by_role("button", name=re.compile(r"^预约"))).to_have_count(0)
    expect(row.get_by_role("link", name=f"加入候补 {label_single}")).to_be_visible()
    roomy_row = _slot_row(page, starts_two)
    expect(roomy_row.get_by_role("listitem")).to_have_text(
        [f"{first} 与 {second} 是双（多）胞胎：一起预约，托位全部保留或都不保留"])
    _shot(page, tmp_path, "1-centre-twins", at=row)

    # Asking for the single place anyway (the slot's own page) holds nothing.
    page.goto(f"/slots/{single['id']}/reserve")
    page.get_by_label("为哪个孩子预约").select_option(label=first)
    page.get_by_role("main").get_by_role("button", name="预约", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("双（多）胞胎要一起预约 2 个")
    _shot(page, tmp_path, "2-reserve-single-refused")
    assert _reservations(server, parent) == []
    page.goto("/reservations")
    expect(page.get_by_role("main")).to_contain_text("还没有预约")

    # --- 预约 for one twin at the roomy slot: both are held
    page.goto(f"/centres/{centre_id}")
    roomy_row = _slot_row(page, starts_two)
    roomy_row.get_by_label("孩子").select_option(label=first)
    _shot(page, tmp_path, "3-centre-twins-reserve", at=roomy_row)
    roomy_row.get_by_role("button", name=re.compile(r"^预约")).click()
    expect(page).to_have_url(re.compile(r"/reservations$"))
    expect(page.get_by_role("status")).to_contain_text(f"已为 {first}、{second} 一起保留托位")
    for name in (first, second):
        held = _place_row(page, name, CENTRE_TWINS)
        expect(held).to_have_count(1)
        expect(held).to_contain_text("保留中")
    _shot(page, tmp_path, "4-mine-twins-held")
    held = {(r["child_id"], r["slot_id"], r["status"]) for r in _reservations(server, parent)}
    assert {s for _c, s, _st in held} == {roomy["id"]} and len(held) == 2

    assert said == 1, f"the twins' slot-full reason is said {said} times on the centre page"
