"""The daily morning check and attendance; the 3-month rule with a moved clock."""
from datetime import date, datetime, timedelta, timezone

import pytest

from booking import clock
from booking.audit.models import Notification
from booking.errors import Conflict, HealthCheckRequired, NotFound
from booking.health import attendance
from booking.health.models import Attendance
from booking.health import services as health
from booking.pickup import services as pickup
from booking.reservations import services as reservations
from booking.reservations import enrolment
from tests import factories as f


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def enrol(parent, kid, slot, staff):
    hold = reservations.place_hold(slot_id=slot.id, child_id=kid.id, parent=parent)
    check = health.submit(kid.id, parent, examined_on=clock.today(), institution="x",
                          result="pass", vaccination_verified=True)
    health.verify(check.id, staff)
    return enrolment.confirm(hold.id, staff)


@pytest.fixture
def world(app, db):
    f.policy(city="西安")
    c = f.centre()
    g = f.group(c)
    # starts today (Shanghai), so the 90-day check is valid on the start date
    s = f.slot(c, capacity=3, group_id=g.id, starts_on=date(2026, 11, 23))
    staff = f.user("staff", centre_id=c.id)
    parent = f.user()
    kid = f.child(parent)
    r = enrol(parent, kid, s, staff)
    return {"centre": c, "group": g, "slot": s, "staff": staff, "parent": parent, "kid": kid,
            "r": r}


def test_roster_arrival_departure(world, db):
    rows = attendance.roster(world["centre"].id, world["group"].id)
    assert [row["child"].id for row in rows] == [world["kid"].id]
    assert rows[0]["attendance"] is None and rows[0]["needs_check"] is False
    day = attendance.record_arrival(world["r"].id, world["staff"], temperature_c=36.6,
                                    observations="精神好")
    assert day.morning_check_passed is True and day.on_date == date(2026, 11, 23)
    with pytest.raises(Conflict):
        attendance.record_arrival(world["r"].id, world["staff"], temperature_c=36.6)
    clock.advance(timedelta(hours=7))
    # who collected: chosen from those authorised (a guardian here), docs/absences.md
    day = attendance.record_departure(world["r"].id, world["staff"],
                                      guardian_id=world["parent"].id)
    assert day.collected_by == world["parent"].name and day.departed_at > day.arrived_at
    with pytest.raises(Conflict):
        attendance.record_departure(world["r"].id, world["staff"],
                                    guardian_id=world["parent"].id)


def test_failed_morning_check_sends_home_and_tells_guardians(world, db):
    day = attendance.record_arrival(world["r"].id, world["staff"], temperature_c=38.2,
                                    observations="发热")
    assert day.morning_check_passed is False and day.departed_at is not None
    notes = db.session.scalars(db.select(Notification).where(
        Notification.user_id == world["parent"].id, Notification.kind == "sent_home")).all()
    assert len(notes) == 1 and "38.2" in notes[0].params
    from booking.audit.render import render_notification
    title, body = render_notification(notes[0])
    assert title == f"{world['kid'].name} 晨检未通过，请接孩子回家"  # names the child
    assert "38.2" in body and "发热" in body
    # staff record who came for the child (a person on the pickup list)
    grandma = pickup.add_person(world["kid"].id, world["parent"], name="奶奶", relation="奶奶",
                                phone="13800000000", id_last4="1234")
    day = attendance.record_departure(world["r"].id, world["staff"], person_id=grandma.id)
    assert day.collected_by == "奶奶"


def test_staff_judgement_can_fail_a_normal_temperature(world):
    day = attendance.record_arrival(world["r"].id, world["staff"], temperature_c=36.8,
                                    observations="手足口疑似", passed=False)
    assert day.morning_check_passed is False


def test_absence_and_other_centres(world):
    attendance.mark_absent(world["r"].id, world["staff"])
    other = f.user("staff", centre_id=f.centre().id)
    with pytest.raises(NotFound):
        attendance.record_arrival(world["r"].id, other, temperature_c=36.5)
    with pytest.raises(NotFound):
        attendance.mark_absent(world["r"].id, world["parent"])


def test_three_months_away_needs_a_new_check(world, db):
    attendance.record_arrival(world["r"].id, world["staff"], temperature_c=36.5)
    clock.advance(timedelta(days=89))
    assert attendance.needs_new_check(world["r"]) is False
    clock.advance(timedelta(days=1))  # 90 days since the last arrival
    assert attendance.needs_new_check(world["r"]) is True
    rows = attendance.roster(world["centre"].id, world["group"].id)
    assert rows[0]["needs_check"] is True
    with pytest.raises(HealthCheckRequired):
        attendance.record_arrival(world["r"].id, world["staff"], temperature_c=36.5)
    # a new verified, passing check after the absence clears the flag
    check = health.submit(world["kid"].id, world["parent"], examined_on=clock.today(),
                          institution="x", result="pass", vaccination_verified=True)
    assert attendance.needs_new_check(world["r"]) is True  # not verified yet
    health.verify(check.id, world["staff"])
    assert attendance.needs_new_check(world["r"]) is False
    attendance.record_arrival(world["r"].id, world["staff"], temperature_c=36.5)


def test_never_arrived_since_enrolment_counts_too(world):
    clock.advance(timedelta(days=91))
    assert attendance.needs_new_check(world["r"]) is True


def test_attendance_page(client, world, db):
    login(client, world["staff"])
    page = client.get(f"/staff/attendance?group={world['group'].id}")
    assert page.status_code == 200 and world["kid"].name in page.get_data(as_text=True)
    resp = client.post(f"/staff/attendance/{world['r'].id}/arrive",
                       data={"temperature_c": "38.0", "observations": "咳嗽", "result": "pass",
                             "group": world["group"].id})
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "晨检未通过" in page
    resp = client.post(f"/staff/attendance/{world['r'].id}/depart",
                       data={"collector": f"g{world['parent'].id}", "group": world["group"].id})
    assert f"接走人：{world['parent'].name}" in \
        client.get(resp.headers["Location"]).get_data(as_text=True)
    # another day: read-only view; a bad date is 400; another centre's group is 404
    assert client.get("/staff/attendance?date=2026-11-20").status_code == 200
    assert client.get("/staff/attendance?date=nope").status_code == 400
    other = f.group(f.centre())
    assert client.get(f"/staff/attendance?group={other.id}").status_code == 404
    clock.advance(timedelta(days=95))
    page = client.get(f"/staff/attendance?group={world['group'].id}").get_data(as_text=True)
    assert "返园前须重新进行入托体检" in page


def test_attendance_page_is_staff_only(client, world):
    login(client, world["parent"])
    assert client.get("/staff/attendance").status_code == 403
    assert client.post(f"/staff/attendance/{world['r'].id}/arrive",
                       data={"temperature_c": "36.5"}).status_code == 403


def test_the_morning_check_has_no_default(client, world, db):
    """Nobody is recorded as checked, or sent home, by a box left as it was."""
    login(client, world["staff"])
    page = client.get(f"/staff/attendance?group={world['group'].id}").get_data(as_text=True)
    assert 'name="result" value="pass" required>' in page and " checked" not in page.split(
        'name="result"')[1][:60]
    resp = client.post(f"/staff/attendance/{world['r'].id}/arrive",
                       data={"temperature_c": "36.6", "group": world["group"].id})
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "请选择晨检结果" in page
    assert db.session.scalars(db.select(Attendance)).all() == []  # nothing recorded
    resp = client.post(f"/staff/attendance/{world['r'].id}/arrive",
                       data={"temperature_c": "36.6", "result": "fail", "group": world["group"].id})
    [day] = db.session.scalars(db.select(Attendance)).all()
    assert day.morning_check_passed is False
