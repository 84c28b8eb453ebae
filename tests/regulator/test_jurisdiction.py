"""Regulators are held to their jurisdiction (docs/permissions.md): a district regulator sees
its district, a city regulator its city, a national regulator and an admin everything.
Outside the scope a record is missing (404 not-found) and lists hold only what is inside."""
import re
from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.centres.models import Centre
from booking.health import services as health
from booking.reservations import services as reservations
from booking.sessions import services as sessions
from booking.waitlists import services as waitlists
from tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def login(client, user):
    resp = client.post("/login", data={"login": user.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:400]


def _family_at(app, centre, staff, tag):
    """A held place, a waiting child, a session booking and a health check with its
    attachment, all at `centre`."""
    slot = f.slot(centre, capacity=1)
    parent = f.user()
    kid = f.child(parent, name=f"孩子{tag}")
    hold = reservations.place_hold(slot_id=slot.id, child_id=kid.id, parent=parent)
    waiting = f.child(parent, name=f"候补{tag}")
    [entry] = waitlists.join(slot_id=slot.id, child_id=waiting.id, parent=parent)
    [session] = sessions.publish(centre, sessions.SessionSpec(
        kind="occasional", age_band="toddler", on_date=date(2026, 11, 25), start=time(9),
        end=time(11), capacity=3, price_per_hour_fen=3000), actor=staff)
    booking = sessions.book(session_id=session.id, child_id=kid.id, parent=parent)
    check = health.submit(kid.id, parent, examined_on=date(2026, 11, 20), institution="妇幼保健院",
                          result="pass", vaccination_verified=True, findings=f"FINDING-{tag}",
                          attachment=(f"{tag.lower():0>32}.png", "image/png", len(PNG)))
    folder = Path(app.config["TUOWEI_UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / check.attachment_path).write_bytes(PNG)
    return {"centre": centre, "hold": hold, "entry": entry, "booking": booking, "check": check,
            "kid": kid}


@pytest.fixture
def world(app):
    a1, a2 = f.district(city="西安"), f.district(city="西安")
    b1 = f.district(city="大连")
    places = {}
    for tag, d in (("A1", a1), ("A2", a2), ("B1", b1)):
        c = f.centre(d, name=f"中心{tag}")
        places[tag] = _family_at(app, c, f.user("staff", centre_id=c.id), tag)
    return {
        "districts": {"A1": a1, "A2": a2, "B1": b1}, **places,
        "district_reg": f.user("regulator", district_id=a1.id),
        "city_reg": f.user("regulator", city="西安"),
        "national_reg": f.user("regulator", national=True),
        "admin": f.user("admin"),
    }


# Which of the three places each account's scope holds.
SEES = {"district_reg": {"A1"}, "city_reg": {"A1", "A2"},
        "national_reg": {"A1", "A2", "B1"}, "admin": {"A1", "A2", "B1"}}
ACCOUNTS = list(SEES)


def _ids(items):
    return {i["id"] for i in items}


@pytest.mark.parametrize("who", ACCOUNTS)
def test_reservation_list_holds_only_the_scope(client, world, who):
    headers = f.bearer(client, world[who])
    got = client.get("/api/v1/reservations?per_page=100", headers=headers).get_json()
    assert _ids(got["items"]) == {world[t]["hold"].id for t in SEES[who]}
    assert got["total"] == len(SEES[who])


def test_reservation_list_filters_for_admins_and_regulators(client, world):
    admin = f.bearer(client, world["admin"])
    a1, a2, b1 = world["A1"], world["A2"], world["B1"]

    def ids(query, headers=admin):
        resp = client.get(f"/api/v1/reservations?{query}", headers=headers)
        assert resp.status_code == 200, resp.get_json()
        return _ids(resp.get_json()["items"])

    assert ids("city=大连") == {b1["hold"].id}
    assert ids(f"centre_id={a2['centre'].id}") == {a2["hold"].id}
    assert ids(f"district={world['districts']['A1'].code}&status=held") == {a1["hold"].id}
    assert ids("status=enrolled") == set()
    # a filter never widens a regulator's scope
    city = f.bearer(client, world["city_reg"])
    assert ids(f"centre_id={b1['centre'].id}", city) == set()
    assert ids("city=大连", city) == set()
    spec = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"] for p in spec["paths"]["/api/v1/reservations"]["get"]["parameters"]}
    assert {"centre_id", "district", "city", "status"} <= params


def _problem(resp, status, slug):
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["type"].endswith(slug)


@pytest.mark.parametrize("who", ACCOUNTS)
def test_items_outside_the_scope_are_missing(client, world, who):
    headers = f.bearer(client, world[who])
    for tag in ("A1", "A2", "B1"):
        p = world[tag]
        urls = [f"/api/v1/reservations/{p['hold'].id}",
                f"/api/v1/reservations/{p['hold'].id}/fee",
                f"/api/v1/waitlist/{p['entry'].id}",
                f"/api/v1/session-bookings/{p['booking'].id}"]
        for url in urls:
            resp = client.get(url, headers=headers)
            if tag in SEES[who]:
                assert resp.status_code == 200, (url, resp.get_json())
            else:
                _problem(resp, 404, "not-found")
    inside = client.get(f"/api/v1/reservations/{world['A1']['hold'].id}", headers=headers)
    assert inside.get_json()["intake_check"]["check_id"] == world["A1"]["check"].id


@pytest.mark.parametrize("who", ACCOUNTS)
def test_session_booking_list_holds_only_the_scope(client, world, who):
    headers = f.bearer(client, world[who])
    got = client.get("/api/v1/session-bookings?per_page=100", headers=headers).get_json()
    assert _ids(got["items"]) == {world[t]["booking"].id for t in SEES[who]}
    if who == "admin":
        only = client.get(f"/api/v1/session-bookings?centre_id={world['B1']['centre'].id}",
                          headers=headers).get_json()
        assert _ids(only["items"]) == {world["B1"]["booking"].id}


@pytest.mark.parametrize("who", ["district_reg", "city_reg", "national_reg"])
def test_health_record_and_attachment_only_inside_the_scope(client, world, db, who):
    login(client, world[who])
    for tag in ("A1", "A2", "B1"):
        check = world[tag]["check"]
        asked = client.get(f"/health-checks/{check.id}")
        read = client.post(f"/health-checks/{check.id}", data={"reason": "投诉核查"})
        fetched = client.get(f"/health-checks/{check.id}/attachment")
        sent = client.post(f"/health-checks/{check.id}/attachment", data={"reason": "投诉核查"})
        if tag in SEES[who]:
            assert asked.status_code == 200 and f"FINDING-{tag}" not in asked.get_data(as_text=True)
            assert read.status_code == 200 and f"FINDING-{tag}" in read.get_data(as_text=True)
            assert fetched.status_code == 403  # inside the scope, a reason is still asked for
            assert sent.status_code == 200 and sent.data == PNG
        else:
            for resp in (asked, read, fetched, sent):
                assert resp.status_code == 404
                assert f"FINDING-{tag}".encode() not in resp.data
    # a regulator's reads (record and attachment) are logged against the centre that puts
    # the child in its scope
    reads = db.session.execute(select(AuditEvent.entity_id, AuditEvent.centre_id).where(
        AuditEvent.action == "health_check.read", AuditEvent.actor_id == world[who].id)).all()
    assert len(reads) == 2 * len(SEES[who])
    assert set(reads) == {(world[t]["check"].id, world[t]["centre"].id) for t in SEES[who]}


@pytest.mark.parametrize("who", ACCOUNTS)
def test_audit_search_hides_other_jurisdictions(client, world, db, who):
    login(client, world[who])
    page = "".join(_audit_pages(client, "/regulator/audit"))

    def event(action, entity):
        return db.session.scalar(select(AuditEvent.id).where(
            AuditEvent.action == action, AuditEvent.entity_id == entity.id))

    for tag in ("A1", "A2", "B1"):
        p = world[tag]
        shown = {f"中心{tag}" in page,  # centre.created names the centre
                 f'id="event-{event("reservation.held", p["hold"])}"' in page,
                 # no centre on the event: its child's stands for it
                 f'id="event-{event("health_check.submitted", p["check"])}"' in page,
                 f'id="event-{event("waitlist.joined", p["entry"])}"' in page}
        assert shown == {tag in SEES[who]}, (tag, shown)
    # naming another city's centre finds nothing either
    other = client.get(f"/regulator/audit?centre={world['B1']['centre'].id}").get_data(as_text=True)
    assert ("中心B1" in other) == ("B1" in SEES[who])
    # the centre picker offers the jurisdiction's centres only
    picker = other.split('id="a-centre"')[1].split("</select>")[0]
    assert {t for t in ("A1", "A2", "B1") if f"中心{t}" in picker} == SEES[who]


def _audit_pages(client, url):
    """Every page of the log, following its 下一页 links."""
    while url:
        page = client.get(url).get_data(as_text=True)
        yield page
        found = re.search(r'href="([^"]+)" rel="next"', page)
        url = found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.parametrize("who, district, created", [
    ("district_reg", "A1", True), ("district_reg", "A2", False), ("district_reg", "B1", False),
    ("city_reg", "A2", True), ("city_reg", "B1", False),
    ("national_reg", "B1", True), ("admin", "B1", True)])
def test_centre_creation_only_inside_the_scope(client, world, db, who, district, created):
    before = db.session.scalar(select(func.count(Centre.id)))
    resp = client.post("/api/v1/centres", headers=f.bearer(client, world[who]), json={
        "name": "新中心", "kind": "public", "district": world["districts"][district].code,
        "subdistrict": "测试街道", "address": "测试路1号", "affordable": True})
    after = db.session.scalar(select(func.count(Centre.id)))
    if created:
        assert resp.status_code == 201, resp.get_json()
        assert after == before + 1
    else:
        _problem(resp, 403, "forbidden")
        assert after == before


def test_regulator_pages_outside_the_scope_are_missing(client, world):
    login(client, world["district_reg"])
    b1 = world["B1"]["centre"]
    assert client.get(f"/regulator/filings/{b1.filing.id}").status_code == 404
    assert client.get(f"/regulator/centres/{b1.id}/inspections").status_code == 404
    a1 = world["A1"]["centre"]
    assert client.get(f"/regulator/filings/{a1.filing.id}").status_code == 200
    names = client.get("/regulator/filings").get_data(as_text=True)
    assert "中心A1" in names and "中心A2" not in names and "中心B1" not in names
