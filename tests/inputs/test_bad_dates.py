"""Dates far outside the service's years and decimals that are not numbers, typed into every
date and decimal field of the pages and the API: a clear 4xx answer (422 naming the field, or
the page with its message), never a 500, and nothing written (issue #12, item 7)."""
from datetime import date, time

import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.regulator import inspections
from booking.reservations import services as reservations
from booking.sessions import services as sessions
from tests import factories as f

BAD_DATES = ["9999-12-31", "0001-01-01"]
BAD_DECIMALS = ["sNaN", "NaN", "Infinity", "-Infinity", "1e999999", "-1e999999"]
SCORES = {"conditions": 100, "staff": 140, "care": 200, "health": 210, "parenting": 80,
          "safety": 200, "management": 70}


@pytest.fixture
def world(app):
    c = f.centre()
    g = f.group(c)
    s = f.slot(c, capacity=3)
    parent = f.user()
    kid = f.child(parent)
    staff = f.user("staff", centre_id=c.id)
    reg = f.user("regulator")
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    session = sessions.publish(c, sessions.SessionSpec(
        kind="occasional", age_band="toddler", on_date=date(2026, 11, 25), start=time(9, 0),
        end=time(11, 0), capacity=5, price_per_hour_fen=3000), actor=staff)[0]
    inspection = inspections.record_inspection(c.id, reg, inspected_on=date(2026, 11, 20),
                                               scores=SCORES)
    return {"centre": c, "group": g, "slot": s, "parent": parent, "kid": kid, "staff": staff,
            "reg": reg, "hold": hold, "session": session, "inspection": inspection}


def client_for(app, user):
    c = app.test_client()
    resp = c.post("/login", data={"login": user.email, "password": f.PASSWORD})
    assert resp.status_code == 302
    return c


# (who, method, url, the rest of a good form, the field under test, "date" or "decimal")
def web_cases(w):
    c, hold, s = w["centre"], w["hold"], w["slot"]
    slot_form = {"group_id": "", "age_band": "toddler", "care_type": "full_day",
                 "category": "public", "capacity": "3", "monthly_fee": "1800",
                 "starts_on": "2027-03-01"}
    session_form = {"kind": "occasional", "age_band": "toddler", "group_id": "",
                    "on_date": "2026-12-02", "start": "09:00", "end": "11:00", "capacity": "5",
                    "price_per_hour": "30", "repeat_weeks": "1"}
    check_form = {"institution": "雁塔区妇幼保健院", "examined_on": "2026-11-20",
                  "height_cm": "86.5", "weight_kg": "12.30", "result": "pass"}
    return [
        ("parent", "POST", "/family", {"name": "小明", "birth_date": "2025-01-01"}, "birth_date", "date"),
        ("anon", "GET", "/sessions", {}, "week", "date"),
        ("parent", "POST", f"/reservations/{hold.id}/withdraw",
         {"on_date": "2026-11-30", "reason": "搬家"}, "on_date", "date"),
        ("parent", "POST", f"/children/{w['kid'].id}/health", check_form, "examined_on", "date"),
        ("parent", "POST", f"/children/{w['kid'].id}/health", check_form, "height_cm", "decimal"),
        ("parent", "POST", f"/children/{w['kid'].id}/health", check_form, "weight_kg", "decimal"),
        ("staff", "POST", "/staff/fees", {"parent_id": str(w["parent"].id), "amount": "100",
                                          "received_on": "2026-11-20"}, "amount", "decimal"),
        ("staff", "POST", "/staff/fees", {"parent_id": str(w["parent"].id), "amount": "100",
                                          "received_on": "2026-11-20"}, "received_on", "date"),
        ("staff", "POST", f"/staff/reservations/{hold.id}/extend", {}, "until", "date"),
        ("staff", "POST", "/staff/team/new", {"name": "李老师", "role": "carer"},
         "certificate_expires_on", "date"),
        ("staff", "POST", "/staff/team/new", {"name": "李老师", "role": "carer"},
         "health_cert_expires_on", "date"),
        ("staff", "POST", "/staff/team/new", {"name": "李老师", "role": "carer"},
         "background_checked_on", "date"),
        ("staff", "POST", "/staff/roster/shifts", {"starts": "08:00", "ends": "12:00"}, "day", "date"),
        ("staff", "GET", "/staff/roster", {}, "week", "date"),
        ("staff", "POST", "/staff/slots", slot_form, "starts_on", "date"),
        ("staff", "POST", "/staff/slots", slot_form, "monthly_fee", "decimal"),
        ("staff", "POST", f"/staff/slots/{s.id}", {"capacity": "3"}, "monthly_fee", "decimal"),
        ("staff", "POST", "/staff/sessions", session_form, "on_date", "date"),
        ("staff", "POST", "/staff/sessions", session_form, "price_per_hour", "decimal"),
        ("staff", "POST", f"/staff/sessions/{w['session'].id}", {"capacity": "5"},
         "price_per_hour", "decimal"),
        ("staff", "POST", f"/staff/attendance/{hold.id}/arrive", {"result": "pass"},
         "temperature_c", "decimal"),
        ("staff", "GET", "/staff/attendance", {}, "date", "date"),
        ("reg", "GET", "/regulator/audit", {}, "from", "date"),
        ("reg", "GET", "/regulator/audit", {}, "to", "date"),
        ("reg", "POST", f"/regulator/centres/{c.id}/inspections",
         dict(SCORES, inspected_on="2026-11-20"), "inspected_on", "date"),
        ("reg", "POST", f"/regulator/centres/{c.id}/inspections",
         dict(SCORES, inspected_on="2026-11-20"), "fix_deadline", "date"),
        ("reg", "POST", f"/regulator/inspections/{w['inspection'].id}/follow-up", {},
         "on_date", "date"),
    ]


def audit_count(db):
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_every_date_and_decimal_field_refuses_nonsense(app, db, world):
    clients = {"anon": app.test_client()}
    for who in ("parent", "staff", "reg"):
        clients[who] = client_for(app, world[who])
    failures = []
    for who, method, url, form, field, kind in web_cases(world):
        for value in BAD_DATES if kind == "date" else BAD_DECIMALS:
            before = audit_count(db)
            data = dict(form, **{field: value})
            if method == "GET":
                resp = clients[who].get(url, query_string=data)
            else:
                resp = clients[who].post(url, data=data)
            if resp.status_code >= 500 or audit_count(db) != before:
                failures.append((method, url, field, value, resp.status_code))
    assert failures == []


def test_a_bad_date_is_named_on_the_form(app, world):
    c = client_for(app, world["parent"])
    resp = c.post("/family", data={"name": "小明", "birth_date": "9999-12-31"})
    assert resp.status_code == 422
    assert "1900-01-01" in resp.get_data(as_text=True)


def test_a_bad_decimal_is_named_on_the_form(app, world):
    c = client_for(app, world["staff"])
    resp = c.post("/staff/slots", data={"age_band": "toddler", "care_type": "full_day",
                                        "category": "public", "capacity": "3",
                                        "monthly_fee": "sNaN", "starts_on": "2027-03-01"})
    assert resp.status_code == 422
    assert "月费应为数字" in resp.get_data(as_text=True)


def api_cases(w):
    c = w["centre"]
    session = {"kind": "occasional", "age_band": "toddler", "on_date": "2026-12-02",
               "start": "09:00", "end": "11:00", "capacity": 5, "price_per_hour_fen": 3000}
    slot = {"age_band": "toddler", "care_type": "full_day", "category": "public", "capacity": 2,
            "monthly_fee_fen": 180000, "starts_on": "2027-03-01"}
    return [
        ("parent", "GET", "/api/v1/sessions", {}, "from"),
        ("parent", "GET", "/api/v1/sessions", {}, "to"),
        ("parent", "POST", "/api/v1/children", {"name": "小明", "birth_date": "2025-01-01"}, "birth_date"),
        ("parent", "POST", f"/api/v1/children/{w['kid'].id}/health-checks",
         {"examined_on": "2026-11-20", "institution": "妇幼保健院", "result": "pass"}, "examined_on"),
        ("parent", "POST", f"/api/v1/reservations/{w['hold'].id}/withdraw",
         {"on_date": "2026-11-30", "reason": "搬家"}, "on_date"),
        ("staff", "POST", f"/api/v1/centres/{c.id}/sessions", session, "on_date"),
        ("staff", "POST", f"/api/v1/centres/{c.id}/slots", slot, "starts_on"),
        ("staff", "POST", f"/api/v1/centres/{c.id}/payments",
         {"parent_id": w["parent"].id, "amount_fen": 10000}, "received_on"),
        ("staff", "POST", f"/api/v1/centres/{c.id}/staff", {"name": "李老师", "role": "carer"},
         "certificate_expires_on"),
        ("staff", "GET", f"/api/v1/centres/{c.id}/ratio-check", {}, "date"),
        ("staff", "GET", f"/api/v1/centres/{c.id}/shifts", {}, "week"),
        ("staff", "GET", "/api/v1/session-bookings", {}, "from"),
    ]


def test_api_dates_out_of_range_are_422(app, db, world, client):
    headers = {who: f.bearer(client, world[who]) for who in ("parent", "staff")}
    failures = []
    for who, method, url, body, field in api_cases(world):
        for value in BAD_DATES:
            before = audit_count(db)
            if method == "GET":
                resp = client.get(url, query_string={field: value}, headers=headers[who])
            else:
                resp = client.post(url, json=dict(body, **{field: value}), headers=headers[who])
            if resp.status_code >= 500 or audit_count(db) != before or (
                    resp.status_code == 422 and field not in resp.get_json().get("errors", {})):
                failures.append((method, url, field, value, resp.status_code))
    assert failures == []


def test_api_session_list_names_the_range(client, world):
    resp = client.get("/api/v1/sessions?to=9999-12-31")
    assert resp.status_code == 422
    assert resp.content_type == "application/problem+json"
    assert "2100-12-31" in resp.get_json()["errors"]["to"][0]


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+08:00"])
def test_api_instants_out_of_range_are_422(client, world, moment):
    resp = client.post(f"/api/v1/reservations/{world['hold'].id}/extend",
                       json={"expires_at": moment}, headers=f.bearer(client, world["staff"]))
    assert resp.status_code == 422
    assert "expires_at" in resp.get_json()["errors"]


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e999999"])
def test_api_non_finite_numbers_are_422(client, world, raw):
    body = ('{"examined_on": "2026-11-20", "institution": "x", "result": "pass", '
            f'"height_cm": {raw}}}')
    resp = client.post(f"/api/v1/children/{world['kid'].id}/health-checks", data=body,
                       content_type="application/json", headers=f.bearer(client, world["parent"]))
    assert resp.status_code == 422, resp.get_json()
    assert "height_cm" in resp.get_json()["errors"]
