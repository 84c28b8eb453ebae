"""A leaving date entered wrongly can be corrected, or undone, by the centre's staff while it
is still ahead, with a reason, audited; the family's charges follow the new date (issue #12,
item 10)."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from booking.places import sweeps
from booking import clock
from booking.audit.models import AuditEvent
from booking.errors import Conflict, Forbidden, ValidationFailed
from booking.fees import services as fees
from booking.fees.models import LedgerEntry
from booking.reservations import leaving
from booking.reservations.models import Reservation
from booking.slots.queries import taken_count
from tests import factories as f


@pytest.fixture
def in_care(app, db):
    """A child in care since 1 November (fee 1,800 a month, November charged); today is
    23 November 2026."""
    c, s, staff, parent, kid, r = f.in_care(fee=180000)
    fees.post_monthly_charges()
    return {"slot": s, "staff": staff, "parent": parent, "r": r, "centre": c}


def ledger(db, r):
    return [(e.kind, e.amount_fen, e.month) for e in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.reservation_id == r.id).order_by(LedgerEntry.id))]


def changes(db, r):
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_id == r.id, AuditEvent.action == "reservation.leaving_changed")).all()


def test_staff_correct_a_leaving_date_still_ahead(in_care, db):
    w = in_care
    leaving.end_care(w["r"].id, w["staff"], date(2026, 11, 30), "搬家")
    r = leaving.change_leaving(w["r"].id, w["staff"], date(2026, 11, 27), "日期填错了")
    assert (r.status, r.leaves_on) == ("enrolled", date(2026, 11, 27))
    # November: 1,800 charged; in care 27 of 30 days = 1,620, so 180 credited back
    assert ledger(db, r) == [("charge", 180000, "2026-11"), ("credit", 18000, "2026-11")]
    [event] = changes(db, r)
    assert event.actor_id == w["staff"].id and event.reason == "日期填错了"
    assert '"2026-11-30"' in event.before and '"2026-11-27"' in event.after


def test_a_later_date_charges_the_new_days(in_care, db):
    w = in_care
    leaving.end_care(w["r"].id, w["staff"], date(2026, 11, 30), "搬家")
    r = leaving.change_leaving(w["r"].id, w["staff"], date(2026, 12, 3), "日期填错了")
    assert r.leaves_on == date(2026, 12, 3)
    assert ("charge", 17419, "2026-12") in ledger(db, r)  # 3/31 × 1,800


def test_staff_undo_a_leaving(in_care, db):
    w = in_care
    leaving.end_care(w["r"].id, w["staff"], date(2026, 11, 30), "搬家")
    r = leaving.change_leaving(w["r"].id, w["staff"], None, "家长改变主意")
    assert (r.status, r.leaves_on, r.end_reason) == ("enrolled", None, None)
    clock.set(datetime(2026, 12, 5, 2, tzinfo=timezone.utc))
    assert sweeps.release_leavers() == 0
    assert taken_count(w["slot"].id) == 1
    assert len(changes(db, r)) == 1


def test_the_rules(in_care, db):
    w = in_care
    with pytest.raises(Conflict):  # no leaving date yet
        leaving.change_leaving(w["r"].id, w["staff"], date(2026, 11, 28), "x")
    leaving.end_care(w["r"].id, w["staff"], date(2026, 11, 30), "搬家")
    with pytest.raises(Forbidden):  # staff only
        leaving.change_leaving(w["r"].id, w["parent"], None, "x")
    for day, reason in ((date(2026, 11, 22), "x"), (date(2026, 11, 30), "x"),
                        (date(2026, 11, 28), " ")):
        with pytest.raises(ValidationFailed):
            leaving.change_leaving(w["r"].id, w["staff"], day, reason)
    clock.set(datetime(2026, 12, 1, 2, tzinfo=timezone.utc))  # the leaving day has passed
    with pytest.raises(Conflict):
        leaving.change_leaving(w["r"].id, w["staff"], date(2026, 12, 5), "x")
    assert changes(db, w["r"]) == []


def test_a_month_the_ledger_cannot_restate_is_refused_and_nothing_changes(in_care, db):
    w = in_care
    leaving.end_care(w["r"].id, w["staff"], date(2026, 12, 10), "搬家")  # December charged ahead
    before = ledger(db, w["r"])
    with pytest.raises(Conflict) as err:
        leaving.change_leaving(w["r"].id, w["staff"], date(2026, 12, 20), "日期填错了")
    assert "2026-12" in err.value.message
    db.session.rollback()
    assert db.session.get(Reservation, w["r"].id).leaves_on == date(2026, 12, 10)
    assert ledger(db, w["r"]) == before and changes(db, w["r"]) == []


def test_the_page(in_care, db, client):
    w = in_care
    leaving.end_care(w["r"].id, w["staff"], date(2026, 11, 30), "搬家")
    assert client.post("/login", data={"login": w["staff"].email,
                                       "password": f.PASSWORD}).status_code == 302
    url = f"/reservations/{w['r'].id}/withdraw"
    assert "更改或撤销离园日期" in client.get(url).get_data(as_text=True)
    bad = client.post(f"/reservations/{w['r'].id}/leaving", data={"on_date": "9999-12-31",
                                                                  "reason": "x"})
    assert bad.status_code == 422
    missing = client.post(f"/reservations/{w['r'].id}/leaving", data={"reason": "x"})
    assert missing.status_code == 422 and "撤销离园" in missing.get_data(as_text=True)
    ok = client.post(f"/reservations/{w['r'].id}/leaving", data={"stays": "y", "reason": "填错"})
    assert ok.status_code == 302
    assert db.session.get(Reservation, w["r"].id).leaves_on is None


def test_the_api(in_care, db, client):
    w = in_care
    leaving.end_care(w["r"].id, w["staff"], date(2026, 11, 30), "搬家")
    url = f"/api/v1/reservations/{w['r'].id}/leaving"
    staff = f.bearer(client, w["staff"])
    resp = client.post(url, json={"on_date": "9999-12-31", "reason": "填错"}, headers=staff)
    assert resp.status_code == 422 and "on_date" in resp.get_json()["errors"]
    resp = client.post(url, json={"on_date": "2026-11-28", "reason": "x"},
                       headers=f.bearer(client, w["parent"]))
    assert resp.status_code == 403
    resp = client.post(url, json={"on_date": "2026-11-29", "reason": "填错"}, headers=staff)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"id": w["r"].id, "status": "enrolled", "leaves_on": "2026-11-29"}


def test_the_api_undoes(in_care, client):
    w = in_care
    leaving.end_care(w["r"].id, w["staff"], date(2026, 11, 30), "搬家")
    resp = client.post(f"/api/v1/reservations/{w['r'].id}/leaving",
                       json={"on_date": None, "reason": "留下"}, headers=f.bearer(client, w["staff"]))
    assert resp.status_code == 200 and resp.get_json()["leaves_on"] is None, resp.get_json()
