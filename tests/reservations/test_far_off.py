"""Holds for far-off starts (docs/domain.md): kept, by the family's step, until the intake
check is due; reminded when the check window opens and before the deadline; an ordinary
hold is never lengthened by itself."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from booking import clock
from booking.audit.models import Notification
from booking.audit.render import render_notification
from booking.clock import end_of_day
from booking.errors import Conflict, NotFound
from booking.health.deadlines import remind_check_window
from booking.places.sweeps import remind_lapsing
from booking.reservations import far_off
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from tests import factories as f
from tests.conftest import NOW

NINE_MONTHS = date(2027, 9, 1)


@pytest.fixture
def family(app, db):
    c = f.centre()
    parent = f.user()
    kid = f.child(parent, name="远远", birth_date=date(2026, 3, 1))
    return c, parent, kid


def notes(db, parent, kind):
    return db.session.scalars(select(Notification).where(
        Notification.user_id == parent.id, Notification.kind == kind)).all()


def test_a_hold_is_the_ordinary_hold_until_the_family_keeps_it(family, db):
    c, parent, kid = family
    s = f.slot(c, starts_on=NINE_MONTHS)
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    assert r.expires_at == NOW + timedelta(hours=48)  # the contract's TTL, untouched
    kept = far_off.keep_until_due(r.id, parent)
    # 90-day validity: examined from 2027-06-03; due 14 days before the start
    assert kept.expires_at == end_of_day(date(2027, 8, 18))
    with pytest.raises(Conflict, match="已保留到体检截止日"):
        far_off.keep_until_due(r.id, parent)
    assert reservations.visible_reservation(r.id, parent).status == "held"


def test_a_near_start_is_not_kept_longer(family, db):
    c, parent, _kid = family
    kid = f.child(parent, birth_date=date(2025, 9, 1))
    s = f.slot(c, starts_on=NOW.date() + timedelta(days=30))
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    with pytest.raises(Conflict, match="无需延长"):
        far_off.keep_until_due(r.id, parent)
    db.session.expire_all()
    assert db.session.get(Reservation, r.id).expires_at == NOW + timedelta(hours=48)


def test_only_the_family_keeps_its_hold(family, db):
    c, parent, kid = family
    r = reservations.place_hold(slot_id=f.slot(c, starts_on=NINE_MONTHS).id, child_id=kid.id,
                                parent=parent)
    with pytest.raises(NotFound):
        far_off.keep_until_due(r.id, f.user())
    clock.advance(timedelta(hours=49))  # lapsed: nothing to keep
    with pytest.raises(Conflict):
        far_off.keep_until_due(r.id, parent)


def test_reminders_when_the_window_opens_and_before_the_deadline(family, db):
    c, parent, kid = family
    r = reservations.place_hold(slot_id=f.slot(c, starts_on=NINE_MONTHS).id, child_id=kid.id,
                                parent=parent)
    far_off.keep_until_due(r.id, parent)
    assert remind_check_window() == 0  # the window opens on 2027-06-03
    clock.set(end_of_day(date(2027, 6, 2)) + timedelta(hours=2))
    assert remind_check_window() == 1
    assert remind_check_window() == 0  # once, however often the job runs
    [note] = notes(db, parent, "check_window_open")
    title, body = render_notification(note)
    assert "远远" in title and "2027-09-01" in body
    assert remind_lapsing() == 0  # still months away
    clock.set(end_of_day(date(2027, 8, 16)))  # two days before the deadline
    assert remind_lapsing() == 1
    assert len(notes(db, parent, "hold_lapsing")) == 1


def test_the_page_and_the_api(client, family, db):
    c, parent, kid = family
    r = reservations.place_hold(slot_id=f.slot(c, starts_on=NINE_MONTHS).id, child_id=kid.id,
                                parent=parent)
    headers = f.bearer(client, parent)
    near = f.child(parent, name="近近", birth_date=date(2025, 9, 1))
    near_r = reservations.place_hold(slot_id=f.slot(c, starts_on=NOW.date() + timedelta(days=20)).id,
                                     child_id=near.id, parent=parent)
    refused = client.post(f"/api/v1/reservations/{near_r.id}/keep", headers=headers)
    assert refused.status_code == 409 and refused.content_type == "application/problem+json"
    assert client.post(f"/api/v1/reservations/{r.id}/keep",
                       headers=f.bearer(client, f.user())).status_code == 404
    resp = client.post(f"/api/v1/reservations/{r.id}/keep", headers=headers)
    assert resp.status_code == 200 and resp.get_json()["expires_at"] == "2027-08-19T00:00:00+08:00"
    client.post("/login", data={"login": parent.email, "password": f.PASSWORD})
    html = client.get("/reservations").get_data(as_text=True)
    assert f'action="/reservations/{r.id}/keep"' not in html  # kept already
    assert f'action="/reservations/{near_r.id}/keep"' not in html  # near: no need
    assert "上传体检" in html  # the near one's next step
    assert client.post(f"/reservations/{near_r.id}/keep").status_code == 303  # refused, said
