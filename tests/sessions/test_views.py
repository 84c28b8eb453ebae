"""The session pages: the calendar, booking with a child picker, the parent's list with the
cut-off, the staff pages. CSRF is off in TestConfig; a separate test turns it on."""
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from booking import clock
from booking.extensions import db
from booking.sessions import services as sessions
from booking.sessions.models import CareSession, SessionBooking
from tests import factories as f
from tests.sessions.conftest import publish

SH = clock.LOCAL


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)


def html(resp):
    return resp.get_data(as_text=True)


def test_calendar_shows_the_weeks_sessions_with_places_to_anyone(client, world):
    [s] = publish(world["centre"], world["staff"])
    [next_week] = publish(world["centre"], world["staff"], on_date=date(2026, 12, 2),
                          kind="parent_child")
    page = html(client.get("/sessions"))
    assert world["centre"].name in page and "09:00–11:00" in page
    assert f"/sessions/{s.id}/book" in page and f"/sessions/{next_week.id}/book" not in page
    page = html(client.get("/sessions?week=2026-12-02"))
    assert f"/sessions/{next_week.id}/book" in page and "亲子活动" in page
    assert f"/sessions/{s.id}/book" not in html(client.get("/sessions?kind=parent_child"))
    assert client.get("/sessions?week=2026-02-30&district=abc").status_code == 422


def test_calendar_child_filter_keeps_only_sessions_the_child_fits(client, world):
    [toddler] = publish(world["centre"], world["staff"])
    [infant] = publish(world["centre"], world["staff"], age_band="infant")
    login(client, world["parent"])
    page = html(client.get(f"/sessions?child={world['kid'].id}"))
    assert f"/sessions/{toddler.id}/book" in page and f"/sessions/{infant.id}/book" not in page


def test_parent_books_sees_it_and_cancels_until_the_cutoff(client, world):
    [s] = publish(world["centre"], world["staff"], subsidised=True)
    login(client, world["parent"])
    page = html(client.get(f"/sessions/{s.id}/book"))
    assert world["kid"].name in page and "data-once" in page and "2026-11-25 07:00" in page
    resp = client.post(f"/sessions/{s.id}/book", data={"child_id": world["kid"].id})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/sessions/mine")
    page = html(client.get("/sessions/mine"))
    assert "已用 1 次，剩余 11 次" in page and "取消预约" in page and "免费" in page
    b = db.session.scalar(select(SessionBooking))
    clock.set(datetime(2026, 11, 25, 7, 0, 1, tzinfo=SH))
    page = html(client.get("/sessions/mine"))
    assert "已过取消截止时间" in page and "disabled" in page
    client.post(f"/sessions/bookings/{b.id}/cancel")
    db.session.expire_all()
    assert db.session.get(SessionBooking, b.id).status == "booked"  # refused, shown as a flash
    clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=SH))
    resp = client.post(f"/sessions/bookings/{b.id}/cancel", follow_redirects=True)
    assert "已取消" in html(resp)
    db.session.expire_all()
    assert db.session.get(SessionBooking, b.id).status == "cancelled"


def test_refusals_re_render_the_form_with_the_message(client, world):
    [s] = publish(world["centre"], world["staff"], capacity=1)
    [infant] = publish(world["centre"], world["staff"], age_band="infant")
    login(client, world["parent"])
    resp = client.post(f"/sessions/{infant.id}/book", data={"child_id": world["kid"].id})
    assert resp.status_code == 422 and "个月" in html(resp)
    resp = client.post(f"/sessions/{s.id}/book", data={"child_id": "999999"})
    assert resp.status_code == 422 and "请选择您的孩子" in html(resp)
    other = f.user()
    sessions.book(session_id=s.id, child_id=f.child(other).id, parent=other)
    resp = client.post(f"/sessions/{s.id}/book", data={"child_id": world["kid"].id})
    assert resp.status_code == 409 and "该场次已约满" in html(resp)
    assert client.get("/sessions/999999/book").status_code == 404
    assert db.session.scalar(select(func.count(SessionBooking.id))) == 1


def test_ical_download_for_the_signed_in_parent(client, world):
    [s] = publish(world["centre"], world["staff"])
    sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    assert client.get("/sessions/mine.ics").status_code == 302  # to the login page
    login(client, world["parent"])
    resp = client.get("/sessions/mine.ics")
    assert resp.mimetype == "text/calendar" and b"BEGIN:VEVENT" in resp.data


def test_staff_publish_a_weekly_pattern_and_see_it(client, world):
    login(client, world["staff"])
    resp = client.post("/staff/sessions", data={
        "kind": "parent_child", "age_band": "toddler", "group_id": "", "on_date": "2026-11-24",
        "start": "15:00", "end": "16:30", "capacity": "6", "price_per_hour": "20",
        "weekdays": ["2", "4"], "repeat_weeks": "2"})
    assert resp.status_code == 303, html(resp)
    made = db.session.scalars(select(CareSession).order_by(CareSession.starts_at)).all()
    assert [s.starts_at.astimezone(SH).day for s in made] == [24, 26, 1, 3]
    assert made[0].price_per_hour_fen == 2000
    page = html(client.get("/staff/sessions"))
    assert "0 / 6" in page and "亲子活动" in page


def test_staff_publish_errors_stay_on_the_form(client, world):
    login(client, world["staff"])
    resp = client.post("/staff/sessions", data={
        "kind": "occasional", "age_band": "toddler", "on_date": "2026-11-25", "start": "11:00",
        "end": "10:00", "capacity": "6", "price_per_hour": "20", "repeat_weeks": "1"})
    assert resp.status_code == 422 and "结束时间应晚于开始时间" in html(resp)
    resp = client.post("/staff/sessions", data={"kind": "x", "capacity": "many"})
    assert resp.status_code == 422
    assert db.session.scalar(select(func.count(CareSession.id))) == 0


def test_staff_session_page_attendance_and_cancel(client, world):
    [s] = publish(world["centre"], world["staff"])
    b = sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    login(client, world["staff"])
    page = html(client.get(f"/staff/sessions/{s.id}"))
    assert world["kid"].name in page and "场次开始后可登记出勤" in page
    clock.set(s.starts_at + timedelta(minutes=10))
    page = html(client.get(f"/staff/sessions/{s.id}"))
    assert "未到" in page
    client.post(f"/staff/session-bookings/{b.id}/attendance", data={"status": "no_show"})
    db.session.expire_all()
    assert db.session.get(SessionBooking, b.id).status == "no_show"
    clock.set(s.starts_at - timedelta(hours=1))
    [t] = publish(world["centre"], world["staff"], on_date=date(2026, 11, 27))
    b2 = sessions.book(session_id=t.id, child_id=world["kid"].id, parent=world["parent"])
    client.post(f"/staff/sessions/{t.id}/cancel", data={"reason": "停水"})
    db.session.expire_all()
    assert db.session.get(CareSession, t.id).cancelled_at is not None
    assert db.session.get(SessionBooking, b2.id).status == "cancelled"


def test_other_centres_staff_and_parents_are_kept_out(client, world):
    [s] = publish(world["centre"], world["staff"])
    b = sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    login(client, f.user("staff", centre_id=f.centre().id))
    assert client.get(f"/staff/sessions/{s.id}").status_code == 404
    assert client.post(f"/staff/session-bookings/{b.id}/cancel").status_code == 404
    assert client.post(f"/sessions/{s.id}/book", data={"child_id": world["kid"].id}).status_code == 403
    client.post("/logout")
    login(client, world["parent"])
    assert client.get("/staff/sessions").status_code == 403
    assert client.post(f"/staff/session-bookings/{b.id}/attendance",
                       data={"status": "attended"}).status_code == 403


def test_forms_need_a_csrf_token(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    [s] = publish(world["centre"], world["staff"])
    login_page = client.get("/login")
    import re
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html(login_page)) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html(login_page))
    resp = client.post("/login", data={"login": world["parent"].email, "password": f.PASSWORD,
                                       "csrf_token": token.group(1)})
    assert resp.status_code == 302
    resp = client.post(f"/sessions/{s.id}/book", data={"child_id": world["kid"].id})
    assert resp.status_code == 400
    assert db.session.scalar(select(func.count(SessionBooking.id))) == 0


def test_nav_links_for_parents_and_staff(client, world):
    login(client, world["parent"])
    assert 'href="/sessions"' in html(client.get("/sessions/mine"))
    client.post("/logout")
    login(client, world["staff"])
    assert 'href="/staff/sessions"' in html(client.get("/staff/sessions"))
