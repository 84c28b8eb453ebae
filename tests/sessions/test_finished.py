"""Finished sessions stay listed under 已结束 (paged), so staff record attendance and
no-shows after the fact (docs/sessions.md)."""
from datetime import date, timedelta

from booking import clock
from booking.extensions import db
from booking.sessions import queries
from booking.sessions import services as sessions
from booking.sessions.models import SessionBooking
from tests import factories as f

from .conftest import publish


def login(client, user):
    resp = client.post("/login", data={"login": user.email, "password": f.PASSWORD})
    assert resp.status_code == 302


def finished_part(page: str) -> str:
    return page[page.index('id="finished"'):page.index('id="new-h"')]


def test_a_finished_session_is_listed_and_attendance_recorded_after_it(client, world):
    [s] = publish(world["centre"], world["staff"])
    b = sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    login(client, world["staff"])
    page = client.get("/staff/sessions").get_data(as_text=True)
    assert "还没有已结束的场次" in finished_part(page)
    clock.set(s.ends_at + timedelta(days=2))
    page = client.get("/staff/sessions").get_data(as_text=True)
    done = finished_part(page)
    assert "2026-11-25" in done and "1 人待登记" in done
    assert f"/staff/sessions/{s.id}" in done
    # recorded afterwards: the service allows it once the session has started
    resp = client.post(f"/staff/session-bookings/{b.id}/attendance", data={"status": "no_show"})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(SessionBooking, b.id).status == "no_show"
    done = finished_part(client.get("/staff/sessions").get_data(as_text=True))
    assert "待登记" not in done and "已登记" in done


def test_cancelled_and_running_sessions_are_not_finished(world):
    c, staff = world["centre"], world["staff"]
    [done] = publish(c, staff)
    [cancelled] = publish(c, staff, on_date=date(2026, 11, 26))
    sessions.cancel_session(cancelled.id, actor=staff, reason="停水")
    [running] = publish(c, staff, on_date=date(2026, 11, 27))
    now = running.starts_at + timedelta(minutes=30)
    rows, more = queries.finished_sessions(c.id, now)
    assert [s.id for s, _b, _u in rows] == [done.id] and more is False
    # another centre's finished sessions are not listed
    other = f.centre()
    assert queries.finished_sessions(other.id, now) == ([], False)


def test_finished_sessions_are_paged_newest_first(client, world):
    c, staff = world["centre"], world["staff"]
    made = publish(c, staff, weekdays=(1, 3, 5), repeat_weeks=8)  # 24 sessions
    clock.set(made[-1].ends_at + timedelta(hours=1))
    rows, more = queries.finished_sessions(c.id, clock.now(), 1, per_page=20)
    assert len(rows) == 20 and more
    assert rows[0][0].id == made[-1].id  # newest first
    rows2, more2 = queries.finished_sessions(c.id, clock.now(), 2, per_page=20)
    assert len(rows2) == 4 and not more2 and rows2[-1][0].id == made[0].id
    login(client, staff)
    page = client.get("/staff/sessions").get_data(as_text=True)
    assert "done_page=2" in page
    page2 = client.get("/staff/sessions?done_page=2").get_data(as_text=True)
    assert "done_page=1" in page2 and "done_page=3" not in page2
    assert finished_part(page2).count("<tr>") == 5  # a header and four rows
    assert client.get("/staff/sessions?done_page=-3").status_code == 200
