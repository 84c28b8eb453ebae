"""Staff roles and the permission table (auth/permissions.py): the table itself, each staff
role on pages and the API, and a director managing the centre's staff accounts."""
import json
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.auth import permissions as perms
from booking.auth import services as auth
from booking.auth.models import ApiToken, User
from booking.errors import ValidationFailed
from booking.health import services as health
from booking.reservations import services as reservations
from booking.reservations import enrolment
from booking.reservations.models import Reservation
from tests import factories as f

STAFF = ("director", "carer", "health", "finance")


# --- the table ------------------------------------------------------------------------------

def test_every_rule_names_a_known_principal_and_scope():
    for action, rules in perms.TABLE.items():
        assert rules, action
        for who, scope in rules.items():
            assert who in perms.PRINCIPALS, (action, who)
            assert scope in (perms.OWN, perms.CENTRE, perms.JURISDICTION, perms.ALL,
                             perms.INSTITUTION, perms.OPERATOR), action


def test_the_director_can_do_whatever_any_staff_role_can():
    for action, rules in perms.TABLE.items():
        if any(r in rules for r in STAFF):
            # Three reach past the current centre: each account's own switch between its
            # assignments, and the 运营负责人's overview and transfer decisions
            # (docs/operators.md).
            expected = {"staff.switch": perms.OWN, "operator.overview": perms.OPERATOR,
                        "transfer.decide": perms.OPERATOR}
            assert rules.get("director") == expected.get(action, perms.CENTRE), action


def test_what_each_staff_role_may_do():
    def may(role):
        return {a for a, rules in perms.TABLE.items() if role in rules}

    carer, health_worker, finance = may("carer"), may("health"), may("finance")
    assert {"attendance.record", "attendance.read", "roster.read"} <= carer
    assert not carer & {"health_record.read", "health_record.verify", "fees.read",
                        "fees.record", "roster.manage", "reservation.confirm",
                        "staff_accounts.manage"}
    assert {"health_record.read", "health_record.verify", "health_record.submit",
            "attendance.record"} <= health_worker
    assert not health_worker & {"fees.read", "reservation.confirm", "staff_accounts.manage"}
    assert {"fees.read", "fees.record"} <= finance
    assert not finance & {"health_record.read", "attendance.record", "roster.manage",
                          "staff_accounts.manage"}


def test_allowed_and_can_with_the_scope(app):
    xa, bj = f.district(city="西安"), f.district(city="北京")
    a, b = f.centre(xa), f.centre(bj)
    director = f.user("staff", centre_id=a.id)
    carer = f.user("staff", centre_id=a.id, staff_role="carer")
    regulator = f.user("regulator", city="西安")
    admin = f.user("admin")
    parent = f.user()
    assert perms.allowed(director, "reservation.confirm")
    assert perms.can(director, "reservation.confirm", a)
    assert not perms.can(director, "reservation.confirm", b)
    assert not perms.can(director, "reservation.confirm", b.id)
    assert not perms.allowed(carer, "reservation.confirm")
    assert not perms.can(carer, "reservation.confirm", a)
    assert perms.can(regulator, "roster.read", a) and not perms.can(regulator, "roster.read", b)
    assert perms.can(admin, "fees.read", b) and not perms.allowed(admin, "health_record.read")
    assert perms.allowed(parent, "reservation.create")
    # A family's reach is by guardianship, never by centre.
    assert not perms.can(parent, "reservation.create", a)
    assert perms.principal(None) is None
    assert not perms.allowed(None, "reservation.read")


def test_a_page_cannot_name_an_action_the_table_lacks():
    with pytest.raises(KeyError):
        perms.permission_required("reservation.approve")


def test_every_guarded_route_names_an_action_of_the_table(app):
    guarded = {name: getattr(view, "permission", None)
               for name, view in app.view_functions.items()}
    named = {a for a in guarded.values() if a}
    assert named <= set(perms.TABLE)
    # Every action of the table guards some route (no dead rows).
    assert set(perms.TABLE) - named <= set()


# --- the column ------------------------------------------------------------------------------

def test_staff_default_to_director_and_only_staff_have_a_staff_role(app):
    c = f.centre()
    assert f.user("staff", centre_id=c.id).staff_role == "director"
    assert f.user("staff", centre_id=c.id, staff_role="finance").staff_role == "finance"
    with pytest.raises(ValidationFailed) as err:
        f.user("staff", centre_id=c.id, staff_role="cook")
    assert "staff_role" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        f.user("admin", staff_role="carer")
    assert "staff_role" in err.value.errors


def test_the_database_refuses_staff_without_a_staff_role(app, db):
    c = f.centre()
    db.session.add(User(name="x", email="x@example.com", role="staff", centre_id=c.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(User(name="y", email="y@example.com", role="parent", staff_role="carer"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_cli_creates_staff_with_a_staff_role(runner, db):
    c = f.centre()
    result = runner.invoke(args=["users", "create", "--role", "staff", "--email", "h@example.com",
                                 "--password", "Passw0rd-x", "--centre", str(c.id),
                                 "--staff-role", "health"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.staff_role).where(User.email == "h@example.com")) \
        == "health"


# --- staff roles at work -----------------------------------------------------------------------

@pytest.fixture
def world(app):
    f.policy(city="西安")
    c = f.centre(f.district(city="西安"))
    slot = f.slot(c, capacity=3, starts_on=date(2026, 11, 23))
    parent = f.user()
    kid = f.child(parent)
    hold = reservations.place_hold(slot_id=slot.id, child_id=kid.id, parent=parent)
    check = health.submit(kid.id, parent, examined_on=clock.today(), institution="妇幼保健院",
                          result="pass", vaccination_verified=True)
    staff = {r: f.user("staff", centre_id=c.id, staff_role=r) for r in STAFF}
    return {"centre": c, "slot": slot, "parent": parent, "kid": kid, "hold": hold,
            "check": check, **staff}


def login(client, user, password=f.PASSWORD):
    resp = client.post("/login", data={"login": user.email, "password": password})
    assert resp.status_code == 302, resp.status_code
    return client


def test_a_carer_cannot_confirm_a_reservation_or_see_fees_or_health_records(client, world, db):
    carer, hold = world["carer"], world["hold"]
    login(client, carer)
    assert client.post(f"/staff/reservations/{hold.id}/confirm").status_code == 403
    assert client.get("/staff/fees").status_code == 403
    assert client.get("/staff/health").status_code == 403
    assert client.get(f"/health-checks/{world['check'].id}").status_code == 403
    assert client.get("/staff/attendance").status_code == 200
    roster = client.get("/staff/roster")
    assert roster.status_code == 200
    assert "/staff/roster/shifts" not in roster.get_data(as_text=True)  # reads, plans nothing
    assert client.post("/staff/roster/shifts", data={}).status_code == 403
    # The menu offers what the role may use, and nothing else.
    page = client.get("/staff/attendance").get_data(as_text=True)
    assert "/staff/attendance" in page and "/staff/fees" not in page
    assert "/staff/health" not in page
    h = f.bearer(client, carer)
    resp = client.post(f"/api/v1/reservations/{hold.id}/confirm", headers=h)
    assert resp.status_code == 403 and resp.get_json()["type"].endswith("/forbidden")
    assert client.get(f"/api/v1/centres/{world['centre'].id}/ledger", headers=h).status_code == 403
    assert client.post(f"/api/v1/health-checks/{world['check'].id}/verify",
                       headers=h).status_code == 403
    db.session.expire_all()
    assert db.session.get(Reservation, hold.id).status == "held"


def test_a_service_refuses_a_role_without_the_action(world):
    with pytest.raises(Exception) as err:
        enrolment.confirm(world["hold"].id, world["carer"])
    assert err.value.status == 403
    with pytest.raises(Exception) as err:
        health.verify(world["check"].id, world["finance"])
    assert err.value.status == 404  # finance sees no health record, so none is there to verify


def test_finance_records_a_payment_but_sees_no_health_records(client, world, db):
    parent, centre = world["parent"], world["centre"]
    kid = f.child(parent, birth_date=date(2025, 3, 1))
    db.session.add(Reservation(slot_id=world["slot"].id, child_id=kid.id, parent_id=parent.id,
                               status="enrolled", enrolled_at=clock.now()))
    db.session.commit()
    h = f.bearer(client, world["finance"])
    resp = client.post(f"/api/v1/centres/{centre.id}/payments", headers=h,
                       json={"parent_id": parent.id, "amount_fen": 50000})
    assert resp.status_code == 201, resp.get_json()
    assert client.get(f"/api/v1/centres/{centre.id}/ledger", headers=h).status_code == 200
    login(client, world["finance"])
    assert client.get("/staff/fees").status_code == 200
    assert client.get("/staff/health").status_code == 403
    assert client.get(f"/health-checks/{world['check'].id}").status_code == 403
    assert client.get(f"/children/{world['kid'].id}/health").status_code == 403
    assert client.get("/staff/attendance").status_code == 403


def test_a_health_worker_verifies_an_intake_check(client, world, db):
    h = f.bearer(client, world["health"])
    resp = client.post(f"/api/v1/health-checks/{world['check'].id}/verify", headers=h)
    assert resp.status_code == 200 and resp.get_json()["status"] == "verified"
    # ...and may not enrol the child: that is the director's.
    resp = client.post(f"/api/v1/reservations/{world['hold'].id}/confirm", headers=h)
    assert resp.status_code == 403
    hd = f.bearer(client, world["director"])
    resp = client.post(f"/api/v1/reservations/{world['hold'].id}/confirm", headers=hd)
    assert resp.status_code == 200 and resp.get_json()["status"] == "enrolled"


# --- staff accounts ---------------------------------------------------------------------------

def _invite_link(db, user_id):
    note = db.session.scalar(select(Notification).where(Notification.user_id == user_id,
                                                        Notification.kind == "staff_invited"))
    link = json.loads(note.params)["link"]
    return link[link.index("/invite/"):]


def test_a_director_invites_a_carer_who_sets_a_password_and_signs_in(client, world, db):
    director = world["director"]
    login(client, director)
    page = client.get("/staff/accounts")
    assert page.status_code == 200 and world["carer"].email in page.get_data(as_text=True)
    bad = client.post("/staff/accounts", data={"name": "", "email": "nope", "staff_role": "carer"})
    assert bad.status_code == 422
    resp = client.post("/staff/accounts", data={"name": "新保育员", "email": "New@Example.com",
                                                "staff_role": "carer"})
    assert resp.status_code == 302
    invitee = db.session.scalar(select(User).where(User.email == "new@example.com"))
    assert (invitee.role, invitee.staff_role, invitee.centre_id) == \
        ("staff", "carer", world["centre"].id)
    assert invitee.password_hash is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.invited",
                                                      AuditEvent.entity_id == invitee.id))
    # Without a password nobody signs in as the invitee, whatever they type.
    assert auth.authenticate("new@example.com", "not-a-real-password") is None
    client.post("/logout")
    link = _invite_link(db, invitee.id)
    assert client.get(link).status_code == 200
    weak = client.post(link, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 422
    resp = client.post(link, data={"password": "Carer-pass-1", "confirm": "Carer-pass-1"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    # The link is spent.
    assert client.get(link).status_code == 404
    assert client.post(link, data={"password": "Other-pass-1",
                                   "confirm": "Other-pass-1"}).status_code == 404
    login(client, invitee, "Carer-pass-1")
    assert client.get("/staff/attendance").status_code == 200
    assert client.get("/staff/fees").status_code == 403
    assert client.get("/staff/accounts").status_code == 403


def test_only_directors_manage_staff_accounts(client, world):
    for role in ("carer", "health", "finance"):
        client.post("/logout")
        login(client, world[role])
        assert client.get("/staff/accounts").status_code == 403
        assert client.post("/staff/accounts", data={"name": "x", "email": "x@example.com",
                                                    "staff_role": "director"}).status_code == 403
        h = f.bearer(client, world[role])
        assert client.get(f"/api/v1/centres/{world['centre'].id}/staff-accounts",
                          headers=h).status_code == 403
    assert User.query.filter_by(email="x@example.com").first() is None


def test_a_director_of_one_centre_cannot_manage_staff_at_another(client, world, db):
    other = f.centre()
    other_director = f.user("staff", centre_id=other.id)
    other_carer = f.user("staff", centre_id=other.id, staff_role="carer")
    h = f.bearer(client, world["director"])
    assert client.get(f"/api/v1/centres/{other.id}/staff-accounts", headers=h).status_code == 404
    assert client.post(f"/api/v1/centres/{other.id}/staff-accounts", headers=h,
                       json={"name": "x", "email": "x@example.com",
                             "staff_role": "carer"}).status_code == 404
    # Its own centre's address with another centre's account is no way round.
    for centre_id in (other.id, world["centre"].id):
        resp = client.patch(f"/api/v1/centres/{centre_id}/staff-accounts/{other_carer.id}",
                            headers=h, json={"active": False})
        assert resp.status_code == 404
    login(client, world["director"])
    assert client.get(f"/staff/accounts/{other_carer.id}").status_code == 404
    assert client.post(f"/staff/accounts/{other_carer.id}/deactivate").status_code == 404
    assert "x@example.com" not in client.get("/staff/accounts").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, other_carer.id).active
    assert other_director.active


def test_the_last_director_cannot_step_down(client, world, db):
    director = world["director"]
    login(client, director)
    resp = client.post(f"/staff/accounts/{director.id}", data={"staff_role": "carer"})
    assert resp.status_code == 422
    assert client.post(f"/staff/accounts/{director.id}/deactivate").status_code == 422
    h = f.bearer(client, director)
    resp = client.patch(f"/api/v1/centres/{world['centre'].id}/staff-accounts/{director.id}",
                        headers=h, json={"staff_role": "finance"})
    assert resp.status_code == 422 and "staff_role" in resp.get_json()["errors"]
    db.session.expire_all()
    assert db.session.get(User, director.id).staff_role == "director"
    # With a second director, the first may hand over.
    resp = client.patch(f"/api/v1/centres/{world['centre'].id}/staff-accounts/{world['carer'].id}",
                        headers=h, json={"staff_role": "director"})
    assert resp.status_code == 200 and resp.get_json()["staff_role"] == "director"
    resp = client.post(f"/staff/accounts/{director.id}", data={"staff_role": "finance"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, director.id).staff_role == "finance"


def test_deactivating_revokes_the_tokens_and_is_audited(client, world, db):
    finance = world["finance"]
    hf = f.bearer(client, finance)
    assert client.get(f"/api/v1/centres/{world['centre'].id}/ledger", headers=hf).status_code == 200
    hd = f.bearer(client, world["director"])
    resp = client.patch(f"/api/v1/centres/{world['centre'].id}/staff-accounts/{finance.id}",
                        headers=hd, json={"active": False})
    assert resp.status_code == 200 and resp.get_json()["active"] is False
    assert client.get(f"/api/v1/centres/{world['centre'].id}/ledger", headers=hf).status_code == 401
    assert db.session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == finance.id))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivated",
                                                       AuditEvent.entity_id == finance.id))
    assert event is not None and event.actor_id == world["director"].id
    # A deactivated account signs in no more, answered as a wrong password (nothing told).
    refused = client.post("/login", data={"login": finance.email, "password": f.PASSWORD})
    assert refused.status_code == 422 and "账号或密码不正确" in refused.get_data(as_text=True)


def test_the_api_invites_and_lists(client, world, db):
    h = f.bearer(client, world["director"])
    url = f"/api/v1/centres/{world['centre'].id}/staff-accounts"
    resp = client.post(url, headers=h, json={"name": "财务二", "email": "f2@example.com",
                                             "staff_role": "finance"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["staff_role"] == "finance" and body["invitation_pending"] is True
    assert "/invite/" in body["invitation_url"]
    assert client.post(url, headers=h, json={"name": "x", "email": "f2@example.com",
                                             "staff_role": "finance"}).status_code == 409
    assert client.post(url, headers=h, json={"name": "x", "email": "y@example.com",
                                             "staff_role": "cook"}).status_code == 422
    listed = client.get(url, headers=h).get_json()
    assert {a["email"] for a in listed} >= {"f2@example.com", world["carer"].email}
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/centres/{centre_id}/staff-accounts"]["post"]
    assert op["x-permission"] == "staff_accounts.manage"
