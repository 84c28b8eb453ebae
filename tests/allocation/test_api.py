"""Allocation rounds (统一派位) through the JSON API, black-box, from the contract: creating and
opening a round, applying with ranked choices, closing, the draw and its published results,
and answering an offer.

The helpers at the top are shared with test_api_scope.py.
"""
import hashlib
import json
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.children import services as children
from booking.extensions import db as _db
from booking.reservations.models import Reservation
from tests import factories as f
from tests.conftest import NOW

PROBLEM = "https://tuowei.example/problems/"
REPO = Path(__file__).resolve().parents[2]

OPENS = NOW + timedelta(hours=1)
CLOSES = NOW + timedelta(days=2)
IN_WINDOW = OPENS + timedelta(minutes=5)
AFTER_WINDOW = CLOSES + timedelta(minutes=5)
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def iso(moment):
    """An ISO datetime with its offset, as a client in Beijing would send it."""
    return moment.astimezone(clock.LOCAL).isoformat()


def assert_problem(resp, status, slug):
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.content_type == "application/problem+json"
    body = resp.get_json()
    assert body["type"] == PROBLEM + slug and body["status"] == status, body
    return body


def ok(resp, status=200):
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()


class Api:
    """The round's endpoints, with a cache of bearer headers per user."""

    def __init__(self, client):
        self.client = client
        self._headers = {}

    def h(self, user):
        if user is None:
            return {}
        if user.id not in self._headers:
            self._headers[user.id] = f.bearer(self.client, user)
        return self._headers[user.id]

    def create(self, user, body):
        return self.client.post("/api/v1/rounds", json=body, headers=self.h(user))

    def get(self, rid, user=None):
        return self.client.get(f"/api/v1/rounds/{rid}", headers=self.h(user))

    def act(self, rid, action, user):
        return self.client.post(f"/api/v1/rounds/{rid}/{action}", headers=self.h(user))

    def apply(self, rid, user, child_id, choices, **extra):
        return self.client.post(f"/api/v1/rounds/{rid}/applications", headers=self.h(user),
                                json={"child_id": child_id, "choices": choices, **extra})

    def change(self, rid, app_id, user, choices):
        return self.client.put(f"/api/v1/rounds/{rid}/applications/{app_id}",
                               headers=self.h(user), json={"choices": choices})

    def answer(self, rid, app_id, user, verb):
        return self.client.post(f"/api/v1/rounds/{rid}/applications/{app_id}/{verb}",
                                headers=self.h(user))

    def results(self, rid, user=None):
        return self.client.get(f"/api/v1/rounds/{rid}/results", headers=self.h(user))

    def publication(self, rid, user=None):
        return self.client.get(f"/api/v1/rounds/{rid}/publication", headers=self.h(user))

    def reservation(self, res_id, user):
        return self.client.get(f"/api/v1/reservations/{res_id}", headers=self.h(user))

    def my_reservations(self, user, **query):
        return ok(self.client.get("/api/v1/reservations", query_string=query,
                                  headers=self.h(user)))["items"]


def round_body(slots, **kw):
    body = {"name": "2027年春季托位统一派位", "slot_ids": [s.id for s in slots],
            "opens_at": iso(OPENS), "closes_at": iso(CLOSES)}
    body.update(kw)
    return body


def world():
    """One district, two approved centres, two toddler slots starting 1 March 2027 (1 and 2
    places), its regulator, an admin and a parent with a child of 18 months on that date."""
    d = f.district()
    c1, c2 = f.centre(d), f.centre(d)
    s1 = f.slot(c1, capacity=1)
    s2 = f.slot(c2, capacity=2)
    parent = f.user(name="Parent Alpha Zhang")
    kid = f.child(parent, name="Kid Alpha Zhang")
    return SimpleNamespace(district=d, c1=c1, c2=c2, s1=s1, s2=s2, slots=[s1, s2],
                           reg=f.user("regulator", district_id=d.id), admin=f.user("admin"),
                           parent=parent, kid=kid)


def create_round(api, w, user=None, slots=None, **kw):
    return ok(api.create(user or w.reg, round_body(slots or w.slots, **kw)), 201)


def open_round(api, w, user=None, **kw):
    """A round created and opened by the district's regulator; the clock inside its window."""
    rid = create_round(api, w, user, **kw)["id"]
    ok(api.act(rid, "open", user or w.reg))
    clock.set(IN_WINDOW)
    return rid


def family(name, birth_date=date(2025, 9, 1)):
    parent = f.user(name=f"Parent {name}")
    return parent, f.child(parent, name=f"Kid {name}", birth_date=birth_date)


def twins(name):
    parent = f.user(name=f"Parent {name}")
    a = children.add_child(parent, name=f"Twin {name} One", birth_date=date(2025, 9, 1))
    b = children.add_child(parent, name=f"Twin {name} Two", birth_date=date(2025, 9, 1),
                           twin_of=a.id)
    return parent, a, b


def draw(api, w, rid, user=None):
    clock.set(AFTER_WINDOW)
    return ok(api.act(rid, "draw", user or w.reg))


def sha256_matches(seed, digest):
    """sha256(seed): over the seed as written, or over its bytes when the seed is hex."""
    candidates = {hashlib.sha256(str(seed).encode()).hexdigest()}
    try:
        candidates.add(hashlib.sha256(bytes.fromhex(str(seed))).hexdigest())
    except ValueError:
        pass
    return digest in candidates


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def w(app):
    return world()


# --- POST /rounds ---------------------------------------------------------------------------

def test_create_201_draft_with_defaults(api, w):
    resp = api.create(w.reg, round_body(w.slots))
    body = ok(resp, 201)
    assert body["name"] == "2027年春季托位统一派位"
    assert body["status"] == "draft" and body["seed_sha256"] is None
    assert sorted(body["slot_ids"]) == sorted(s.id for s in w.slots)
    assert body["max_choices"] == 5
    assert set(body["tiers"]) == {"closure_transfer", "sibling", "special_needs",
                                  "employer_staff", "second_third_child", "district_resident",
                                  "everyone"}
    assert datetime.fromisoformat(body["opens_at"]) == OPENS
    assert datetime.fromisoformat(body["closes_at"]) == CLOSES
    assert isinstance(body["id"], int)


def test_create_with_options(api, w):
    body = create_round(api, w, max_choices=2, tiers=["special_needs", "everyone"],
                        offer_days=3)
    assert body["max_choices"] == 2 and body["tiers"] == ["special_needs", "everyone"]
    assert body.get("offer_days", 3) == 3


@pytest.mark.parametrize("n", [1, 10])
def test_max_choices_bounds_are_allowed(api, w, n):
    assert create_round(api, w, max_choices=n)["max_choices"] == n


def test_admin_closes(api, w):
    rid = open_round(api, w)
    assert ok(api.act(rid, "close", w.admin))["status"] == "closed"


def test_admin_creates_over_any_slots(api, w):
    other = f.slot(f.centre(f.district()), capacity=1)
    body = create_round(api, w, user=w.admin, slots=[w.s1, w.s2, other])
    assert len(body["slot_ids"]) == 3


def test_city_and_national_regulators_create(api, w):
    city = f.user("regulator", city=w.district.city)
    assert api.create(city, round_body([w.s1])).status_code == 201
    national = f.user("regulator")
    assert api.create(national, round_body([w.s2])).status_code == 201


def test_create_needs_sign_in_and_a_regulator(api, w):
    assert_problem(api.create(None, round_body(w.slots)), 401, "unauthorized")
    assert_problem(api.create(w.parent, round_body(w.slots)), 403, "forbidden")
    staff = f.user("staff", centre_id=w.c1.id)
    assert_problem(api.create(staff, round_body(w.slots)), 403, "forbidden")


@pytest.mark.parametrize("case", [
    "empty_name", "blank_name", "no_slots", "unknown_slot", "market_slot", "two_intakes",
    "closes_equal", "closes_before", "max_choices_0", "max_choices_11", "unknown_tier",
])
def test_create_422(api, w, case):
    fields = {"empty_name": ("name",), "blank_name": ("name",), "no_slots": ("slot_ids",),
              "unknown_slot": ("slot_ids",), "market_slot": ("slot_ids",),
              "two_intakes": ("slot_ids",), "closes_equal": ("closes_at", "opens_at"),
              "closes_before": ("closes_at", "opens_at"), "max_choices_0": ("max_choices",),
              "max_choices_11": ("max_choices",), "unknown_tier": ("tiers",)}[case]
    slots = list(w.slots)
    extra = {}
    if case == "empty_name":
        extra["name"] = ""
    elif case == "blank_name":
        extra["name"] = "   "
    elif case == "no_slots":
        slots = []
    elif case == "unknown_slot":
        extra["slot_ids"] = [w.s1.id, 999999]
    elif case == "market_slot":
        slots.append(f.slot(w.c1, category="market"))
    elif case == "two_intakes":
        slots.append(f.slot(w.c1, starts_on=date(2027, 9, 1)))
    elif case == "closes_equal":
        extra["closes_at"] = iso(OPENS)
    elif case == "closes_before":
        extra["closes_at"] = iso(OPENS - timedelta(minutes=1))
    elif case == "max_choices_0":
        extra["max_choices"] = 0
    elif case == "max_choices_11":
        extra["max_choices"] = 11
    elif case == "unknown_tier":
        extra["tiers"] = ["everyone", "vip"]
    body = assert_problem(api.create(w.reg, round_body(slots, **extra)), 422, "validation")
    assert any(k.startswith(fields) for k in body.get("errors", {})), body


def test_affordable_slots_are_allowed(api, w):
    cheap = f.slot(w.c1, category="affordable", capacity=3)
    assert api.create(w.reg, round_body([cheap])).status_code == 201


def test_a_slot_in_another_draft_round_is_allowed(api, w):
    create_round(api, w)
    assert api.create(w.reg, round_body(w.slots)).status_code == 201


def test_a_slot_in_an_open_round_409(api, w):
    open_round(api, w)
    assert_problem(api.create(w.reg, round_body([w.s1])), 409, "conflict")


def test_a_slot_in_a_closed_round_409(api, w):
    rid = open_round(api, w)
    ok(api.act(rid, "close", w.reg))
    assert_problem(api.create(w.reg, round_body([w.s2])), 409, "conflict")


def test_a_slot_in_a_drawn_round_is_free_again(api, w):
    rid = open_round(api, w)
    draw(api, w, rid)
    later = {"opens_at": iso(AFTER_WINDOW + timedelta(hours=1)),
             "closes_at": iso(AFTER_WINDOW + timedelta(days=1))}
    assert api.create(w.reg, round_body([w.s1], **later)).status_code == 201


# --- GET /rounds/{id} and POST /rounds/{id}/open -----------------------------------------------

def test_a_draft_is_seen_by_its_regulator_and_admins_only(api, w):
    rid = create_round(api, w)["id"]
    assert ok(api.get(rid, w.reg))["status"] == "draft"
    assert ok(api.get(rid, w.admin))["status"] == "draft"
    assert_problem(api.get(rid), 404, "not-found")
    assert_problem(api.get(rid, w.parent), 404, "not-found")
    assert_problem(api.get(999999, w.admin), 404, "not-found")


def test_open_200_with_a_seed_commitment(api, w):
    rid = create_round(api, w)["id"]
    body = ok(api.act(rid, "open", w.reg))
    assert body["status"] == "open" and HEX64.match(body["seed_sha256"]), body
    public = ok(api.get(rid))  # anyone, no sign-in, once open
    assert public["status"] == "open" and public["seed_sha256"] == body["seed_sha256"]
    assert ok(api.get(rid, w.parent))["seed_sha256"] == body["seed_sha256"]


def test_admin_opens(api, w):
    rid = create_round(api, w)["id"]
    assert ok(api.act(rid, "open", w.admin))["status"] == "open"


def test_open_refusals(api, w):
    rid = create_round(api, w)["id"]
    assert_problem(api.act(rid, "open", w.parent), 403, "forbidden")
    assert_problem(api.act(rid, "open", None), 401, "unauthorized")
    ok(api.act(rid, "open", w.reg))
    assert_problem(api.act(rid, "open", w.reg), 409, "conflict")
    ok(api.act(rid, "close", w.reg))
    assert_problem(api.act(rid, "open", w.reg), 409, "conflict")


def test_status_reads_closed_once_closes_at_passed(api, w):
    rid = open_round(api, w)
    assert ok(api.get(rid))["status"] == "open"
    clock.set(AFTER_WINDOW)
    assert ok(api.get(rid))["status"] == "closed"


# --- applications ----------------------------------------------------------------------------

def test_apply_201(api, w):
    rid = open_round(api, w)
    resp = api.apply(rid, w.parent, w.kid.id, [w.s2.id, w.s1.id])
    body = ok(resp, 201)
    assert body["round_id"] == rid and body["child_id"] == w.kid.id
    assert body["choices"] == [w.s2.id, w.s1.id]
    assert (body["status"], body["size"], body["tier"]) == ("submitted", 1, "everyone")
    assert isinstance(body["priority"], int) and isinstance(body["id"], int)


def test_a_claimed_tier_ranks_higher(api, w):
    rid = open_round(api, w)
    plain = ok(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 201)
    parent, kid = family("Claimed")
    claimed = ok(api.apply(rid, parent, kid.id, [w.s1.id], tier="special_needs",
                           evidence="残疾证编号 123"), 201)
    assert claimed["tier"] == "special_needs"
    assert claimed["priority"] < plain["priority"]


def test_twins_apply_as_one_application(api, w):
    rid = open_round(api, w)
    parent, a, b = twins("Gemini")
    body = ok(api.apply(rid, parent, a.id, [w.s2.id]), 201)
    assert body["size"] == 2
    assert_problem(api.apply(rid, parent, b.id, [w.s2.id]), 409, "conflict")


def test_second_application_for_a_child_409(api, w):
    rid = open_round(api, w)
    ok(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 201)
    assert_problem(api.apply(rid, w.parent, w.kid.id, [w.s2.id]), 409, "conflict")


def test_apply_in_a_draft_409(api, w):
    rid = create_round(api, w)["id"]
    clock.set(IN_WINDOW)
    assert_problem(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 409, "round-closed")


def test_apply_before_opens_at_409(api, w):
    rid = create_round(api, w)["id"]
    ok(api.act(rid, "open", w.reg))  # the clock is still before opens_at
    assert_problem(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 409, "round-closed")


def test_apply_after_closes_at_409(api, w):
    rid = open_round(api, w)
    clock.set(AFTER_WINDOW)
    assert_problem(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 409, "round-closed")


def test_apply_after_close_409(api, w):
    rid = open_round(api, w)
    ok(api.act(rid, "close", w.reg))
    assert_problem(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 409, "round-closed")


@pytest.mark.parametrize("case", ["not_in_round", "repeated", "too_many", "none",
                                  "out_of_band"])
def test_apply_422(api, w, case):
    outside = f.slot(w.c1, capacity=4)
    third = f.slot(w.c2, capacity=4)
    rid = open_round(api, w, slots=[w.s1, w.s2, third], max_choices=2)
    kid = w.kid
    choices = {"not_in_round": [w.s1.id, outside.id], "repeated": [w.s1.id, w.s1.id],
               "too_many": [w.s1.id, w.s2.id, third.id], "none": [],
               "out_of_band": [w.s1.id]}[case]
    if case == "out_of_band":  # 9 months old on 1 March 2027: an infant, not a toddler
        kid = f.child(w.parent, birth_date=date(2026, 6, 1))
    assert_problem(api.apply(rid, w.parent, kid.id, choices), 422, "validation")


def test_no_application_for_a_centre_without_an_approved_filing(api, w):
    pending = f.slot(f.centre(w.district, approved=False), capacity=2)
    resp = api.create(w.reg, round_body([w.s1, pending]))
    if resp.status_code == 422:
        return  # refused up front: there is nothing to apply for
    rid = ok(resp, 201)["id"]
    ok(api.act(rid, "open", w.reg))
    clock.set(IN_WINDOW)
    assert api.apply(rid, w.parent, w.kid.id, [pending.id]).status_code in (409, 422)


def test_the_draw_offers_no_place_at_a_suspended_centre(api, w):
    from booking.regulator import filing as filings
    from booking.regulator.models import Filing
    rid = open_round(api, w)
    ok(api.apply(rid, w.parent, w.kid.id, [w.s1.id, w.s2.id]), 201)
    filing_id = _db.session.scalar(select(Filing.id).where(Filing.centre_id == w.c1.id))
    filings.decide(filing_id, f.user("regulator"), "suspend", reasons="消防检查不合格")
    draw(api, w, rid)
    item = ok(api.results(rid))["items"][0]
    assert item["slot_id"] != w.s1.id
    assert not [r for r in api.my_reservations(w.parent)
                if r["status"] == "held" and r["slot_id"] == w.s1.id]


def test_apply_for_someone_elses_child_404(api, w):
    rid = open_round(api, w)
    stranger = f.user()
    assert_problem(api.apply(rid, stranger, w.kid.id, [w.s1.id]), 404, "not-found")


def test_apply_as_staff_or_regulator_403(api, w):
    rid = open_round(api, w)
    staff = f.user("staff", centre_id=w.c1.id)
    for user in (staff, w.reg):
        assert_problem(api.apply(rid, user, w.kid.id, [w.s1.id]), 403, "forbidden")
    assert_problem(api.apply(rid, None, w.kid.id, [w.s1.id]), 401, "unauthorized")


def test_change_choices_while_open(api, w):
    rid = open_round(api, w)
    app_id = ok(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 201)["id"]
    body = ok(api.change(rid, app_id, w.parent, [w.s2.id, w.s1.id]))
    assert body["choices"] == [w.s2.id, w.s1.id] and body["id"] == app_id
    assert_problem(api.change(rid, app_id, w.parent, [w.s2.id, w.s2.id]), 422, "validation")
    assert_problem(api.change(rid, app_id, w.parent, []), 422, "validation")
    clock.set(AFTER_WINDOW)
    assert_problem(api.change(rid, app_id, w.parent, [w.s1.id]), 409, "round-closed")


def test_change_after_close_409(api, w):
    rid = open_round(api, w)
    app_id = ok(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 201)["id"]
    ok(api.act(rid, "close", w.reg))
    assert_problem(api.change(rid, app_id, w.parent, [w.s2.id]), 409, "round-closed")


# --- close and draw ---------------------------------------------------------------------------

def test_close_200_then_409(api, w):
    rid = create_round(api, w)["id"]
    assert_problem(api.act(rid, "close", w.reg), 409, "conflict")  # a draft
    ok(api.act(rid, "open", w.reg))
    assert_problem(api.act(rid, "close", w.parent), 403, "forbidden")
    assert ok(api.act(rid, "close", w.reg))["status"] == "closed"
    assert ok(api.get(rid))["status"] == "closed"
    assert_problem(api.act(rid, "close", w.admin), 409, "conflict")
    assert_problem(api.act(rid, "close", w.reg), 409, "conflict")


def test_draw_refused_before_close_and_a_second_time(api, w):
    rid = create_round(api, w)["id"]
    assert_problem(api.act(rid, "draw", w.reg), 409, "conflict")  # a draft
    ok(api.act(rid, "open", w.reg))
    clock.set(IN_WINDOW)
    assert_problem(api.act(rid, "draw", w.reg), 409, "conflict")  # still open
    assert_problem(api.results(rid), 409, "conflict")
    assert_problem(api.act(rid, "draw", w.parent), 403, "forbidden")
    ok(api.act(rid, "close", w.reg))
    assert ok(api.act(rid, "draw", w.reg))["status"] == "drawn"
    assert ok(api.get(rid))["status"] == "drawn"
    assert_problem(api.act(rid, "draw", w.reg), 409, "conflict")
    assert_problem(api.act(rid, "close", w.reg), 409, "conflict")


def test_draw_once_closes_at_passed_without_a_close(api, w):
    rid = open_round(api, w)
    ok(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 201)
    assert draw(api, w, rid, user=w.admin)["status"] == "drawn"


def test_each_offer_is_a_held_reservation_of_that_child(api, w):
    rid = open_round(api, w)
    app = ok(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 201)
    draw(api, w, rid)
    item = next(i for i in ok(api.results(rid))["items"] if i["application_id"] == app["id"])
    assert (item["slot_id"], item["choice_rank"]) == (w.s1.id, 1)
    res = ok(api.reservation(item["reservation_id"], w.parent))
    assert (res["status"], res["child_id"], res["slot_id"]) == ("held", w.kid.id, w.s1.id)
    expires = datetime.fromisoformat(res["expires_at"])
    assert AFTER_WINDOW < expires <= AFTER_WINDOW + timedelta(days=8)  # offer_days 7


def test_offer_days_sets_how_long_an_offer_is_held(api, w):
    rid = open_round(api, w, offer_days=2)
    ok(api.apply(rid, w.parent, w.kid.id, [w.s1.id]), 201)
    draw(api, w, rid)
    item = ok(api.results(rid))["items"][0]
    expires = datetime.fromisoformat(ok(api.reservation(item["reservation_id"],
                                                        w.parent))["expires_at"])
    assert AFTER_WINDOW < expires <= AFTER_WINDOW + timedelta(days=3)


# --- results and publication -------------------------------------------------------------------

def small_drawn_round(api, w):
    """Slots of 1 and 2 places; five applications (one of twins) wanting six places."""
    rid = open_round(api, w)
    s1, s2 = w.s1.id, w.s2.id
    apps, people = {}, []
    a = ok(api.apply(rid, w.parent, w.kid.id, [s1, s2]), 201)
    apps[a["id"]] = a
    people.append((w.parent, [w.kid]))
    for name, choices in (("Bravo Li", [s1, s2]), ("Charlie Wang", [s2, s1]),
                          ("Delta Chen", [s2])):
        parent, kid = family(name)
        a = ok(api.apply(rid, parent, kid.id, choices), 201)
        apps[a["id"]] = a
        people.append((parent, [kid]))
    tp, t1, t2 = twins("Echo Liu")
    a = ok(api.apply(rid, tp, t1.id, [s1, s2]), 201)
    assert a["size"] == 2
    apps[a["id"]] = a
    people.append((tp, [t1, t2]))
    draw(api, w, rid)
    return rid, apps, people


def key(item):
    return (item["priority"], item["lottery"])


@pytest.mark.parametrize("attempt", range(3))
def test_a_small_draw_keeps_its_properties(api, w, attempt):
    rid, apps, people = small_drawn_round(api, w)
    capacity = {w.s1.id: 1, w.s2.id: 2}
    res = ok(api.results(rid))
    items = res["items"]
    # every application appears once: at most one offer each
    assert sorted(i["application_id"] for i in items) == sorted(apps)
    by_app = {i["application_id"]: i for i in items}
    # no slot over its free places
    taken = {s: sum(apps[i["application_id"]]["size"] for i in items if i["slot_id"] == s)
             for s in capacity}
    assert all(taken[s] <= capacity[s] for s in capacity), taken
    for s, cap in capacity.items():
        held = _db.session.scalar(select(func.count(Reservation.id)).where(
            Reservation.slot_id == s, Reservation.status == "held"))
        assert held <= cap
    for app_id, item in by_app.items():
        app = apps[app_id]
        if item["slot_id"] is None:
            assert item["choice_rank"] is None and item["reservation_id"] is None
        else:
            assert app["choices"][item["choice_rank"] - 1] == item["slot_id"]
            assert item["reservation_id"] is not None
    # stable in (priority, lottery) order: refused a better choice only when it lacked room
    for app_id, item in by_app.items():
        app = apps[app_id]
        got = item["choice_rank"] or len(app["choices"]) + 1
        for s in app["choices"][:got - 1]:
            ahead = sum(apps[o["application_id"]]["size"] for o in items
                        if o["slot_id"] == s and key(o) < key(item))
            behind = [o for o in items if o["slot_id"] == s and key(o) > key(item)]
            if behind:
                assert capacity[s] - ahead < app["size"], (app_id, s, items)
            else:  # nobody behind took it: then it had no room left for this application
                assert capacity[s] - taken[s] < app["size"], (app_id, s, items)
    # the cutoff of a slot is the last one it admitted
    cutoffs = {c["slot_id"]: c for c in res["cutoffs"]}
    assert set(cutoffs) <= set(capacity)
    for s in capacity:
        admitted = [key(i) for i in items if i["slot_id"] == s]
        if admitted:
            assert (cutoffs[s]["priority"], cutoffs[s]["lottery"]) == max(admitted)
    # each offer is a hold for the child (for twins, both at the same slot)
    for parent, kids in people:
        mine = [r for r in api.my_reservations(parent) if r["status"] == "held"]
        app = next(a for a in apps.values() if a["child_id"] in {k.id for k in kids})
        item = by_app[app["id"]]
        if item["slot_id"] is None:
            assert mine == []
        else:
            assert sorted(r["child_id"] for r in mine) == sorted(k.id for k in kids)
            assert {r["slot_id"] for r in mine} == {item["slot_id"]}
            assert item["reservation_id"] in {r["id"] for r in mine}


def test_the_draw_counts_only_free_seats(api, w):
    """A child already in care at slot 2 (two places) leaves one: twins cannot have it."""
    other = f.user()
    _db.session.add(Reservation(slot_id=w.s2.id, child_id=f.child(other).id, parent_id=other.id,
                                status="enrolled", enrolled_at=NOW - timedelta(days=30)))
    _db.session.commit()
    rid = open_round(api, w)
    tp, t1, _ = twins("November Qian")
    gemini = ok(api.apply(rid, tp, t1.id, [w.s2.id]), 201)
    single = ok(api.apply(rid, w.parent, w.kid.id, [w.s2.id]), 201)
    draw(api, w, rid)
    items = {i["application_id"]: i for i in ok(api.results(rid))["items"]}
    assert items[gemini["id"]]["slot_id"] is None
    assert items[single["id"]]["slot_id"] == w.s2.id
    assert [r for r in api.my_reservations(tp) if r["status"] == "held"] == []


def test_results_are_public_and_name_nobody(api, w):
    rid, apps, people = small_drawn_round(api, w)
    resp = api.results(rid)  # no sign-in
    body = ok(resp)
    assert {"seed", "seed_sha256", "inputs_sha256", "items", "cutoffs"} <= set(body)
    assert HEX64.match(body["seed_sha256"]) and HEX64.match(body["inputs_sha256"])
    assert sha256_matches(body["seed"], body["seed_sha256"]), body["seed"]
    assert body["seed_sha256"] == ok(api.get(rid))["seed_sha256"]
    for item in body["items"]:
        assert {"application_id", "priority", "lottery", "slot_id", "choice_rank",
                "reservation_id"} <= set(item)
    text = resp.get_data(as_text=True) + json.dumps(body, ensure_ascii=False)
    for parent, kids in people:
        assert parent.email not in text and parent.name not in text
        for kid in kids:
            assert kid.name not in text


def test_results_are_the_same_for_every_reader(api, w):
    rid, _, _ = small_drawn_round(api, w)
    assert ok(api.results(rid)) == ok(api.results(rid, w.parent)) == ok(api.results(rid, w.reg))


def test_publication_verifies_offline(api, w, tmp_path):
    rid, apps, people = small_drawn_round(api, w)
    resp = api.publication(rid)  # no sign-in
    body = ok(resp)
    assert body["format"] == "tuowei-round/1"
    assert {"seed", "seed_sha256", "inputs", "inputs_sha256", "results"} <= set(body)
    results = ok(api.results(rid))
    assert (body["seed"], body["seed_sha256"], body["inputs_sha256"]) == (
        results["seed"], results["seed_sha256"], results["inputs_sha256"])
    text = resp.get_data(as_text=True) + json.dumps(body, ensure_ascii=False)
    for parent, kids in people:
        assert parent.email not in text and all(k.name not in text for k in kids)
    path = tmp_path / "round.json"
    path.write_bytes(resp.get_data())
    run = subprocess.run([sys.executable, "-m", "booking.allocation", "verify", str(path)],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_tampered_publication_fails_verification(api, w, tmp_path):
    rid, _, _ = small_drawn_round(api, w)
    body = ok(api.publication(rid))
    body["seed"] = "0" * len(str(body["seed"]))
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(body))
    run = subprocess.run([sys.executable, "-m", "booking.allocation", "verify", str(path)],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0, run.stdout + run.stderr


def test_publication_409_before_the_draw(api, w):
    rid = open_round(api, w)
    assert_problem(api.publication(rid), 409, "conflict")


# --- answering an offer ------------------------------------------------------------------------

def two_for_one(api, w):
    """Slot 1 (one place) is wanted by A alone and by B before slot 2: the draw decides who
    holds it; the other holds slot 2 (B) or nothing (A)."""
    rid = open_round(api, w)
    pa, ka = family("Foxtrot Sun")
    pb, kb = family("Golf Zhou")
    a = ok(api.apply(rid, pa, ka.id, [w.s1.id]), 201)
    b = ok(api.apply(rid, pb, kb.id, [w.s1.id, w.s2.id]), 201)
    draw(api, w, rid)
    items = {i["application_id"]: i for i in ok(api.results(rid))["items"]}
    return rid, {"a": (pa, ka, a, items[a["id"]]), "b": (pb, kb, b, items[b["id"]])}


def test_accept_200(api, w):
    rid, who = two_for_one(api, w)
    parent, kid, app, item = who["b"]  # B holds a place either way
    assert item["slot_id"] is not None
    assert ok(api.answer(rid, app["id"], parent, "accept"))["status"] == "accepted"


def test_decline_passes_the_place_to_the_next_who_ranked_it_higher(api, w):
    rid, who = two_for_one(api, w)
    winner, other = ("a", "b") if who["a"][3]["slot_id"] == w.s1.id else ("b", "a")
    assert who[winner][3]["slot_id"] == w.s1.id
    wp, _, wapp, witem = who[winner]
    body = ok(api.answer(rid, wapp["id"], wp, "decline"))
    assert body["status"] == "declined"
    assert ok(api.reservation(witem["reservation_id"], wp))["status"] == "cancelled"
    op, okid, _, _ = who[other]
    held = [r for r in api.my_reservations(op) if r["status"] == "held"
            and r["slot_id"] == w.s1.id]
    assert [r["child_id"] for r in held] == [okid.id]
    assert_problem(api.answer(rid, wapp["id"], wp, "decline"), 409, "conflict")
    assert_problem(api.answer(rid, wapp["id"], wp, "accept"), 409, "conflict")


def test_a_declined_place_skips_who_ranked_it_below_what_they_hold(api, w):
    """A alone wants slot 1; B wants slot 2 first and gets it. A declines: B ranked slot 1
    below slot 2, so nobody is offered slot 1."""
    rid = open_round(api, w)
    pa, ka = family("Lima Gao")
    pb, kb = family("Mike Luo")
    a = ok(api.apply(rid, pa, ka.id, [w.s1.id]), 201)
    b = ok(api.apply(rid, pb, kb.id, [w.s2.id, w.s1.id]), 201)
    draw(api, w, rid)
    items = {i["application_id"]: i for i in ok(api.results(rid))["items"]}
    assert (items[a["id"]]["slot_id"], items[b["id"]]["slot_id"]) == (w.s1.id, w.s2.id)
    assert ok(api.answer(rid, a["id"], pa, "decline"))["status"] == "declined"
    held = [(r["slot_id"], r["child_id"]) for r in api.my_reservations(pb) if r["status"] == "held"]
    assert held == [(w.s2.id, kb.id)]


def test_a_declined_place_goes_to_the_next_in_draw_order(api, w):
    """Three want slot 1 (one place) alone: when the one drawn first declines, the next in
    (priority, lottery) order holds it and the last still holds nothing."""
    rid = open_round(api, w)
    fams = [family(name) for name in ("Oscar Yu", "Papa He", "Quebec Lin")]
    apps = [ok(api.apply(rid, p, k.id, [w.s1.id]), 201)["id"] for p, k in fams]
    draw(api, w, rid)
    items = {i["application_id"]: i for i in ok(api.results(rid))["items"]}
    order = sorted(range(3), key=lambda n: key(items[apps[n]]))
    first, second, third = order
    assert items[apps[first]]["slot_id"] == w.s1.id
    resp = api.answer(rid, apps[first], fams[first][0], "decline")
    assert ok(resp)["status"] == "declined"
    held = [r["child_id"] for r in api.my_reservations(fams[second][0]) if r["status"] == "held"]
    assert held == [fams[second][1].id]
    assert [r for r in api.my_reservations(fams[third][0]) if r["status"] == "held"] == []


def test_twins_decline_together(api, w):
    rid = open_round(api, w)
    tp, t1, t2 = twins("Romeo Tang")
    app = ok(api.apply(rid, tp, t2.id, [w.s2.id]), 201)
    draw(api, w, rid)
    held = [r for r in api.my_reservations(tp) if r["status"] == "held"]
    assert sorted(r["child_id"] for r in held) == sorted([t1.id, t2.id])
    assert ok(api.answer(rid, app["id"], tp, "decline"))["status"] == "declined"
    assert {ok(api.reservation(r["id"], tp))["status"] for r in held} == {"cancelled"}


def test_answering_without_a_live_offer_409(api, w):
    rid = open_round(api, w)
    pa, ka = family("Hotel Wu")
    pb, kb = family("India Xu")
    a = ok(api.apply(rid, pa, ka.id, [w.s1.id]), 201)
    b = ok(api.apply(rid, pb, kb.id, [w.s1.id]), 201)
    # before the draw nobody has an offer
    assert_problem(api.answer(rid, a["id"], pa, "accept"), 409, "conflict")
    draw(api, w, rid)
    items = {i["application_id"]: i for i in ok(api.results(rid))["items"]}
    loser = a if items[a["id"]]["slot_id"] is None else b
    lp = pa if loser is a else pb
    assert items[loser["id"]]["slot_id"] is None
    assert_problem(api.answer(rid, loser["id"], lp, "accept"), 409, "conflict")
    assert_problem(api.answer(rid, loser["id"], lp, "decline"), 409, "conflict")
