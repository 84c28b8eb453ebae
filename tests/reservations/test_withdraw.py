"""Withdrawal (离园): an enrolment ends and the place is offered to the waitlist."""
from datetime import date

import pytest

from booking.places import sweeps
from booking.audit.models import AuditEvent, Notification
from booking.errors import Conflict, Forbidden, NotFound, ValidationFailed
from booking.health import services as health
from booking.reservations import services as reservations
from booking.reservations import enrolment
from booking.reservations import leaving
from booking.reservations.models import Reservation
from booking.waitlists import services as waitlists
from booking.waitlists.models import WaitlistEntry
from tests import factories as f


def enrol(parent, kid, slot, staff):
    hold = reservations.place_hold(slot_id=slot.id, child_id=kid.id, parent=parent)
    check = health.submit(kid.id, parent, examined_on=date(2026, 11, 23), institution="x",
                          result="pass", vaccination_verified=True)
    health.verify(check.id, staff)
    return enrolment.confirm(hold.id, staff)


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
    r = leaving.end_care(world["r"].id, world["parent"], date(2026, 11, 30), "搬家")
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
    leaving.end_care(world["r"].id, world["staff"], date(2026, 11, 30), "家长申请")
    kinds = db.session.scalars(db.select(Notification.kind).where(
        Notification.user_id == world["parent"].id)).all()
    assert "withdrawn" in kinds


def test_withdraw_rules(world, db):
    with pytest.raises(NotFound):
        leaving.end_care(world["r"].id, f.user(), date(2026, 11, 30), "x")
    with pytest.raises(NotFound):
        leaving.end_care(world["r"].id, f.user("staff", centre_id=f.centre().id),
                              date(2026, 11, 30), "x")
    with pytest.raises(Forbidden):
        leaving.end_care(world["r"].id, f.user("regulator"), date(2026, 11, 30), "x")
    with pytest.raises(ValidationFailed):
        leaving.end_care(world["r"].id, world["parent"], date(2026, 11, 30), "  ")
    with pytest.raises(ValidationFailed):
        leaving.end_care(world["r"].id, world["parent"], date(2026, 1, 1), "x")
    leaving.end_care(world["r"].id, world["parent"], date(2026, 11, 30), "x")
    with pytest.raises(Conflict):
        leaving.end_care(world["r"].id, world["parent"], date(2026, 11, 30), "x")


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


@pytest.fixture
def in_care(app, db):
    """A child in care since 1 November in the only place of its slot, and a family waiting."""
    c, s, staff, parent, kid, r = f.in_care()
    waiting_parent = f.user()
    entry = waitlists.join(slot_id=s.id, child_id=f.child(waiting_parent).id,
                           parent=waiting_parent)
    entry = entry[0]  # join answers the unit (twins join together)
    return {"slot": s, "staff": staff, "parent": parent, "r": r, "entry": entry}


def test_a_child_leaving_later_keeps_the_place_until_its_last_day(in_care, db, client):
    from datetime import datetime, timezone

    from booking import clock
    from booking.reservations.queries import shown_status
    from booking.slots.queries import taken_count

    w = in_care
    r = leaving.end_care(w["r"].id, w["staff"], date(2026, 12, 10), "转园")
    assert (r.status, r.leaves_on) == ("enrolled", date(2026, 12, 10))
    assert db.session.get(WaitlistEntry, w["entry"].id).status == "waiting"
    assert taken_count(w["slot"].id) == 1
    with pytest.raises(Conflict):
        leaving.end_care(r.id, w["parent"], date(2026, 12, 1), "again")
    assert db.session.scalar(db.select(AuditEvent.action).where(
        AuditEvent.entity_id == r.id, AuditEvent.action.like("reservation.%"))
        ) == "reservation.leaving"
    # the last day in care still counts; the day after, it does not, with no job run
    clock.set(datetime(2026, 12, 10, 15, 59, tzinfo=timezone.utc))  # 23:59 in Beijing
    assert taken_count(w["slot"].id) == 1
    clock.set(datetime(2026, 12, 10, 16, 0, tzinfo=timezone.utc))   # 00:00 on the 11th
    assert taken_count(w["slot"].id) == 0 and shown_status(r) == "withdrawn"
    token = f.bearer(client, w["parent"])
    assert client.get(f"/api/v1/reservations/{r.id}", headers=token).get_json()["status"] == \
        "withdrawn"
    # the sweep tidies up and offers the place to the family waiting, once
    assert sweeps.release_leavers() == 1
    assert sweeps.release_leavers() == 0
    db.session.expire_all()
    assert db.session.get(Reservation, r.id).status == "withdrawn"
    assert db.session.get(WaitlistEntry, w["entry"].id).status == "offered"


def test_a_place_freed_by_a_leaver_goes_to_the_queue_before_any_job(in_care, db):
    from datetime import datetime, timezone

    from booking import clock
    from booking.errors import SlotFull

    w = in_care
    leaving.end_care(w["r"].id, w["staff"], date(2026, 12, 10), "转园")
    clock.set(datetime(2026, 12, 11, 2, tzinfo=timezone.utc))
    newcomer = f.user()
    with pytest.raises(SlotFull):
        reservations.place_hold(slot_id=w["slot"].id, child_id=f.child(newcomer).id,
                                parent=newcomer)
    assert db.session.get(WaitlistEntry, w["entry"].id).status == "offered"


def test_leaving_before_the_start_frees_the_place_at_once(world, db):
    r = leaving.end_care(world["r"].id, world["parent"], date(2026, 12, 20), "不来了")
    assert r.status == "withdrawn"  # the slot starts 2027-03-01: never in care
    assert db.session.scalar(db.select(WaitlistEntry.status).where(
        WaitlistEntry.child_id == world["waiting_kid"].id)) == "offered"
