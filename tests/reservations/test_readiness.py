"""A hold says what it still needs (入托体检 valid on the start date), and a centre can keep a
place longer when the start is further ahead than a check stays valid (90 days)."""
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.clock import LOCAL
from booking.errors import Conflict, ValidationFailed
from booking.extensions import db as _db
from booking.health import services as health
from booking.health.models import HealthCheck
from booking.reservations import services as reservations
from booking.reservations import enrolment
from tests import factories as f
from tests.reservations.test_api import assert_problem


@pytest.fixture
def w(client):
    c = f.centre(name="远期托育")
    s = f.slot(c, capacity=2, starts_on=date(2027, 3, 1))  # 98 days after NOW
    parent = f.user()
    kid = f.child(parent, name="李小宝")
    staff = f.user("staff", centre_id=c.id)
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    return {"c": c, "s": s, "parent": parent, "kid": kid, "staff": staff, "r": r}


def add_check(w, examined_on, *, result="pass", status="verified", vaccination=True):
    check = HealthCheck(child_id=w["kid"].id, examined_on=examined_on, institution="妇幼保健院",
                        result=result, vaccination_verified=vaccination, status=status,
                        valid_until=examined_on + timedelta(days=90),
                        submitted_by=w["parent"].id)
    _db.session.add(check)
    _db.session.commit()
    return check


def state(w):
    return health.intake_readiness(w["kid"].id, w["s"])


def test_readiness_walks_through_every_state(w):
    rd = state(w)
    assert (rd.state, rd.earliest_exam_on) == ("missing", date(2026, 12, 1))
    add_check(w, date(2026, 11, 20))  # valid until 2027-02-18, before the start
    assert state(w).state == "expires_before_start"
    clock.set(datetime(2026, 12, 2, 2, tzinfo=clock.now().tzinfo))
    add_check(w, date(2026, 12, 1), result="follow_up", status="submitted")
    assert state(w).state == "not_passed"
    add_check(w, date(2026, 12, 2), vaccination=False, status="submitted")
    assert state(w).state == "vaccination"
    newest = add_check(w, date(2026, 12, 2), status="submitted")
    assert state(w).state == "awaiting_verification"
    newest.status = "verified"
    _db.session.commit()
    assert state(w).state == "ready" and state(w).check.id == newest.id


def test_a_check_valid_exactly_to_the_start_date_is_ready(w):
    add_check(w, date(2026, 12, 1))  # valid_until 2027-03-01 == starts_on
    assert state(w).state == "ready"


def test_staff_extend_a_hold_up_to_the_end_of_the_start_date(w):
    r, staff = w["r"], w["staff"]
    until = datetime.combine(date(2027, 3, 2), time(), LOCAL)
    reservations.extend_hold(r.id, staff, until)
    _db.session.refresh(r)
    assert r.expires_at == until and r.reminded_at is None
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reservation.extended"))
    assert event.entity_id == r.id and event.actor_id == staff.id
    assert _db.session.scalar(select(Notification).where(
        Notification.user_id == w["parent"].id, Notification.kind == "hold_extended")) is not None
    # the hold now lasts until a check can cover the start, and then it can be confirmed
    clock.set(datetime(2026, 12, 10, 2, tzinfo=clock.now().tzinfo))
    add_check(w, date(2026, 12, 9))
    assert enrolment.confirm(r.id, staff).status == "enrolled"


def test_extension_refusals_change_nothing(w):
    r, staff = w["r"], w["staff"]
    before = r.expires_at
    past_start = datetime.combine(date(2027, 3, 2), time(0, 1), LOCAL)
    with pytest.raises(ValidationFailed) as err:
        reservations.extend_hold(r.id, staff, past_start)
    assert "2027-03-01" in err.value.message
    with pytest.raises(ValidationFailed):
        reservations.extend_hold(r.id, staff, before - timedelta(minutes=1))
    parent_try = pytest.raises(Exception)
    with parent_try:
        reservations.extend_hold(r.id, w["parent"], before + timedelta(days=1))
    _db.session.refresh(r)
    assert r.expires_at == before
    assert _db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "reservation.extended")) is None
    clock.advance(timedelta(hours=49))  # lapsed: too late to extend
    with pytest.raises(Conflict):
        reservations.extend_hold(r.id, staff, before + timedelta(days=5))


def test_extend_over_the_api(client, w):
    hs = f.bearer(client, w["staff"])
    rid = w["r"].id
    resp = client.post(f"/api/v1/reservations/{rid}/extend", headers=hs,
                       json={"expires_at": "2027-02-01T18:00:00+08:00"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["expires_at"] == "2027-02-01T18:00:00+08:00"
    body = assert_problem(client.post(f"/api/v1/reservations/{rid}/extend", headers=hs,
                                      json={"expires_at": "2027-04-01T00:00:00+08:00"}),
                          422, "validation")
    assert "expires_at" in str(body)
    assert_problem(client.post(f"/api/v1/reservations/{rid}/extend", headers=hs,
                               json={"expires_at": "2027-02-10T00:00:00"}), 422, "validation")
    assert_problem(client.post(f"/api/v1/reservations/{rid}/extend",
                               headers=f.bearer(client, w["parent"]),
                               json={"expires_at": "2027-02-10T00:00:00+08:00"}), 403, "forbidden")
    other = f.bearer(client, f.user("staff", centre_id=f.centre().id))
    assert_problem(client.post(f"/api/v1/reservations/{rid}/extend", headers=other,
                               json={"expires_at": "2027-02-10T00:00:00+08:00"}), 404, "not-found")
    intake = client.get(f"/api/v1/reservations/{rid}", headers=f.bearer(client, w["parent"])
                        ).get_json()["intake_check"]
    assert intake == {"state": "missing", "earliest_exam_on": "2026-12-01", "check_id": None}
    assert "/api/v1/reservations/{reservation_id}/extend" in \
        client.get("/api/v1/openapi.json").get_json()["paths"]


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302


def test_parent_page_says_the_check_expires_before_the_start(client, w):
    add_check(w, date(2026, 11, 20))
    login(client, w["parent"])
    page = client.get("/reservations").get_data(as_text=True)
    assert "2027-02-18" in page and "2026-12-01" in page
    assert "体检已核验，等待机构确认入托" not in page
    assert "请联系机构延长保留" in page


def test_staff_extend_from_the_list(client, w):
    login(client, w["staff"])
    page = client.get("/staff/reservations").get_data(as_text=True)
    assert "延长保留" in page and "可延长保留" in page
    resp = client.post(f"/staff/reservations/{w['r'].id}/extend", data={"until": "2027-02-15"},
                       follow_redirects=True)
    assert "已将 李小宝 的托位保留至 2027-02-15" in resp.get_data(as_text=True)
    _db.session.refresh(w["r"])
    assert w["r"].expires_at == datetime.combine(date(2027, 2, 16), time(), LOCAL)
    resp = client.post(f"/staff/reservations/{w['r'].id}/extend", data={"until": "2027-03-05"},
                       follow_redirects=True)
    assert "保留期限不能晚于入托日期 2027-03-01" in resp.get_data(as_text=True)
    resp = client.post(f"/staff/reservations/{w['r'].id}/extend", data={"until": "not a date"},
                       follow_redirects=True)
    assert "请按 年-月-日 填写日期" in resp.get_data(as_text=True)
    resp = client.post(f"/staff/reservations/{w['r'].id}/extend", data={}, follow_redirects=True)
    assert "请选择新的保留日期" in resp.get_data(as_text=True)
    _db.session.refresh(w["r"])
    assert w["r"].expires_at == datetime.combine(date(2027, 2, 16), time(), LOCAL)


def test_submitting_a_check_that_lapses_before_the_start_warns(client, w):
    login(client, w["parent"])
    resp = client.post(f"/children/{w['kid'].id}/health", data={
        "examined_on": "2026-11-20", "institution": "雁塔区妇幼保健院", "result": "pass",
        "vaccination_verified": "y"}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "体检记录已提交" in page
    assert "这份体检有效期至 2027-02-18" in page and "2026-12-01" in page
