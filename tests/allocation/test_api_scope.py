"""Allocation rounds: who may act on which round. A regulator acts on rounds over slots of its
jurisdiction only (others are 404, as if there were no such round; a slot outside it is an
unknown slot); staff never run rounds; a family answers for its own applications only."""
import pytest

from tests import factories as f
from tests.allocation.test_api import (AFTER_WINDOW, CLOSES, Api, assert_problem, clock,
                                       create_round, draw, family, ok, open_round, round_body,
                                       world)


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def w(app):
    w = world()
    w.near = f.district()  # same city, another district
    w.far = f.district(city="成都")
    w.stranger = f.user("regulator", district_id=w.near.id)
    w.other_city = f.user("regulator", city="成都")
    return w


def test_a_regulator_of_another_district_cannot_use_slots_outside_it(api, w):
    for reg, home in ((w.stranger, w.near), (w.other_city, w.far)):
        body = assert_problem(api.create(reg, round_body(w.slots)), 422, "validation")
        assert any(k.startswith("slot_ids") for k in body.get("errors", {})), body
        # one of its own slots does not carry a foreign one along
        own = f.slot(f.centre(home), capacity=2)
        assert api.create(reg, round_body([own])).status_code == 201
        assert_problem(api.create(reg, round_body([own, w.s1])), 422, "validation")


def test_a_foreign_slot_reads_like_an_unknown_one(api, w):
    foreign = assert_problem(api.create(w.stranger, round_body([w.s1])), 422, "validation")
    unknown = assert_problem(api.create(w.stranger, {**round_body([w.s1]),
                                                     "slot_ids": [999999]}), 422, "validation")
    assert foreign["errors"] == unknown["errors"]


def test_staff_cannot_create_even_for_their_own_centre(api, w):
    staff = f.user("staff", centre_id=w.c1.id)
    assert_problem(api.create(staff, round_body([w.s1])), 403, "forbidden")


def test_a_draft_outside_the_jurisdiction_is_not_found(api, w):
    rid = create_round(api, w)["id"]
    assert_problem(api.get(rid, w.stranger), 404, "not-found")
    staff = f.user("staff", centre_id=w.c1.id)
    assert_problem(api.get(rid, staff), 404, "not-found")


def test_open_outside_the_jurisdiction_404(api, w):
    rid = create_round(api, w)["id"]
    for reg in (w.stranger, w.other_city):
        assert_problem(api.act(rid, "open", reg), 404, "not-found")
    assert ok(api.get(rid, w.reg))["status"] == "draft"


def test_close_outside_the_jurisdiction_404(api, w):
    rid = open_round(api, w)
    for reg in (w.stranger, w.other_city):
        assert_problem(api.act(rid, "close", reg), 404, "not-found")
    assert ok(api.get(rid))["status"] == "open"


def test_draw_outside_the_jurisdiction_404(api, w):
    rid = open_round(api, w)
    ok(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 201)
    clock.set(AFTER_WINDOW)
    for reg in (w.stranger, w.other_city):
        assert_problem(api.act(rid, "draw", reg), 404, "not-found")
    assert ok(api.get(rid))["status"] == "closed"
    assert_problem(api.results(rid), 409, "conflict")


def test_city_and_national_regulators_run_a_district_round(api, w):
    city = f.user("regulator", city=w.district.city)
    rid = create_round(api, w)["id"]
    assert ok(api.act(rid, "open", city))["status"] == "open"
    clock.set(CLOSES)
    national = f.user("regulator")
    assert ok(api.act(rid, "draw", national))["status"] == "drawn"


def test_a_round_over_two_districts_belongs_to_a_regulator_of_both(api, w):
    """Admin-made round spanning two districts: neither district regulator holds all its
    slots, so neither may run it."""
    far = f.slot(f.centre(f.district()), capacity=1)
    rid = create_round(api, w, user=w.admin, slots=[w.s1, far])["id"]
    assert_problem(api.act(rid, "open", w.reg), 404, "not-found")
    assert ok(api.act(rid, "open", w.admin))["status"] == "open"


def test_staff_cannot_open_close_or_draw(api, w):
    rid = create_round(api, w)["id"]
    staff = f.user("staff", centre_id=w.c1.id)
    for action in ("open", "close", "draw"):
        assert api.act(rid, action, staff).status_code in (403, 404)


def test_a_parent_cannot_change_another_parents_application(api, w):
    rid = open_round(api, w)
    app_id = ok(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 201)["id"]
    other, _ = family("Juliet Ma")
    assert_problem(api.change(rid, app_id, other, [w.s2.id]), 404, "not-found")
    staff = f.user("staff", centre_id=w.c1.id)
    assert api.change(rid, app_id, staff, [w.s2.id]).status_code in (403, 404)


def test_an_application_belongs_to_its_round(api, w):
    first = open_round(api, w)
    app_id = ok(api.apply(first, w.parent, w.kid.id, [w.s1.id]), 201)["id"]
    third = f.slot(w.c1, capacity=3)
    second = create_round(api, w, slots=[third])["id"]
    ok(api.act(second, "open", w.reg))
    assert_problem(api.change(second, app_id, w.parent, [third.id]), 404, "not-found")


def test_a_parent_cannot_answer_another_parents_offer(api, w):
    rid = open_round(api, w)
    app_id = ok(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 201)["id"]
    draw(api, w, rid)
    other, _ = family("Kilo Hu")
    for verb in ("accept", "decline"):
        assert api.answer(rid, app_id, other, verb).status_code in (403, 404)
    assert ok(api.answer(rid, app_id, w.parent, "accept"))["status"] == "accepted"

