"""PIPL: encrypted and masked ID numbers, the family's data export, deleting an account."""
import json
from datetime import date
from pathlib import Path

import pytest

from booking.audit.models import AuditEvent
from booking.auth.models import User
from booking.children import privacy
from booking.children.models import Child, Guardianship
from booking.errors import Conflict, NotFound, ValidationFailed
from booking.extensions import db as _db
from booking.health import services as health
from booking.health.models import HealthCheck
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from tests import factories as f

ID = "610113202509011234"


def login(client, u):
    assert client.post("/login", data={"login": u.email, "password": f.PASSWORD}).status_code == 302


def actions(db):
    return db.session.scalars(db.select(AuditEvent.action)).all()


def test_id_number_is_encrypted_and_masked(app, db):
    parent = f.user()
    kid = f.child(parent)
    privacy.set_id_number(kid.id, parent, ID)
    db.session.expire_all()
    stored = db.session.get(Child, kid.id)
    assert stored.id_number_masked == "6101**********1234"
    assert ID not in stored.id_number_encrypted
    assert privacy.decrypt(stored.id_number_encrypted) == ID
    raw = db.session.execute(db.text("SELECT id_number_encrypted, id_number_masked FROM child"))
    assert all(ID not in (v or "") for row in raw for v in row)
    event = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "child.id_number_set"))
    assert ID not in (event.after or "")
    # another key cannot read it
    app.config["TUOWEI_FIELD_KEY"] = "another-key"
    assert privacy.decrypt(stored.id_number_encrypted) is None
    with pytest.raises(ValidationFailed):
        privacy.set_id_number(kid.id, parent, "12345")
    with pytest.raises(NotFound):
        privacy.set_id_number(kid.id, f.user(), ID)


def test_id_number_page_shows_it_masked(client, db):
    parent = f.user()
    kid = f.child(parent)
    login(client, parent)
    resp = client.post(f"/children/{kid.id}/id-number", data={"id_number": ID})
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "6101**********1234" in page and ID not in page


@pytest.fixture
def family(app, db):
    c = f.centre()
    s = f.slot(c, capacity=2)
    staff = f.user("staff", centre_id=c.id)
    parent = f.user(name="张三")
    kid = f.child(parent, name="张小宝")
    privacy.set_id_number(kid.id, parent, ID)
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    check = health.submit(kid.id, parent, examined_on=date(2026, 11, 20), institution="妇幼保健院",
                          result="pass", vaccination_verified=True, findings="未见异常")
    health.verify(check.id, staff)
    return {"centre": c, "slot": s, "staff": staff, "parent": parent, "kid": kid, "hold": hold,
            "check": check}


def test_export_has_the_family_data(client, family, db):
    login(client, family["parent"])
    resp = client.get("/account/export")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    data = json.loads(resp.get_data(as_text=True))
    assert data["account"]["email"] == family["parent"].email
    assert data["children"][0]["name"] == "张小宝"
    assert data["children"][0]["id_number_masked"] == "6101**********1234"
    assert ID not in resp.get_data(as_text=True)
    assert data["reservations"][0]["id"] == family["hold"].id
    assert data["health_checks"][0]["findings"] == "未见异常"
    assert any(n["kind"] == "health_check_verified" for n in data["notifications"])
    assert data["session_bookings"] == [] and data["ledger"] == []
    assert "account.exported" in actions(db)
    # other families' data is not in it
    other = f.user()
    f.child(other, name="李小宝")
    assert "李小宝" not in resp.get_data(as_text=True)


def test_export_has_session_bookings_and_the_prepaid_ledger(client, family, db):
    from datetime import time

    from booking.fees import services as fees
    from booking.sessions import services as sessions

    parent, kid, staff = family["parent"], family["kid"], family["staff"]
    s = sessions.publish(family["centre"], sessions.SessionSpec(
        kind="occasional", age_band="toddler", on_date=date(2026, 11, 25), start=time(9),
        end=time(11), capacity=3, price_per_hour_fen=3000), actor=staff)[0]
    booking = sessions.book(session_id=s.id, child_id=kid.id, parent=parent)
    r = family["hold"]
    r.status, r.enrolled_at = "enrolled", r.created_at  # the check in `family` predates the start
    db.session.commit()
    fees.record_payment(family["centre"].id, parent.id, 50000, staff)
    login(client, parent)
    data = client.get("/account/export").get_json()
    assert [(b["id"], b["price_fen"]) for b in data["session_bookings"]] == [(booking.id, 6000)]
    assert [(e["kind"], e["amount_fen"]) for e in data["ledger"]] == [("payment", 50000)]


def test_export_and_delete_are_for_parents(client, family):
    login(client, family["staff"])
    assert client.get("/account/export").status_code == 403
    assert client.get("/account/delete").status_code == 403
    anon = client.application.test_client()
    assert anon.get("/account/export").status_code == 302


def test_delete_needs_the_password_and_no_live_place(client, family, db):
    login(client, family["parent"])
    bad = client.post("/account/delete", data={"password": "wrong"})
    assert bad.status_code == 422 and "密码不正确" in bad.get_data(as_text=True)
    live = client.post("/account/delete", data={"password": f.PASSWORD})
    assert live.status_code == 422 and "请先取消预约" in live.get_data(as_text=True)
    assert db.session.get(User, family["parent"].id).deleted_at is None


def test_delete_anonymises_and_keeps_records(app, client, family, db):
    from booking.health import attachments
    # an attachment on the record is erased with the account
    upload = Path(app.config["TUOWEI_UPLOAD_DIR"])
    upload.mkdir(parents=True, exist_ok=True)
    (upload / "a").write_bytes(b"x")
    check = db.session.get(HealthCheck, family["check"].id)
    check.attachment_path, check.attachment_type, check.attachment_size = "a", "image/png", 1
    db.session.commit()
    reservations.cancel(family["hold"].id, family["parent"])
    parent_id, kid_id = family["parent"].id, family["kid"].id
    email = family["parent"].email
    login(client, family["parent"])
    token_headers = f.bearer(app.test_client(), family["parent"])
    resp = client.post("/account/delete", data={"password": f.PASSWORD})
    assert resp.status_code == 302
    _db.session.expire_all()
    user = db.session.get(User, parent_id)
    assert user.deleted_at is not None and user.email is None and user.phone is None
    assert user.name == privacy.ANON_USER_NAME and user.password_hash is None
    kid = db.session.get(Child, kid_id)
    assert kid.anonymised_at is not None and kid.name == privacy.ANON_CHILD_NAME
    assert kid.id_number_encrypted is None and kid.id_number_masked is None
    # records the law requires are kept, pointing only to anonymised people
    assert db.session.get(Reservation, family["hold"].id) is not None
    kept = db.session.get(HealthCheck, family["check"].id)
    assert kept.result == "pass" and kept.attachment_path is None
    assert not (upload / "a").exists()
    assert {"account.deleted", "child.anonymised"} <= set(actions(db))
    # signed out, cannot sign in again, API token revoked
    assert client.get("/account/export").status_code == 302
    assert client.post("/login", data={"login": email, "password": f.PASSWORD}).status_code == 422
    assert client.get("/api/v1/children", headers=token_headers).status_code == 401
    _ = attachments  # imported for the path helpers used above


def test_child_with_another_guardian_is_kept(client, family, db):
    other = f.user(name="李四")
    db.session.add(Guardianship(child_id=family["kid"].id, user_id=other.id, relation="father",
                                position=2))
    db.session.commit()
    # the place is still live, but the other guardian keeps the child, so deletion goes ahead
    privacy.delete_account(family["parent"], f.PASSWORD)
    _db.session.expire_all()
    kid = db.session.get(Child, family["kid"].id)
    assert kid.anonymised_at is None and kid.name == "张小宝"
    assert [g.user_id for g in kid.guardianships] == [other.id]
    with pytest.raises(Exception):
        privacy.delete_account(family["staff"], f.PASSWORD)


def test_live_sole_child_blocks_deletion_in_the_service(family):
    with pytest.raises(Conflict):
        privacy.delete_account(family["parent"], f.PASSWORD)
