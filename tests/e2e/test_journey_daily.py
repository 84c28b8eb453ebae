"""The daily record (家托共育, issue 16) on phones: the carer records the morning arrival, then
lunch for the class from the class view in one tap; the family opens its child's day and sees
the arrival and the meal.

The world — a place in one of 阿拉尔's classes, the family, its intake check, the enrolment —
is made through the API, as the other journeys do.
"""
import re
from datetime import date, timedelta

import pytest

from .helpers import api, child, expect, family, log_in, phone, shot, token, beijing_today

pytestmark = pytest.mark.e2e

STAFF = ("staff.ar1@tuowei.example", "Staff-demo-2026")
AGE_DAYS = {"infant": 280, "toddler": 540, "preschool": 900, "mixed": 720}


def test_the_carer_logs_lunch_for_the_class_and_the_family_sees_its_day(
        new_context, server, tmp_path):
    if server.data_source != "seed":
        pytest.skip("the journey needs `flask seed` data (阿拉尔's centre and its director)")
    staff = token(server, *STAFF)
    # A seeded slot of one of the centre's classes with places to spare (two or more, and not
    # the toddler intake of 1 March that the enrolment journey looks for).
    slots = api(server, "GET", f"/api/v1/centres/{staff['user']['centre_id']}/slots",
                status=200)
    spare = [s for s in slots if s["group_id"] and s["available"] >= 2]
    spare.sort(key=lambda s: (s["starts_on"], s["age_band"] == "toddler"))  # the check covers it
    assert spare, "no class of the centre has places to spare"
    slot, band, group_id = spare[0], spare[0]["age_band"], spare[0]["group_id"]
    starts = date.fromisoformat(slot["starts_on"])
    email, password, parent = family(server, "米娜妈妈", "daily")
    kid = child(server, parent, "米娜", starts - timedelta(days=AGE_DAYS[band]))
    hold = api(server, "POST", "/api/v1/reservations",
               {"slot_id": slot["id"], "child_id": kid["id"]}, token=parent, status=201)
    check = api(server, "POST", f"/api/v1/children/{kid['id']}/health-checks", {
        "examined_on": beijing_today().isoformat(), "institution": "阿拉尔市妇幼保健院",
        "result": "pass", "vaccination_verified": True}, token=parent, status=201)
    api(server, "POST", f"/api/v1/health-checks/{check['id']}/verify", token=staff["token"],
        status=200)
    api(server, "POST", f"/api/v1/reservations/{hold['id']}/confirm", token=staff["token"],
        status=200)

    # --- the morning: arrival with the morning check
    carer = phone(new_context)
    log_in(carer, *STAFF)
    carer.goto(f"/staff/attendance?group={group_id}")
    row = carer.locator(f"#r{hold['id']}")
    row.get_by_label("体温（℃）").fill("36.6")
    row.get_by_label("通过", exact=True).check()  # no default: the carer says which
    row.get_by_role("button", name=re.compile("^登记入园")).click()
    expect(carer.locator(f"#r{hold['id']}")).to_contain_text("晨检通过")

    # --- lunch for the class, one tap for the children ticked
    carer.goto(f"/staff/daily?group={group_id}")
    carer.get_by_role("checkbox", name="米娜").check()
    carer.get_by_role("radio", name="用餐").check()
    carer.get_by_label("哪一餐").select_option(label="午餐")
    carer.get_by_role("radio", name="全部吃完").check()
    shot(carer, tmp_path, "1-class-view")
    carer.get_by_role("button", name="为勾选的孩子记录").click()
    expect(carer.get_by_role("status")).to_be_visible()

    # --- the family's phone: the child's day as it fills
    home = phone(new_context)
    log_in(home, email, password)
    home.goto(f"/children/{kid['id']}/day")
    main = home.get_by_role("main")
    expect(main).to_contain_text("午餐")
    expect(main).to_contain_text("全部吃完")
    expect(main).to_contain_text("36.6")
    shot(home, tmp_path, "2-parent-day")
