"""Whether each slot is open to each of a family's children, before anything is submitted
(issue 14, item 5): the service (places/eligibility.py), the API
(GET /api/v1/centres/{id}/eligibility) and the centre page, and the reserve form's transfer
and its already-placed refusal."""
from datetime import date

import pytest
from sqlalchemy import select

from booking.children import services as children
from booking.places.eligibility import eligibility
from booking.reservations import enrolment
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.waitlists import services as waitlists
from tests import factories as f


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302


def enrol(slot, parent, kid):
    hold = reservations.place_hold(slot_id=slot.id, child_id=kid.id, parent=parent,
                                   with_multiples=False)
    f.passed_check(kid, parent)
    return enrolment.confirm(hold.id, f.user("staff", centre_id=slot.centre_id))


@pytest.fixture
def world(db):
    """A centre with a toddler and an infant slot; elsewhere, 旧园 where children are placed.
    The family: 大宝 (toddler age on 2027-03-01), 小宝 (too young for both)."""
    here = f.centre(name="新园托育中心")
    toddler = f.slot(here, band="toddler", capacity=3, starts_on=date(2027, 3, 1))
    infant = f.slot(here, band="infant", capacity=3, starts_on=date(2027, 3, 1))
    there = f.slot(f.centre(name="旧园托育中心"), band="toddler", capacity=3)
    parent = f.user(name="王妈妈")
    big = f.child(parent, name="大宝", birth_date=date(2025, 9, 1))      # 18 months
    small = f.child(parent, name="小宝", birth_date=date(2026, 10, 1))   # 5 months
    return {"here": here, "toddler": toddler, "infant": infant, "there": there,
            "parent": parent, "big": big, "small": small}


def verdicts(w, kids=None):
    kids = kids or [w["big"], w["small"]]
    return eligibility([w["toddler"], w["infant"]], kids, w["parent"].id)


# --- the service -----------------------------------------------------------------------

def test_open_and_out_of_band(world):
    v = verdicts(world)
    ok = v[(world["toddler"].id, world["big"].id)]
    assert (ok.open, ok.action, ok.reason, ok.message) == (True, "hold", None, None)
    young = v[(world["toddler"].id, world["small"].id)]
    assert (young.open, young.action, young.reason) == (False, None, "age-band")
    assert "小宝" in young.message and "5 个月" in young.message and "12–24" in young.message
    # the infant band takes 6–12 months: 大宝 is too old, 小宝 still too young on the start
    assert v[(world["infant"].id, world["big"].id)].reason == "age-band"
    assert v[(world["infant"].id, world["small"].id)].reason == "age-band"


def test_here_already_held_and_enrolled(world):
    w = world
    reservations.place_hold(slot_id=w["toddler"].id, child_id=w["big"].id, parent=w["parent"])
    v = verdicts(w)[(w["toddler"].id, w["big"].id)]
    assert (v.open, v.reason, v.message) == (False, "here-already", "大宝 已保留了这个托位")


def test_placed_elsewhere_enrolled_offers_a_transfer(world):
    w = world
    old = enrol(w["there"], w["parent"], w["big"])
    v = verdicts(w)[(w["toddler"].id, w["big"].id)]
    assert (v.open, v.action, v.reason, v.transfer_possible) == (
        True, "transfer", "placed-elsewhere", True)
    assert v.placed.id == old.id and "旧园托育中心" in v.message and "转托" in v.message


def test_placed_elsewhere_with_a_hold_is_not_open(world):
    w = world
    reservations.place_hold(slot_id=w["there"].id, child_id=w["big"].id, parent=w["parent"])
    v = verdicts(w)[(w["toddler"].id, w["big"].id)]
    assert (v.open, v.action, v.reason, v.transfer_possible) == (
        False, None, "placed-elsewhere", False)
    assert "旧园托育中心" in v.message and "取消" in v.message


def test_a_pending_transfer_is_not_offered_a_second(world):
    w = world
    enrol(w["there"], w["parent"], w["big"])
    third = f.slot(f.centre(name="第三园"), capacity=2)
    reservations.place_hold(slot_id=third.id, child_id=w["big"].id, parent=w["parent"],
                            transfer=True)
    v = verdicts(w)[(w["toddler"].id, w["big"].id)]
    assert (v.open, v.transfer_possible) == (False, False)
    assert "尚未处理" in v.message


def test_full_or_queued_slots_point_to_the_waitlist(world):
    w = world
    full = f.slot(w["here"], capacity=0)
    v = eligibility([full], [w["big"]], w["parent"].id)[(full.id, w["big"].id)]
    assert (v.open, v.action, v.reason) == (False, "waitlist", "full")
    other = f.user()
    waitlists.join(slot_id=full.id, child_id=f.child(other).id, parent=other)
    v = eligibility([full], [w["big"]], w["parent"].id)[(full.id, w["big"].id)]
    assert v.action == "waitlist"
    waitlists.join(slot_id=full.id, child_id=w["big"].id, parent=w["parent"])
    v = eligibility([full], [w["big"]], w["parent"].id)[(full.id, w["big"].id)]
    assert (v.action, v.reason) == (None, "waiting-here")


@pytest.fixture
def twins(world):
    first = children.add_child(world["parent"], name="双胞甲", birth_date=date(2025, 8, 1))
    second = children.add_child(world["parent"], name="双胞乙", birth_date=date(2025, 8, 1),
                                twin_of=first.id)
    return first, second


def test_twins_are_told_they_hold_together(world, twins):
    first, second = twins
    v = eligibility([world["toddler"]], [first], world["parent"].id)[
        (world["toddler"].id, first.id)]
    assert v.open and [m.id for m in v.together] == [second.id]
    assert "双胞乙" in v.note and "一起预约" in v.note


def test_a_twin_placed_elsewhere_closes_the_slot_to_both(world, twins):
    first, second = twins
    reservations.place_hold(slot_id=world["there"].id, child_id=second.id,
                            parent=world["parent"], with_multiples=False)
    v = eligibility([world["toddler"]], [first], world["parent"].id)[
        (world["toddler"].id, first.id)]
    assert (v.open, v.reason) == (False, "placed-elsewhere")
    assert v.message.startswith("双（多）胞胎须一起预约") and "双胞乙" in v.message


def test_twins_need_a_place_each(world, twins):
    first, _second = twins
    one_left = f.slot(world["here"], capacity=1)
    v = eligibility([one_left], [first], world["parent"].id)[(one_left.id, first.id)]
    assert (v.action, v.reason) == ("waitlist", "full")
    assert "只剩 1 个托位" in v.message and "2 个" in v.message


def test_the_verdict_agrees_with_place_hold(world):
    """What the page offers is what the service does."""
    w = world
    enrol(w["there"], w["parent"], w["big"])
    assert verdicts(w)[(w["toddler"].id, w["big"].id)].action == "transfer"
    hold = reservations.place_hold(slot_id=w["toddler"].id, child_id=w["big"].id,
                                   parent=w["parent"], transfer=True)
    assert hold.replaces_id is not None


# --- the API ---------------------------------------------------------------------------

def test_api_one_row_per_slot_and_child(client, world):
    w = world
    enrol(w["there"], w["parent"], w["big"])
    rows = client.get(f"/api/v1/centres/{w['here'].id}/eligibility",
                      headers=f.bearer(client, w["parent"])).get_json()
    got = {(r["slot_id"], r["child_id"]): r for r in rows}
    assert set(got) == {(s, k) for s in (w["toddler"].id, w["infant"].id)
                        for k in (w["big"].id, w["small"].id)}
    row = got[(w["toddler"].id, w["big"].id)]
    assert (row["open"], row["action"], row["reason"], row["transfer_possible"]) == (
        True, "transfer", "placed-elsewhere", True)
    assert row["placed"]["centre_name"] == "旧园托育中心" and row["placed"]["status"] == "enrolled"
    assert got[(w["toddler"].id, w["small"].id)]["reason"] == "age-band"


def test_api_one_child(client, world):
    w = world
    rows = client.get(f"/api/v1/centres/{w['here'].id}/eligibility?child_id={w['small'].id}",
                      headers=f.bearer(client, w["parent"])).get_json()
    assert {r["child_id"] for r in rows} == {w["small"].id} and len(rows) == 2


def test_api_only_the_childs_guardians(client, world):
    w = world
    url = f"/api/v1/centres/{w['here'].id}/eligibility"
    stranger = f.user()
    assert client.get(f"{url}?child_id={w['big'].id}",
                      headers=f.bearer(client, stranger)).status_code == 404
    assert client.get(url, headers=f.bearer(client, stranger)).get_json() == []
    staff = f.user("staff", centre_id=w["here"].id)
    assert client.get(url, headers=f.bearer(client, staff)).status_code == 403
    assert client.get(url).status_code == 401
    assert client.get(f"/api/v1/centres/999999/eligibility",
                      headers=f.bearer(client, w["parent"])).status_code == 404


# --- the page --------------------------------------------------------------------------

def page(client, w):
    login(client, w["parent"])
    resp = client.get(f"/centres/{w['here'].id}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_page_offers_only_children_it_is_open_to_and_says_why(client, world):
    w = world
    html = page(client, w)
    toddler_form = html.split(f'id="reserve-child-{w["toddler"].id}"')[1].split("</select>")[0]
    assert f'<option value="{w["big"].id}">大宝</option>' in toddler_form
    assert "小宝" not in toddler_form
    assert f'id="reserve-child-{w["infant"].id}"' not in html  # open to neither child
    assert "小宝 在 2027-03-01 时 5 个月" in html and "大宝 在 2027-03-01 时 18 个月" in html


def test_page_offers_a_transfer_for_a_child_enrolled_elsewhere(client, world, db):
    w = world
    old = enrol(w["there"], w["parent"], w["big"])
    html = page(client, w)
    assert "申请转托" in html and 'name="transfer" value="1"' in html
    assert "大宝 正在 旧园托育中心 在读" in html
    resp = client.post(f"/slots/{w['toddler'].id}/reserve",
                       data={"child_id": str(w["big"].id), "transfer": "1"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    hold = db.session.scalar(select(Reservation).where(
        Reservation.slot_id == w["toddler"].id, Reservation.child_id == w["big"].id))
    assert hold.status == "held" and hold.replaces_id == old.id
    html = client.get("/reservations").get_data(as_text=True)
    assert "已为 大宝 申请转托" in html


def test_page_names_the_twins(client, world, twins):
    html = page(client, world)
    assert "双胞甲 与 双胞乙 是双（多）胞胎" in html
    assert html.count("是双（多）胞胎") == 1  # one unit, said once (the infant slot fits neither)


def test_page_without_children_or_signed_out_is_unchanged(client, world):
    html = client.get(f"/centres/{world['here'].id}").get_data(as_text=True)
    assert "登录后预约" in html and "申请转托" not in html


# --- the reserve form: transfer and the already-placed refusal ---------------------------

def test_reserve_refused_already_placed_offers_the_transfer(client, world, db):
    w = world
    enrol(w["there"], w["parent"], w["big"])
    login(client, w["parent"])
    resp = client.post(f"/slots/{w['toddler'].id}/reserve", data={"child_id": str(w["big"].id)})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "这个孩子已有托位" in html and "大宝 正在 旧园托育中心 在读" in html
    assert 'name="transfer" value="1"' in html and "申请转托" in html
    assert db.session.scalar(select(Reservation).where(
        Reservation.slot_id == w["toddler"].id)) is None


def test_reserve_refused_already_placed_with_a_hold_says_cancel_it(client, world, db):
    w = world
    reservations.place_hold(slot_id=w["there"].id, child_id=w["big"].id, parent=w["parent"])
    login(client, w["parent"])
    resp = client.post(f"/slots/{w['toddler'].id}/reserve",
                       data={"child_id": str(w["big"].id), "transfer": "1"})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "旧园托育中心" in html and "请先在“我的预约”中取消原来的预约" in html
    assert 'href="/reservations"' in html and 'name="transfer" value="1"' not in html


def test_reserve_transfer_for_a_child_not_in_care_is_refused_in_words(client, world):
    w = world
    login(client, w["parent"])
    resp = client.post(f"/slots/{w['toddler'].id}/reserve",
                       data={"child_id": str(w["big"].id), "transfer": "1"})
    assert resp.status_code == 409
    assert "无需转托" in resp.get_data(as_text=True)
