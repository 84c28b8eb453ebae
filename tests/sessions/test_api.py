"""The sessions API: status codes, problem types, who sees what, idempotency, iCalendar,
and the OpenAPI document."""
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from booking import clock
from booking.extensions import db
from booking.sessions.models import CareSession, SessionBooking
from tests import factories as f
from tests.sessions.conftest import publish

PROBLEM = "https://tuowei.example/problems/"
SH = clock.LOCAL

BODY = {"kind": "occasional", "age_band": "toddler", "on_date": "2026-11-25",
        "start_time": "09:00", "end_time": "11:00", "capacity": 2, "price_per_hour_fen": 3000}


def assert_problem(resp, status, slug):
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.content_type == "application/problem+json"
    body = resp.get_json()
    assert body["type"] == PROBLEM + slug and body["status"] == status and body["title"]
    return body


@pytest.fixture
def w(world, client):
    world["hs"] = f.bearer(client, world["staff"])
    world["hp"] = f.bearer(client, world["parent"])
    return world


def make(client, w, **kw):
    resp = client.post(f"/api/v1/centres/{w['centre'].id}/sessions", json={**BODY, **kw},
                       headers=w["hs"])
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def book(client, w, session_id, child_id=None, headers=None, **kw):
    return client.post(f"/api/v1/sessions/{session_id}/bookings",
                       json={"child_id": child_id or w["kid"].id},
                       headers={**(headers or w["hp"]), **kw})


def test_publish_returns_a_list_in_beijing_time(client, w):
    [s] = make(client, w)
    assert s["starts_at"] == "2026-11-25T09:00:00+08:00"
    assert (s["capacity"], s["available"], s["price_fen"]) == (2, 2, 6000)
    assert s["cancel_cutoff_at"] == "2026-11-25T07:00:00+08:00"
    pattern = make(client, w, weekdays=[1, 5], repeat_weeks=2, on_date="2026-11-24")
    assert [p["starts_at"][:10] for p in pattern] == ["2026-11-27", "2026-11-30", "2026-12-04",
                                                     "2026-12-07"]
    assert len({p["pattern_id"] for p in pattern}) == 1


def test_publish_refusals(client, w):
    path = f"/api/v1/centres/{w['centre'].id}/sessions"
    body = assert_problem(client.post(path, json={**BODY, "end_time": "08:00"}, headers=w["hs"]),
                          422, "validation")
    assert "end" in body["errors"]
    body = assert_problem(client.post(path, json={**BODY, "capacity": "2"}, headers=w["hs"]),
                          422, "validation")
    assert "capacity" in body["errors"]
    assert_problem(client.post(path, json=BODY, headers=w["hp"]), 403, "forbidden")
    assert_problem(client.post(path, json=BODY), 401, "unauthorized")
    other = f.bearer(client, f.user("staff", centre_id=f.centre().id))
    assert_problem(client.post(path, json=BODY, headers=other), 404, "not-found")
    assert db.session.scalar(select(func.count(CareSession.id))) == 0


def test_book_201_and_every_refusal_type(client, w):
    [s] = make(client, w, capacity=1)
    resp = book(client, w, s["id"])
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert {"id", "status", "price_fen", "session_id", "child_id"} <= set(body)
    assert (body["status"], body["price_fen"], body["session_id"]) == ("booked", 6000, s["id"])
    assert_problem(book(client, w, s["id"]), 409, "already-reserved")
    other = f.user()
    kid2 = f.child(other)
    assert_problem(book(client, w, s["id"], kid2.id, f.bearer(client, other)), 409,
                   "session-full")
    [infant] = make(client, w, age_band="infant")
    assert_problem(book(client, w, infant["id"]), 422, "age-out-of-band")
    assert_problem(book(client, w, s["id"], kid2.id), 404, "not-found")  # not their child
    assert_problem(book(client, w, 999999), 404, "not-found")
    assert_problem(book(client, w, s["id"], headers=w["hs"]), 403, "forbidden")


def test_quota_and_no_show_problem_types(client, w, app):
    from booking.centres.models import CityPolicy
    db.session.add(CityPolicy(city="西安", session_quota_per_year=1))
    db.session.commit()
    [a] = make(client, w, subsidised=True)
    [b] = make(client, w, subsidised=True, on_date="2026-11-26")
    assert book(client, w, a["id"]).get_json()["price_fen"] == 0
    body = assert_problem(book(client, w, b["id"]), 409, "session-quota-exceeded")
    assert (body["quota"], body["used"], body["year"]) == (1, 1, 2026)
    app.config["TUOWEI_NO_SHOW_LIMIT"] = 1
    booking = db.session.scalar(select(SessionBooking))
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=SH))
    resp = client.post(f"/api/v1/session-bookings/{booking.id}/attendance",
                       json={"status": "no_show"}, headers=w["hs"])
    assert resp.status_code == 200 and resp.get_json()["status"] == "no_show"
    [c] = make(client, w, on_date="2026-11-27")
    assert_problem(book(client, w, c["id"]), 409, "no-show-limit")


def test_idempotency_key_replays_the_first_booking(client, w):
    [s] = make(client, w)
    first = book(client, w, s["id"], **{"Idempotency-Key": "k1"})
    again = book(client, w, s["id"], **{"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.get_json()["id"] == again.get_json()["id"]
    assert db.session.scalar(select(func.count(SessionBooking.id))) == 1


def test_cancel_at_and_after_the_cutoff(client, w):
    [s] = make(client, w)
    b1 = book(client, w, s["id"]).get_json()
    kid2 = f.child(w["parent"], birth_date=date(2025, 8, 1))
    b2 = book(client, w, s["id"], kid2.id).get_json()
    clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=SH))
    resp = client.post(f"/api/v1/session-bookings/{b1['id']}/cancel", headers=w["hp"])
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"
    clock.advance(timedelta(minutes=1))
    body = assert_problem(client.post(f"/api/v1/session-bookings/{b2['id']}/cancel",
                                      headers=w["hp"]), 409, "session-cancel-cutoff")
    assert body["cutoff_at"] == "2026-11-25T07:00:00+08:00"
    stranger = f.bearer(client, f.user())
    assert_problem(client.post(f"/api/v1/session-bookings/{b2['id']}/cancel", headers=stranger),
                   404, "not-found")
    assert client.post(f"/api/v1/session-bookings/{b2['id']}/cancel",
                       headers=w["hs"]).get_json()["status"] == "cancelled"


def test_attendance_before_start_is_409_and_bad_status_422(client, w):
    [s] = make(client, w)
    b = book(client, w, s["id"]).get_json()
    path = f"/api/v1/session-bookings/{b['id']}/attendance"
    assert_problem(client.post(path, json={"status": "attended"}, headers=w["hs"]), 409, "conflict")
    assert_problem(client.post(path, json={"status": "late"}, headers=w["hs"]), 422, "validation")
    assert_problem(client.post(path, json={"status": "attended"}, headers=w["hp"]), 403,
                   "forbidden")


def test_list_filters_and_has_places(client, w):
    [full] = make(client, w, capacity=1)
    [pc] = make(client, w, kind="parent_child", on_date="2026-11-28")
    book(client, w, full["id"])
    items = client.get("/api/v1/sessions").get_json()["items"]
    assert [i["id"] for i in items] == [full["id"], pc["id"]]
    assert [i["id"] for i in client.get("/api/v1/sessions?has_places=true").get_json()["items"]] \
        == [pc["id"]]
    assert [i["id"] for i in client.get("/api/v1/sessions?kind=parent_child").get_json()["items"]] \
        == [pc["id"]]
    assert client.get("/api/v1/sessions?from=2026-11-26&to=2026-11-28").get_json()["total"] == 1
    assert client.get("/api/v1/sessions?to=2026-11-25").get_json()["total"] == 1
    assert client.get(f"/api/v1/sessions?district_id={w['centre'].district_id}"
                      ).get_json()["total"] == 2
    assert client.get("/api/v1/sessions?district_id=999999").get_json()["total"] == 0
    assert_problem(client.get("/api/v1/sessions?from=2026-02-30"), 422, "validation")
    assert_problem(client.get("/api/v1/sessions?kind=party"), 422, "validation")
    # A cancelled session leaves the calendar but can still be read.
    client.post(f"/api/v1/sessions/{pc['id']}/cancel", headers=w["hs"])
    assert client.get("/api/v1/sessions").get_json()["total"] == 1
    assert client.get(f"/api/v1/sessions/{pc['id']}").get_json()["cancelled_at"]


def test_unapproved_centres_sessions_are_hidden_but_their_staff_see_them(client, w):
    draft = f.centre(approved=False)
    staff = f.user("staff", centre_id=draft.id)
    [s] = publish(draft, staff)
    assert client.get("/api/v1/sessions").get_json()["total"] == 0
    assert_problem(client.get(f"/api/v1/sessions/{s.id}"), 404, "not-found")
    assert client.get(f"/api/v1/sessions/{s.id}",
                      headers=f.bearer(client, staff)).status_code == 200


def test_patch_capacity_and_cancel_session(client, w):
    [s] = make(client, w, capacity=2)
    book(client, w, s["id"])
    kid2 = f.child(w["parent"], birth_date=date(2025, 8, 1))
    book(client, w, s["id"], kid2.id)
    path = f"/api/v1/sessions/{s['id']}"
    assert_problem(client.patch(path, json={"capacity": 1}, headers=w["hs"]), 409, "conflict")
    resp = client.patch(path, json={"capacity": 3}, headers=w["hs"])
    assert resp.status_code == 200 and resp.get_json()["available"] == 1
    other = f.bearer(client, f.user("staff", centre_id=f.centre().id))
    assert_problem(client.patch(path, json={"capacity": 4}, headers=other), 404, "not-found")
    resp = client.post(path + "/cancel", headers=w["hs"])
    assert resp.status_code == 200 and resp.get_json()["booked"] == 0
    assert_problem(client.post(path + "/cancel", headers=w["hs"]), 409, "conflict")
    mine = client.get("/api/v1/session-bookings", headers=w["hp"]).get_json()
    assert {i["status"] for i in mine["items"]} == {"cancelled"} and mine["total"] == 2


def test_booking_lists_are_scoped(client, w):
    [s] = make(client, w)
    book(client, w, s["id"])
    other_parent = f.bearer(client, f.user())
    other_staff = f.bearer(client, f.user("staff", centre_id=f.centre().id))
    assert client.get("/api/v1/session-bookings", headers=w["hp"]).get_json()["total"] == 1
    assert client.get("/api/v1/session-bookings", headers=w["hs"]).get_json()["total"] == 1
    assert client.get("/api/v1/session-bookings", headers=other_parent).get_json()["total"] == 0
    assert client.get("/api/v1/session-bookings", headers=other_staff).get_json()["total"] == 0
    assert client.get(f"/api/v1/session-bookings?session_id={s['id']}&status=booked",
                      headers=w["hs"]).get_json()["total"] == 1
    assert_problem(client.get("/api/v1/session-bookings"), 401, "unauthorized")


def test_ical_export_parses_with_beijing_times(client, w):
    [s] = make(client, w)
    [t] = make(client, w, on_date="2026-11-26", kind="parent_child")
    book(client, w, s["id"])
    b2 = book(client, w, t["id"]).get_json()
    client.post(f"/api/v1/session-bookings/{b2['id']}/cancel", headers=w["hp"])
    resp = client.get("/api/v1/session-bookings.ics", headers=w["hp"])
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    cal = Calendar.from_ical(resp.data)
    events = sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert len(events) == 2
    start = events[0].decoded("dtstart")
    assert start == datetime(2026, 11, 25, 9, 0, tzinfo=SH)
    assert str(events[0]["status"]) == "CONFIRMED" and str(events[1]["status"]) == "CANCELLED"
    assert "临时托育" in str(events[0]["summary"]) and w["kid"].name in str(events[0]["summary"])
    assert cal.walk("VTIMEZONE")
    assert_problem(client.get("/api/v1/session-bookings.ics", headers=w["hs"]), 403, "forbidden")


def test_openapi_documents_the_session_paths(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, method in [("/api/v1/sessions", "get"), ("/api/v1/sessions/{session_id}", "get"),
                         ("/api/v1/sessions/{session_id}", "patch"),
                         ("/api/v1/centres/{centre_id}/sessions", "post"),
                         ("/api/v1/sessions/{session_id}/cancel", "post"),
                         ("/api/v1/sessions/{session_id}/bookings", "post"),
                         ("/api/v1/session-bookings", "get"),
                         ("/api/v1/session-bookings.ics", "get"),
                         ("/api/v1/session-bookings/{booking_id}/cancel", "post"),
                         ("/api/v1/session-bookings/{booking_id}/attendance", "post")]:
        assert method in doc["paths"][path], (path, method)
    params = {p["name"] for p in doc["paths"]["/api/v1/sessions"]["get"]["parameters"]}
    assert {"district_id", "centre_id", "from", "to", "age_band", "kind", "has_places"} <= params
    booking = doc["paths"]["/api/v1/sessions/{session_id}/bookings"]["post"]
    assert {"201", "404", "409", "422"} <= set(booking["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in booking["parameters"])
