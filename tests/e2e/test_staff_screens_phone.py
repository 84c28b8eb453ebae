"""Staff screens on a 360 px phone: the intake check's review (the form's photo inline,
退回 with a required reason, 核验并确认入托 in one step) and the staff × day roster grid
(Sunday there, a tap adds a shift). No page scrolls sideways."""
import re
import struct
import zlib
from datetime import timedelta

import pytest

from .helpers import (api, beijing_today, family, fits_the_phone, log_in, own_date, phone, shot,
                      slot, token)

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

pytestmark = pytest.mark.e2e

STAFF_EMAIL, STAFF_PASSWORD = "staff.xa1@tuowei.example", "Staff-demo-2026"
CARER = "石玉兰"  # seeds/centres.yaml: a carer of that centre, certificate valid to 2027-09-16
CHILD = "核验小宝"


def _png() -> bytes:
    """A real 8×8 grey PNG, so the browser can draw it."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + b"\x80" * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_review_and_roster_on_a_phone(new_context, server, tmp_path):
    staff_tok = token(server, STAFF_EMAIL, STAFF_PASSWORD)
    s = slot(server, staff_tok, "public", 100000, 1, own_date(40))
    email, password, tok = family(server, "核验家长", "review")
    kid = api(server, "POST", "/api/v1/children",
              {"name": CHILD, "birth_date": (beijing_today() - timedelta(days=540)).isoformat()},
              token=tok, status=201)
    api(server, "POST", "/api/v1/reservations", {"slot_id": s["id"], "child_id": kid["id"]},
        token=tok, status=201)

    # The family uploads the form's photo with the check.
    parent = phone(new_context)
    log_in(parent, email, password)
    parent.goto(f"/children/{kid['id']}/health")
    parent.get_by_label("体检机构").fill("雁塔区妇幼保健院")
    parent.get_by_label("体检日期").fill(beijing_today().isoformat())
    parent.get_by_label("体检结论").select_option("pass")
    parent.get_by_label("已查验预防接种证").check()
    parent.get_by_label(re.compile("体检表照片或 PDF")).set_input_files(
        {"name": "form.png", "mimeType": "image/png", "buffer": _png()})
    parent.get_by_role("button", name=re.compile("提交")).click()
    expect(parent).to_have_url(re.compile(r"/health-checks/\d+$"))
    first_id = int(parent.url.rsplit("/", 1)[1])

    # The director reviews it: the photo in the page, then 退回 (a reason is required).
    page = phone(new_context)
    log_in(page, STAFF_EMAIL, STAFF_PASSWORD)
    page.goto(f"/health-checks/{first_id}")
    photo = page.get_by_role("img", name="体检表照片")
    expect(photo).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", photo.element_handle()) == 8
    shot(page, tmp_path, "review-photo", photo)
    review = page.locator("#review")
    review.get_by_role("button", name="退回", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("请写明退回原因")
    page.locator("#review").get_by_label("退回原因").fill("照片看不清，请重新拍摄")
    page.locator("#review").get_by_role("button", name="退回", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已退回")
    fits_the_phone(page)
    parent.goto(f"/health-checks/{first_id}")
    expect(parent.get_by_role("note")).to_contain_text("照片看不清，请重新拍摄")
    shot(parent, tmp_path, "returned-for-the-family")

    # The family's second check (through the API): verified and the place confirmed at once.
    second = api(server, "POST", f"/api/v1/children/{kid['id']}/health-checks",
                 {"examined_on": beijing_today().isoformat(), "institution": "雁塔区妇幼保健院",
                  "result": "pass", "vaccination_verified": True}, token=tok, status=201)
    page.goto(f"/health-checks/{second['id']}")
    page.get_by_role("button", name="核验并确认入托").click()
    expect(page.get_by_role("status")).to_contain_text(f"已核验体检并确认 {CHILD} 入托")
    expect(page.get_by_role("button", name="核验并确认入托")).to_have_count(0)
    fits_the_phone(page)

    # The roster grid, weeks ahead (other journeys plan next week): Sunday is there, a tap
    # on the carer's Sunday cell adds the template shift, and nothing scrolls sideways.
    monday = beijing_today() - timedelta(days=beijing_today().weekday()) + timedelta(weeks=10)
    sunday = monday + timedelta(days=6)
    page.goto(f"/staff/roster?week={monday.isoformat()}")
    grid = page.get_by_role("region", name="按员工排班")
    expect(grid).to_contain_text(f"周日 {sunday.strftime('%m-%d')}")
    fits_the_phone(page)
    add = grid.get_by_role("button", name=f"给 {CARER} 排 {sunday.isoformat()} 08:00–17:00 的班")
    add.scroll_into_view_if_needed()
    expect(add).to_be_visible()
    add.click()
    expect(page.get_by_role("status")).to_contain_text("已排班")
    shot(page, tmp_path, "roster-staff-grid", page.locator("#staff-grid"))
    expect(page.get_by_role("region", name="按员工排班").get_by_role(
        "button", name=f"删除 {CARER} {sunday.isoformat()} 08:00 的班次")).to_be_visible()
    fits_the_phone(page)
