"""A suspended or closed centre shows no places and takes no holds or waits (issue 14,
item 5): its page says so and why, search lists it nowhere, the API reports 0 available for
its slots, and the API refuses a hold and a wait."""
import pytest

from booking.centres import services
from booking.centres.services import SearchFilters
from booking.extensions import db as _db
from booking.regulator import filing
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.waitlists.models import WaitlistEntry
from tests import factories as f


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302


@pytest.fixture(params=["suspend", "close"])
def stopped(request, db):
    """A centre with free places whose filing the regulator then suspends or closes; a
    family that held a place there (ended by the closure)."""
    c = f.centre(name="停办托育中心")
    s = f.slot(c, capacity=5)
    parent = f.user()
    kid = f.child(parent, name="小停")
    reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    filing.decide(c.filing.id, f.user("admin"), request.param, "消防检查不合格")
    return {"centre": c, "slot": s, "parent": parent, "kid": kid, "action": request.param}


def test_the_api_reports_no_places(client, stopped):
    c, s = stopped["centre"], stopped["slot"]
    detail = client.get(f"/api/v1/centres/{c.id}").get_json()
    assert detail["places_available"] == 0 and detail["taking_bookings"] is False
    assert detail["disclosure"]["places_available"] == 0
    assert detail["disclosure"]["places_total"] == 5  # the places it has, not offered
    slots = client.get(f"/api/v1/centres/{c.id}/slots").get_json()
    assert [(x["id"], x["available"], x["bookable"]) for x in slots] == [(s.id, 0, False)]
    found = client.get("/api/v1/centres", query_string={"q": c.name}).get_json()
    assert found["items"] == []


def test_search_lists_it_nowhere(db, stopped):
    rows, total = services.search_centres(SearchFilters(q="停办"))
    assert (rows, total) == ([], 0)
    rows, _ = services.search_centres(SearchFilters(has_places=True))
    assert stopped["centre"].id not in [c.id for c, _s, _p in rows]


def test_the_registry_lists_no_places(client, stopped):
    items = client.get("/registry.json").get_json()["items"]
    mine = next(i for i in items if i["id"] == stopped["centre"].id)
    assert mine["places_available"] == 0 and mine["taking_bookings"] is False


def test_the_page_says_it_takes_no_bookings_and_why(client, stopped):
    c, s = stopped["centre"], stopped["slot"]
    login(client, stopped["parent"])
    html = client.get(f"/centres/{c.id}").get_data(as_text=True)
    assert "不接受预约" in html
    why = "监管部门已暂停该机构的备案" if stopped["action"] == "suspend" else "该机构已注销备案"
    assert why in html and "也不列出空位" in html
    assert "余 5 个托位" not in html and "已满，可候补" not in html
    assert f"/slots/{s.id}/reserve" not in html and f"/slots/{s.id}/waitlist" not in html
    assert "当前空余 0 个" in html


def test_the_api_refuses_a_hold(client, stopped):
    parent, kid = stopped["parent"], stopped["kid"]
    before = _db.session.query(Reservation).count()
    resp = client.post("/api/v1/reservations", headers=f.bearer(client, parent),
                       json={"slot_id": stopped["slot"].id, "child_id": kid.id})
    assert resp.status_code == 409, resp.get_json()
    assert resp.get_json()["type"].endswith("/conflict")
    assert "不接受预约" in resp.get_json()["detail"]
    assert _db.session.query(Reservation).count() == before


def test_the_api_refuses_a_wait(client, stopped):
    other = f.user()
    kid = f.child(other)
    resp = client.post("/api/v1/waitlist", headers=f.bearer(client, other),
                       json={"slot_id": stopped["slot"].id, "child_id": kid.id})
    assert resp.status_code == 409, resp.get_json()
    assert "不接受预约" in resp.get_json()["detail"]
    assert _db.session.query(WaitlistEntry).count() == 0


def test_eligibility_says_why_for_every_slot(client, stopped):
    c, parent, kid = stopped["centre"], stopped["parent"], stopped["kid"]
    rows = client.get(f"/api/v1/centres/{c.id}/eligibility",
                      headers=f.bearer(client, parent)).get_json()
    assert [(r["child_id"], r["open"], r["action"], r["reason"]) for r in rows] == [
        (kid.id, False, None, "not-taking-bookings")]


def test_reinstated_it_shows_its_places_again(client, db):
    c = f.centre()
    f.slot(c, capacity=3)
    admin = f.user("admin")
    filing.decide(c.filing.id, admin, "suspend", "整改")
    assert client.get(f"/api/v1/centres/{c.id}").get_json()["places_available"] == 0
    filing.decide(c.filing.id, admin, "reinstate")
    detail = client.get(f"/api/v1/centres/{c.id}").get_json()
    assert detail["places_available"] == 3 and detail["taking_bookings"] is True
