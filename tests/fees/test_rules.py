"""Fee arithmetic, hand-computed (docs/fees.md)."""
from datetime import date

import pytest

from booking.fees import rules
from booking.fees.rules import prorate, reduction_fen, round_half_up
from tests import factories as f
from tests.fees.conftest import enrol, sibling


@pytest.mark.parametrize("base, pct, expected", [
    (180000, 10, 18000),   # 1,800 yuan × 10 % = 180 yuan
    (180000, 20, 36000),
    (123450, 10, 12345),   # 1,234.50 × 10 % = 123.45 yuan exactly
    (999, 15, 150),        # 149.85 fen → 150 (half up past .5)
    (50, 1, 1),            # 0.5 fen → 1 (a half rounds up)
    (49, 1, 0),            # 0.49 fen → 0
    (150, 1, 2),           # 1.5 fen → 2
    (180000, 0, 0),
    (180000, 100, 180000),
])
def test_reduction_rounds_half_up_to_the_fen(base, pct, expected):
    assert reduction_fen(base, pct) == expected


def test_round_half_up():
    assert [round_half_up(n, 2) for n in (1, 3, 5)] == [1, 2, 3]
    assert round_half_up(7, 3) == 2 and round_half_up(8, 3) == 3


@pytest.mark.parametrize("fee, days, dim, expected", [
    (180000, 30, 30, 180000),   # whole month
    (180000, 15, 30, 90000),    # half of November
    (180000, 10, 31, 58065),    # 1,800 × 10/31 = 580.645… → 580.65 yuan
    (162000, 1, 28, 5786),      # 1,620 × 1/28 = 57.857… → 57.86 yuan
    (100000, 16, 31, 51613),    # 516.129… → 516.13
    (100001, 1, 2, 50001),      # 500.005 → 500.01 (half up)
    (180000, 0, 30, 0),
    (180000, 40, 30, 180000),   # never more than the monthly fee
])
def test_proration_by_calendar_day(fee, days, dim, expected):
    assert prorate(fee, days, dim) == expected


def test_months():
    assert rules.parse_month("2026-11") == date(2026, 11, 1)
    for bad in ("2026-13", "2026-1", "26-11", "2026/11", "", "abcd-ef", "1999-12", None):
        assert rules.parse_month(bad) is None
    assert rules.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert rules.prev_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert rules.days_in_care(date(2027, 2, 1), date(2027, 2, 10), None) == 19
    assert rules.days_in_care(date(2026, 11, 1), date(2026, 9, 1), date(2026, 11, 15)) == 15
    assert rules.days_in_care(date(2026, 11, 1), date(2026, 12, 1), None) == 0


def test_first_second_third_child(world):
    p = world.parent
    eldest = sibling(p, date(2024, 3, 1))
    second = sibling(p, date(2025, 2, 1))
    third = sibling(p, date(2026, 1, 5))
    fees = [rules.fee_of(enrol(world.slot, p, c)) for c in (third, second, eldest)]
    # 1,800 yuan; second child 10 % off = 1,620; third 20 % off = 1,440.
    assert [(x.birth_order, x.reduction_pct, x.reduction_fen, x.monthly_fee_fen) for x in fees] == [
        (3, 20, 36000, 144000), (2, 10, 18000, 162000), (1, 0, 0, 180000)]


def test_older_child_counts_wherever_it_is(world):
    """The eldest is not enrolled anywhere: the younger is still the second child."""
    p = world.parent
    sibling(p, date(2024, 3, 1))
    younger = sibling(p, date(2025, 8, 1))
    fee = rules.fee_of(enrol(world.slot, p, younger))
    assert (fee.birth_order, fee.monthly_fee_fen) == (2, 162000)


def test_family_is_every_child_sharing_a_guardian(world, db):
    """Half-siblings through a shared guardian count; a stranger's child does not."""
    from booking.children.models import Guardianship
    mother, father = world.parent, f.user("parent")
    eldest = sibling(father, date(2023, 12, 1))   # father's child from before
    kid = sibling(mother, date(2025, 5, 1))
    db.session.add(Guardianship(child_id=kid.id, user_id=father.id, position=2))
    db.session.commit()
    sibling(f.user("parent"), date(2022, 1, 1))   # someone else's elder child
    assert [c.id for c in rules.family_of(kid.id)] == [eldest.id, kid.id]
    assert rules.fee_of(enrol(world.slot, mother, kid)).birth_order == 2


def test_twins_first_registered_is_first(world):
    p = world.parent
    a = sibling(p, date(2025, 4, 4))
    b = sibling(p, date(2025, 4, 4))
    ra, rb = enrol(world.slot, p, a), enrol(world.slot, p, b)
    assert (rules.fee_of(ra).monthly_fee_fen, rules.fee_of(rb).monthly_fee_fen) == (180000, 162000)


def test_city_without_reduction(app):
    p = f.user("parent")
    f.policy("白银")  # reductions default to 0
    c = f.centre(f.district(city="白银"))
    s = f.slot(c, fee=100000, starts_on=date(2026, 9, 1))
    sibling(p, date(2024, 1, 1))
    fee = rules.fee_of(enrol(s, p, sibling(p, date(2025, 6, 1))))
    assert (fee.birth_order, fee.reduction_pct, fee.monthly_fee_fen) == (2, 0, 100000)


def test_affordable_place_stays_within_the_cap(world, db):
    s = f.slot(world.centre, fee=170000, category="affordable", starts_on=date(2026, 9, 1))
    world.policy.cap_toddler_fen = 150000  # the cap was lowered after publishing
    db.session.commit()
    p = world.parent
    sibling(p, date(2024, 1, 1))
    fee = rules.fee_of(enrol(s, p, sibling(p, date(2025, 6, 1))))
    assert (fee.base_fee_fen, fee.reduction_fen, fee.monthly_fee_fen) == (150000, 15000, 135000)
    assert fee.monthly_fee_fen <= fee.base_fee_fen <= world.policy.cap_toddler_fen


def test_due_for_month_starts_and_leaves(world, db):
    p = world.parent
    s = f.slot(world.centre, fee=180000, starts_on=date(2026, 11, 16))
    r = enrol(s, p, sibling(p, date(2025, 3, 1)), on=date(2026, 11, 10))
    # care from 16 Nov: 15 of 30 days → 900 yuan; December whole.
    assert rules.due_for_month(r, date(2026, 11, 1))[:2] == (90000, 15)
    assert rules.due_for_month(r, date(2026, 12, 1))[0] == 180000
    assert rules.due_for_month(r, date(2026, 10, 1))[0] == 0
    r.status, r.leaves_on = "withdrawn", date(2026, 12, 10)
    db.session.commit()
    # December: 1–10 = 10 of 31 days → 580.65 yuan; January nothing.
    assert rules.due_for_month(r, date(2026, 12, 1)) == (58065, 10, 31)
    assert rules.due_for_month(r, date(2027, 1, 1))[0] == 0


def test_declared_older_siblings_set_the_birth_order(world, client, db):
    """Most older brothers and sisters are past the platform's age (it registers under-4s):
    the parent declares them, and the larger of declared and registered counts."""
    from booking.children import services as children
    from booking.errors import NotFound, ValidationFailed

    p = world.parent
    only = sibling(p, date(2025, 8, 1))
    r = enrol(world.slot, p, only)
    assert rules.fee_of(r).monthly_fee_fen == 180000
    children.set_older_siblings(only.id, p, 1)
    assert (rules.fee_of(r).birth_order, rules.fee_of(r).monthly_fee_fen) == (2, 162000)
    children.set_older_siblings(only.id, p, 4)
    assert (rules.fee_of(r).birth_order, rules.fee_of(r).monthly_fee_fen) == (5, 144000)
    # a registered older sibling does not add to a declaration that already counts it
    children.set_older_siblings(only.id, p, 1)
    sibling(p, date(2024, 3, 1))
    assert rules.fee_of(r).birth_order == 2
    for bad in (-1, 11):
        with pytest.raises(ValidationFailed):
            children.set_older_siblings(only.id, p, bad)
    with pytest.raises(NotFound):
        children.set_older_siblings(only.id, f.user("parent"), 2)
    db.session.refresh(only)
    assert only.older_siblings == 1


def test_older_siblings_on_the_family_page_and_the_api(world, client, db):
    from booking.children.models import Child

    p = world.parent
    client.post("/login", data={"login": p.email, "password": f.PASSWORD})
    resp = client.post("/family", data={"name": "王小二", "birth_date": "2025-08-01",
                                        "older_siblings": "1", "twin_of": ""})
    assert resp.status_code == 302
    kid = db.session.scalar(db.select(Child).where(Child.name == "王小二"))
    assert kid.older_siblings == 1
    resp = client.post(f"/children/{kid.id}/older-siblings", data={"older_siblings": "2"},
                       follow_redirects=True)
    assert "已保存：王小二 有 2 个年长的兄弟姐妹" in resp.get_data(as_text=True)
    resp = client.post(f"/children/{kid.id}/older-siblings", data={"older_siblings": "12"},
                       follow_redirects=True)
    assert "请填写 0 到 10 之间的整数" in resp.get_data(as_text=True)
    db.session.refresh(kid)
    assert kid.older_siblings == 2
    other = sibling(f.user("parent"), date(2025, 1, 1))
    assert client.post(f"/children/{other.id}/older-siblings",
                       data={"older_siblings": "1"}).status_code == 404
    h = f.bearer(client, p)
    resp = client.post("/api/v1/children", headers=h, json={
        "name": "王小三", "birth_date": "2026-01-01", "older_siblings": 3})
    assert resp.status_code == 201 and resp.get_json()["older_siblings"] == 3
    resp = client.post("/api/v1/children", headers=h, json={
        "name": "王小四", "birth_date": "2026-01-01", "older_siblings": 11})
    assert resp.status_code == 422
