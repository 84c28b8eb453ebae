"""The staff pages: team records, the roster grid and its messages, exports."""
import csv
import io
from datetime import date, timedelta

from icalendar import Calendar

from booking.extensions import db as _db
from booking.rosters import services, weeks
from booking.web import csv_cell
from tests import factories as f

from .conftest import MONDAY, at, enrol, staff


def login(client, user):
    resp = client.post("/login", data={"login": user.email, "password": f.PASSWORD})
    assert resp.status_code == 302


def test_team_create_edit_and_alerts(client, world):
    c = world["centre"]
    login(client, world["user"])
    resp = client.post("/staff/team/new", data={
        "name": "陈静", "role": "childcare_worker", "qualification_level": "4",
        "certificate_no": "BYS-4-0012", "health_cert_expires_on": "2026-12-10", "active": "y"})
    assert resp.status_code == 302
    s = services.staff_of(c.id)[0]
    assert s.qualification_level == 4 and s.health_cert_expires_on == date(2026, 12, 10)
    page = client.get("/staff/team").get_data(as_text=True)
    assert "陈静" in page and "健康合格证 30 天内到期" in page
    resp = client.post(f"/staff/team/{s.id}", data={
        "name": "陈静", "role": "teacher", "qualification_level": "",
        "health_cert_expires_on": "2027-12-10", "active": "y"})
    assert resp.status_code == 302
    assert s.role == "teacher" and s.qualification_level is None
    assert "30 天内到期" not in client.get("/staff/team").get_data(as_text=True)
    bad = client.post("/staff/team/new", data={"name": "", "role": "pilot"})
    assert bad.status_code == 422


def test_other_centres_staff_are_404(client, world):
    login(client, world["user"])
    stranger = staff(f.centre())
    assert client.get(f"/staff/team/{stranger.id}").status_code == 404
    assert client.get(f"/staff/team/{stranger.id}/shifts.ics").status_code == 404


def test_parents_are_refused(client, world):
    login(client, f.user())
    assert client.get("/staff/roster").status_code == 403
    assert client.get("/staff/team").status_code == 403


def test_roster_grid_add_refuse_move_delete(client, world):
    c, g = world["centre"], world["group"]
    login(client, world["user"])
    enrol(g, 6)
    s = staff(c, name="王芳")
    resp = client.post("/staff/roster/shifts", data={
        "staff_member_id": s.id, "group_id": g.id, "day": "2026-11-24",
        "starts": "07:30", "ends": "17:30"})
    assert resp.status_code == 302
    shift = weeks.week_shifts(c.id, MONDAY)[0]
    assert shift.starts_at == at(MONDAY + timedelta(1), 7, 30)  # Beijing time in, UTC stored
    stored = shift.starts_at  # read back from the database: UTC
    assert (stored.hour, stored.minute, stored.utcoffset()) == (23, 30, timedelta(0))
    page = client.get("/staff/roster?week=2026-11-24").get_data(as_text=True)
    assert "王芳" in page and "07:30–17:30" in page
    assert 'class="glyph"' in page and "⚠" not in page and "缺 1 名保育人员" in page and "无卫生保健人员" in page
    clash = client.post("/staff/roster/shifts", data={
        "staff_member_id": s.id, "group_id": "", "day": "2026-11-24",
        "starts": "12:00", "ends": "13:00"})
    assert clash.status_code == 422
    assert "同一时间不能在两处" in clash.get_data(as_text=True)
    moved = client.post(f"/staff/roster/shifts/{shift.id}", data={
        "staff_member_id": s.id, "group_id": g.id, "day": "2026-11-25",
        "starts": "08:00", "ends": "12:00"})
    assert moved.status_code == 302 and shift.starts_at == at(MONDAY + timedelta(2), 8)
    assert client.post(f"/staff/roster/shifts/{shift.id}/delete").status_code == 302
    assert weeks.week_shifts(c.id, MONDAY) == []


def test_lapsed_certificate_refused_in_the_page(client, world):
    c = world["centre"]
    login(client, world["user"])
    s = staff(c, name="李娜", health=date(2026, 11, 1))
    resp = client.post("/staff/roster/shifts", data={
        "staff_member_id": s.id, "group_id": "", "day": "2026-11-24",
        "starts": "08:00", "ends": "12:00"})
    assert resp.status_code == 422
    assert "健康合格证已于 2026-11-01 过期" in resp.get_data(as_text=True)


def test_copy_last_week_and_gaps_page(client, world):
    c, g = world["centre"], world["group"]
    login(client, world["user"])
    s = staff(c)
    services.add_shift(c.id, staff_member_id=s.id, group_id=g.id,
                       starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 12))
    resp = client.post("/staff/roster/copy?week=2026-11-30")
    assert resp.status_code == 302
    assert len(weeks.week_shifts(c.id, date(2026, 11, 30))) == 1
    page = client.get("/staff/roster/gaps?week=2026-11-30").get_data(as_text=True)
    assert "当天没有安保人员在岗" in page and "休息" in page


def test_csv_exports(client, world):
    c, g = world["centre"], world["group"]
    login(client, world["user"])
    s = staff(c, name="=HYPERLINK(\"x\")")
    services.add_shift(c.id, staff_member_id=s.id, group_id=g.id,
                       starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 12))
    enrol(g, 3)
    resp = client.get("/staff/roster.csv?week=2026-11-23")
    assert resp.mimetype == "text/csv" and resp.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["日期", "班级", "姓名"]
    assert rows[1] == ["2026-11-23", g.name, "'=HYPERLINK(\"x\")", "保育师", "08:00", "12:00", "4"]
    ratio = list(csv.reader(io.StringIO(
        client.get("/staff/roster/ratio.csv?week=2026-11-23").data.decode("utf-8-sig"))))
    assert ratio[1] == ["2026-11-23", g.name, "07:30-08:00", "3", "0", "1", "1"]
    assert ["2026-11-23", "", "", "", "", "", "无卫生保健人员在岗"] in ratio
    assert [csv_cell(v) for v in ("+1", "-2", "@a", "ok", None, -2)] == ["'+1", "'-2", "'@a", "ok", "", -2]
    printed = client.get("/staff/roster/print?week=2026-11-23").get_data(as_text=True)
    assert "排班表" in printed and "缺 1 名保育人员" in printed


def test_ical_feed(client, world):
    c, g = world["centre"], world["group"]
    login(client, world["user"])
    s = staff(c, name="王芳")
    services.add_shift(c.id, staff_member_id=s.id, group_id=g.id,
                       starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 12))
    resp = client.get(f"/staff/team/{s.id}/shifts.ics")
    assert resp.mimetype == "text/calendar"
    cal = Calendar.from_ical(resp.data)
    tz = [comp for comp in cal.walk("VTIMEZONE")]
    assert tz and str(tz[0]["TZID"]) == "Asia/Shanghai"
    events = cal.walk("VEVENT")
    assert len(events) == 1 and events[0].decoded("dtstart") == at(MONDAY, 8)
    assert g.name in str(events[0]["SUMMARY"])


def test_subscription_feed_needs_no_login_and_cannot_be_forged(client, world):
    import re

    c, g = world["centre"], world["group"]
    login(client, world["user"])
    s = staff(c, name="王芳")
    other = staff(c, name="李静")
    services.add_shift(c.id, staff_member_id=s.id, group_id=g.id,
                       starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 12))
    page = client.get("/staff/team").get_data(as_text=True)
    links = re.findall(r'href="http://localhost(/roster-feeds/[^"]+\.ics)"', page)
    from booking.rosters.exports import feed_token
    mine = f"/roster-feeds/{feed_token(s)}.ics"
    assert len(links) == 2 and mine in links and f"/roster-feeds/{feed_token(other)}.ics" in links
    client.post("/logout")
    resp = client.get(mine)
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    assert resp.headers["Cache-Control"] == "no-store"
    events = Calendar.from_ical(resp.data).walk("VEVENT")
    assert len(events) == 1 and events[0].decoded("dtstart") == at(MONDAY, 8)
    assert client.get(f"/roster-feeds/{feed_token(s)}x.ics").status_code == 404
    assert client.get("/roster-feeds/not-a-token.ics").status_code == 404
    s.active = False
    _db.session.commit()
    assert client.get(mine).status_code == 404


def test_out_of_range_weeks_and_days(client, world):
    login(client, world["user"])
    assert client.get("/staff/roster?week=0001-01-01").status_code == 404
    assert client.get("/staff/roster/gaps?week=nonsense").status_code == 404
    s = staff(world["centre"])
    resp = client.post("/staff/roster/shifts", data={
        "staff_member_id": s.id, "group_id": "", "day": "0001-01-01",
        "starts": "08:00", "ends": "09:00"})
    assert resp.status_code == 422 and "2000–2099" in resp.get_data(as_text=True)


def test_pages_render_in_english(client, world):
    c, g = world["centre"], world["group"]
    login(client, world["user"])
    s = staff(c)
    services.add_shift(c.id, staff_member_id=s.id, group_id=g.id,
                       starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 12))
    client.post("/lang/en", data={"next": "/"})
    for path in ("/staff/roster", "/staff/roster/gaps", "/staff/team", "/staff/team/new",
                 f"/staff/team/{s.id}", "/staff/roster/print",
                 f"/staff/roster/shifts/{weeks.week_shifts(c.id, MONDAY)[0].id}"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        # (The print page is checked for rendering only: tests share one app context, so
        # Flask-Babel's per-`g` locale cache can outlive the language switch there.)
        if not path.endswith("/print"):
            assert 'lang="en"' in resp.get_data(as_text=True), path
