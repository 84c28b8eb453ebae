"""Withdrawal (离园): an enrolment ends and the place is offered to the waitlist."""
from datetime import date

import pytest

from booking.audit.models import AuditEvent, Notification
from booking.errors import Conflict, Forbidden, NotFound, ValidationFailed
from booking.health import services as health
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.waitlists import services as waitlists
from booking.waitlists.models import WaitlistEntry
from tests import factories as f


def enrol(parent, kid, slot, staff):
    hold = reservations.place_hold(slot_id=slot.id, child_id=kid.id, parent=parent)
    check = health.submit(kid.id, parent, examined_on=date(2026, 11, 23), institution="x",
                          result="pass", vaccination_verified=True)
    health.verify(check.id, staff)
    return reservations.confirm(hold.id, staff)


@pytest.fixture
def world(app, db):
    f.policy(city="西安").health_check_valid_days = 120
    db.session.commit()
    c = f.centre()
    s = f.slot(c, capacity=1)
    staff = f.user("staff", centre_id=c.id)
    parent = f.user()
    kid = f.child(parent)
    r = enrol(parent, kid, s, staff)
    waiting_parent = f.user()
    waiting_kid = f.child(waiting_parent)
    entry = waitlists.join(slot_id=s.id, child_id=waiting_kid.id, parent=waiting_parent)
    return {"slot": s, "staff": staff, "parent": parent, "kid": kid, "r": r,
            "waiting_parent": waiting_parent, "waiting_kid": waiting_kid, "entry": entry}


def test_withdraw_offers_the_place_on(world, db):
    assert world["r"].status == "enrolled"
    r = reservations.withdraw(world["r"].id, world["parent"], date(2026, 11, 30), "搬家")
    assert r.status == "withdrawn" and r.end_reason == "搬家" and r.ended_at is not None
    entry = db.session.scalar(db.select(WaitlistEntry).where(
        WaitlistEntry.child_id == world["waiting_kid"].id))
    assert entry.status == "offered"
    offer = db.session.get(Reservation, entry.reservation_id)
    assert offer.status == "held" and offer.slot_id == world["slot"].id
    event = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "reservation.withdrawn"))
    assert event.actor_id == world["parent"].id and event.reason == "搬家"
    assert '"on_date": "2026-11-30"' in event.after


def test_staff_withdraw_notifies_the_parent(world, db):
    reservations.withdraw(world["r"].id, world["staff"], date(2026, 11, 30), "家长申请")
    kinds = db.session.scalars(db.select(Notification.kind).where(
        Notification.user_id == world["parent"].id)).all()
    assert "withdrawn" in kinds


def test_withdraw_rules(world, db):
    with pytest.raises(NotFound):
        reservations.withdraw(world["r"].id, f.user(), date(2026, 11, 30), "x")
    with pytest.raises(NotFound):
        reservations.withdraw(world["r"].id, f.user("staff", centre_id=f.centre().id),
                              date(2026, 11, 30), "x")
    with pytest.raises(Forbidden):
        reservations.withdraw(world["r"].id, f.user("regulator"), date(2026, 11, 30), "x")
    with pytest.raises(ValidationFailed):
        reservations.withdraw(world["r"].id, world["parent"], date(2026, 11, 30), "  ")
    with pytest.raises(ValidationFailed):
        reservations.withdraw(world["r"].id, world["parent"], date(2026, 1, 1), "x")
    reservations.withdraw(world["r"].id, world["parent"], date(2026, 11, 30), "x")
    with pytest.raises(Conflict):
        reservations.withdraw(world["r"].id, world["parent"], date(2026, 11, 30), "x")


def test_withdraw_api(client, world):
    url = f"/api/v1/reservations/{world['r'].id}/withdraw"
    body = {"on_date": "2026-11-30", "reason": "转入幼儿园"}
    assert client.post(url, json=body).status_code == 401
    assert client.post(url, json=body, headers=f.bearer(client, f.user())).status_code == 404
    assert client.post(url, json={"on_date": "x"},
                       headers=f.bearer(client, world["parent"])).status_code == 422
    ok = client.post(url, json=body, headers=f.bearer(client, world["parent"]))
    assert ok.status_code == 200 and ok.get_json() == {"id": world["r"].id, "status": "withdrawn"}
    again = client.post(url, json=body, headers=f.bearer(client, world["parent"]))
    assert again.status_code == 409


def test_withdraw_page(client, world, db):
    client.post("/login", data={"login": world["parent"].email, "password": f.PASSWORD})
    url = f"/reservations/{world['r'].id}/withdraw"
    assert url in client.get("/health").get_data(as_text=True)
    assert client.get(url).status_code == 200
    bad = client.post(url, data={"on_date": "2026-11-30", "reason": ""})
    assert bad.status_code == 422 and "请填写离园原因" in bad.get_data(as_text=True)
    ok = client.post(url, data={"on_date": "2026-11-30", "reason": "搬家"})
    assert ok.status_code == 302
    assert db.session.get(Reservation, world["r"].id).status == "withdrawn"
