"""A family and its centre talk on the platform (家托共育, messages), on phones (360 px wide).

A new family holds a place at 雁塔妇幼's own slot and is enrolled there (through the JSON API,
with a verified intake check). On a phone the parent starts the conversation from 消息, writes
with a photo, and sees it 未读; the centre's director finds it first in 家长消息 (1 条未读),
sees the photo, answers as the centre; the parent sees the answer signed with the centre's name
and 已读 on their own message. The director then sends a bulletin to the whole centre, and the
parent finds it under 机构通知. No page scrolls sideways; key pages are saved as screenshots in
the test's tmp dir.
"""
import re
import struct
import zlib
from datetime import timedelta

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

from .helpers import api as _api, beijing_today
from .helpers import child as _child
from .helpers import family as _family
from .helpers import fits_the_phone as _fits
from .helpers import log_in as _log_in
from .helpers import own_date as _own_date
from .helpers import phone as _phone
from .helpers import shot as _shot
from .helpers import slot as _slot
from .helpers import token as _token
from .helpers import menu

pytestmark = pytest.mark.e2e

STAFF = ("staff.xa2@tuowei.example", "Staff-demo-2026")  # 雁塔妇幼, a director (seeds)


def _png(width=24, height=16) -> bytes:
    """A small, valid green PNG (the browser must be able to show it)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\x0b\x6e\x4f" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_a_family_and_the_centre_talk_and_the_director_sends_a_bulletin(
        new_context, server, tmp_path):
    if server.data_source != "seed":
        pytest.skip("the journey needs `flask seed` data (雁塔妇幼's staff account)")
    today = beijing_today()
    starts = _own_date(45)
    child_name = "许小禾"
    email, password, parent = _family(server, "许妈妈", "messages")
    staff = _token(server, *STAFF)
    centre = _api(server, "GET", f"/api/v1/centres/{staff['user']['centre_id']}", status=200)
    centre_name = centre["name"]
    slot = _slot(server, staff, "public", 160000, 3, starts)
    child = _child(server, parent, child_name, starts - timedelta(days=480))
    hold = _api(server, "POST", "/api/v1/reservations",
                {"slot_id": slot["id"], "child_id": child["id"]}, token=parent, status=201)
    check = _api(server, "POST", f"/api/v1/children/{child['id']}/health-checks", {
        "examined_on": today.isoformat(), "institution": "雁塔区妇幼保健院", "result": "pass",
        "vaccination_verified": True}, token=parent, status=201)
    _api(server, "POST", f"/api/v1/health-checks/{check['id']}/verify",
         token=staff["token"], status=200)
    _api(server, "POST", f"/api/v1/reservations/{hold['id']}/confirm",
         token=staff["token"], status=200)
    photo = tmp_path / "rash.png"
    photo.write_bytes(_png())

    # --- the parent starts the conversation and writes, with a photo
    page = _phone(new_context)
    refused = []  # Content-Security-Policy violations, on either phone
    page.on("console", lambda m: refused.append(m.text) if "Refused to" in m.text else None)
    _log_in(page, email, password)
    menu(page).get_by_role("link", name="消息", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("消息")
    _fits(page)
    page.get_by_role("button", name=f"{child_name} · {centre_name}", exact=True).click()
    expect(page).to_have_url(re.compile(r"/messages/threads/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(centre_name)
    page.get_by_label("消息", exact=True).fill("老师好，孩子手臂上起了点疹子，请帮忙留意。")
    page.get_by_label("照片或文件（可选）").set_input_files(str(photo))
    page.get_by_role("button", name="发送", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已发送")
    mine = page.locator("li.bubble").filter(has_text="请帮忙留意")
    expect(mine).to_contain_text("许妈妈（家长）")
    expect(mine).to_contain_text("未读")
    expect(mine.get_by_role("img", name="照片 1")).to_be_visible()
    _shot(page, tmp_path, "1-parent-wrote", at=mine)

    # --- the director finds it first in the inbox, sees the photo, answers as the centre
    desk = _phone(new_context)
    desk.on("console", lambda m: refused.append(m.text) if "Refused to" in m.text else None)
    _log_in(desk, *STAFF)
    menu(desk).get_by_role("link", name="家长消息", exact=True).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("家长消息")
    first = desk.locator("ul.thread-list > li").first
    expect(first).to_contain_text(f"{child_name} 的家长")
    expect(first).to_contain_text("1 条未读")
    _shot(desk, tmp_path, "2-inbox")
    first.get_by_role("link").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"{child_name} 的家长")
    expect(desk.get_by_role("img", name="照片 1")).to_be_visible()
    desk.get_by_label("消息", exact=True).fill("收到，已请保健医生看过，没有发烧，会继续观察。")
    desk.get_by_role("button", name="发送", exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text("已发送")
    answer = desk.locator("li.bubble").filter(has_text="继续观察")
    expect(answer).to_contain_text(f"{centre_name} · ")
    _shot(desk, tmp_path, "3-centre-answered", at=answer)

    # --- the parent sees the answer from the centre, and 已读 on their own message
    page.reload()
    reply = page.locator("li.bubble").filter(has_text="继续观察")
    expect(reply).to_contain_text(f"{centre_name} · ")
    expect(page.locator("li.bubble").filter(has_text="请帮忙留意")).to_contain_text("已读")
    _shot(page, tmp_path, "4-parent-sees-answer", at=reply)

    # --- the director sends a bulletin to the whole centre
    menu(desk).get_by_role("link", name="家长消息", exact=True).click()
    desk.get_by_role("link", name="发通知给全园或一个班级的家长 →").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("通知公告")
    desk.get_by_label("发给").select_option(label="全园所有在读孩子的家长")
    desk.get_by_label("标题").fill("本周五下午家长开放日")
    desk.get_by_label("内容").fill("欢迎家长周五 15:00 来园参观，请提前十分钟到。")
    desk.get_by_role("button", name="发送", exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text("通知已发送给")
    expect(desk.get_by_role("main")).to_contain_text("已读 0 /")
    _shot(desk, tmp_path, "5-bulletin-sent")

    # --- the parent finds it under 机构通知
    menu(page).get_by_role("link", name="消息", exact=True).click()
    notice = page.get_by_role("region", name="机构通知").get_by_role(
        "link", name=re.compile("本周五下午家长开放日"))
    expect(notice).to_contain_text("未读")
    notice.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("本周五下午家长开放日")
    expect(page.get_by_role("main")).to_contain_text("请提前十分钟到")
    _shot(page, tmp_path, "6-bulletin-read")
    assert refused == []
