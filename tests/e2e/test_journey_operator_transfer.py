"""A transfer between an operator's centres, in the browser (docs/operators.md, "Transfers
between an operator's centres"): a family whose child is in care at one of the demo
operator's centres asks, on its phone, to move to a slot at the other; the operator's
运营负责人 switches between its two centres in the header and approves; the family's page then
shows the child enrolled at the new centre and leaving the old one the day before.

The world (the slots, the family, its intake check, the enrolment) is made through the API,
as the other journeys do."""
from datetime import timedelta

import pytest

from .helpers import (api, beijing_today, child, expect, family, log_in, own_date, phone, shot,
                      token)

pytestmark = pytest.mark.e2e

MANAGER = ("operator.xa@tuowei.example", "Operator-demo-2026")


def _slot_at(server, tok, centre_id, starts_on):
    return api(server, "POST", f"/api/v1/centres/{centre_id}/slots", {
        "age_band": "toddler", "care_type": "full_day", "category": "market",
        "capacity": 2, "monthly_fee_fen": 150000, "starts_on": starts_on.isoformat()},
        token=tok, status=201)


def test_the_family_asks_and_the_manager_switches_and_approves(new_context, server, tmp_path):
    if server.data_source != "seed":
        pytest.skip("the demo operator comes with the seeds")
    manager = token(server, *MANAGER)
    tok = manager["token"]
    me = api(server, "GET", "/api/v1/me/centre", token=tok, status=200)
    centre_a = me["centre_id"]
    centre_b = next(c["centre_id"] for c in me["centres"] if c["centre_id"] != centre_a)
    names = {c["centre_id"]: c["centre_name"] for c in me["centres"]}
    starts_a, starts_b = own_date(3), own_date(40)
    slot_a = _slot_at(server, tok, centre_a, starts_a)
    api(server, "POST", "/api/v1/me/centre", {"centre_id": centre_b}, token=tok, status=200)
    slot_b = _slot_at(server, tok, centre_b, starts_b)
    api(server, "POST", "/api/v1/me/centre", {"centre_id": centre_a}, token=tok, status=200)

    email, password, parent = family(server, "橡橡妈妈", "transfer")
    kid = child(server, parent, "橡橡", starts_b - timedelta(days=540))
    hold = api(server, "POST", "/api/v1/reservations",
               {"slot_id": slot_a["id"], "child_id": kid["id"]}, token=parent, status=201)
    check = api(server, "POST", f"/api/v1/children/{kid['id']}/health-checks", {
        "examined_on": beijing_today().isoformat(), "institution": "西安市妇幼保健院",
        "result": "pass", "vaccination_verified": True}, token=parent, status=201)
    api(server, "POST", f"/api/v1/health-checks/{check['id']}/verify", token=tok, status=200)
    api(server, "POST", f"/api/v1/reservations/{hold['id']}/confirm", token=tok, status=200)

    # --- the family, on its phone, asks to move to the other centre
    home = phone(new_context)
    log_in(home, email, password)
    home.goto("/reservations")
    home.get_by_role("link", name="转园申请（同一举办者的机构之间）").click()
    home.get_by_role("link", name="申请转园").click()
    home.get_by_label("孩子").select_option(label="橡橡")
    home.get_by_label("转入的托位").select_option(
        label=f"{names[centre_b]} · {starts_b.isoformat()}")
    shot(home, tmp_path, "1-family-asks")
    home.get_by_role("button", name="提交申请").click()
    expect(home.get_by_role("main")).to_contain_text("待审批")

    # --- the 运营负责人 switches to the new centre in the header, and approves
    desk = phone(new_context)
    log_in(desk, *MANAGER)
    desk.goto("/operator")
    desk.get_by_role("link", name="各机构之间的转园申请").click()
    switch = desk.get_by_role("banner").get_by_label("当前机构")
    switch.select_option(label=names[centre_b])
    desk.get_by_role("banner").get_by_role("button", name="切换").click()
    expect(desk.get_by_role("banner").get_by_label("当前机构").locator("option:checked")) \
        .to_have_text(names[centre_b])
    row = desk.locator("tr", has_text="橡橡")
    expect(row).to_contain_text("待审批")
    shot(desk, tmp_path, "2-manager-approves")
    row.get_by_role("button", name="批准", exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text("已批准转园")
    expect(desk.locator("tr", has_text="橡橡")).to_contain_text("已批准")
    # and back to the old centre: its director's view reads it too
    desk.get_by_role("banner").get_by_label("当前机构").select_option(label=names[centre_a])
    desk.get_by_role("banner").get_by_role("button", name="切换").click()
    expect(desk.locator("tr", has_text="橡橡")).to_contain_text("已批准")

    # --- the family's page: enrolled at B, leaving A the day before
    home.goto("/reservations")
    main = home.get_by_role("main")
    last_day = (starts_b - timedelta(days=1)).isoformat()
    expect(main.locator("tr", has_text=names[centre_b])).to_contain_text("已入托")
    expect(main.locator("tr", has_text=names[centre_a])).to_contain_text(f"将于 {last_day} 离园")
    shot(home, tmp_path, "3-family-sees-it")
