"""Admins edit, deactivate and reactivate accounts, choose a regulator's scope explicitly, and
hand out one-time password links (issue #12, item 12)."""
from datetime import timedelta

import pytest

from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.auth.models import ApiToken, PasswordReset, User
from tests import factories as f
from tests.conftest import NOW


def login(client, user, password=f.PASSWORD):
    return client.post("/login", data={"login": user.email, "password": password})


def signed_in(client) -> bool:
    return client.get("/account/password").status_code == 200


def audited(db, action, entity_id):
    return db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == action,
                                                         AuditEvent.entity_id == entity_id))


def api_token(client, email, password=f.PASSWORD):
    return client.post("/api/v1/auth/token",
                       json={"email": email, "password": password}).get_json()["token"]


@pytest.fixture
def admin(client):
    a = f.user("admin", email="boss@example.com")
    login(client, a)
    return a


def test_admin_edits_name_email_and_phone(client, db, admin):
    staff = f.user("staff", centre_id=f.centre().id, email="old@example.com")
    resp = client.post(f"/admin/users/{staff.id}", data={
        "name": "新名字", "email": "New@Example.com", "phone": "13800138000"})
    assert resp.status_code == 302
    db.session.refresh(staff)
    assert (staff.name, staff.email, staff.phone) == ("新名字", "new@example.com", "13800138000")
    event = audited(db, "user.updated", staff.id)
    assert event and "old@example.com" in event.before and "new@example.com" in event.after


def test_editing_to_a_taken_email_rerenders_and_changes_nothing(client, db, admin):
    f.user(email="taken@example.com")
    staff = f.user("staff", centre_id=f.centre().id, email="mine@example.com")
    resp = client.post(f"/admin/users/{staff.id}", data={"name": "x", "email": "taken@example.com"})
    assert resp.status_code == 422 and "该邮箱已注册" in resp.get_data(as_text=True)
    db.session.refresh(staff)
    assert staff.email == "mine@example.com"


def test_the_edit_page_shows_the_account(client, admin):
    staff = f.user("staff", centre_id=f.centre().id, email="s@example.com")
    page = client.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    assert 'value="s@example.com"' in page
    assert client.get("/admin/users/999999").status_code == 404


def regulator_form(**extra):
    return {"role": "regulator", "name": "监管", "email": "reg@example.com",
            "password": "Secret-123", **extra}


def test_national_scope_needs_its_confirmation(client, db, admin):
    resp = client.post("/admin/users", data=regulator_form(scope="national"))
    assert resp.status_code == 422 and "全国辖区须勾选确认" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "reg@example.com")) is None
    resp = client.post("/admin/users", data=regulator_form(scope="national", national_confirm="y"))
    assert resp.status_code == 302
    reg = db.session.scalar(db.select(User).where(User.email == "reg@example.com"))
    assert reg.national and reg.district_id is None and reg.city is None


def test_no_scope_is_never_national(client, db, admin):
    resp = client.post("/admin/users", data=regulator_form(national_confirm="y"))
    assert resp.status_code == 422
    assert db.session.scalar(db.select(User).where(User.email == "reg@example.com")) is None


def test_city_scope(client, db, admin):
    f.district(city="宝鸡")
    resp = client.post("/admin/users", data=regulator_form(scope="city", city="宝鸡"))
    assert resp.status_code == 302
    reg = db.session.scalar(db.select(User).where(User.email == "reg@example.com"))
    assert reg.city == "宝鸡" and not reg.national and reg.district_id is None


def test_admin_moves_a_regulator_from_national_to_a_district(client, db, admin):
    d = f.district()
    reg = f.user("regulator", national=True, email="r@example.com")
    resp = client.post(f"/admin/users/{reg.id}", data={
        "name": reg.name, "email": reg.email, "scope": "district", "district": str(d.id)})
    assert resp.status_code == 302
    db.session.refresh(reg)
    assert reg.district_id == d.id and not reg.national
    assert audited(db, "user.updated", reg.id)


def test_deactivation_ends_sessions_and_tokens_at_once(app, client, db, admin):
    staff = f.user("staff", centre_id=f.centre().id, email="s@example.com")
    theirs = app.test_client()
    login(theirs, staff)
    raw = api_token(theirs, "s@example.com")
    assert client.post(f"/admin/users/{staff.id}/deactivate").status_code == 302
    assert not signed_in(theirs)
    assert theirs.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == staff.id)).revoked_at
    assert login(theirs, staff).status_code == 422
    assert audited(db, "user.deactivated", staff.id)
    # Reactivated: signs in again, but the old session stays ended.
    assert client.post(f"/admin/users/{staff.id}/reactivate").status_code == 302
    assert audited(db, "user.reactivated", staff.id)
    fresh = app.test_client()
    assert login(fresh, staff).status_code == 302 and signed_in(fresh)


def test_an_admin_cannot_deactivate_themselves(client, db, admin):
    client.post(f"/admin/users/{admin.id}/deactivate")
    db.session.refresh(admin)
    assert admin.active
    assert signed_in(client)


def issue_link(client, user) -> str:
    resp = client.post(f"/admin/users/{user.id}/password-link")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    page = resp.get_data(as_text=True)
    start = page.index("http://localhost/password/reset/")
    return page[start:page.index('"', start)]


def test_a_password_link_sets_a_new_password_once(app, client, db, admin):
    staff = f.user("staff", centre_id=f.centre().id, email="s@example.com")
    theirs = app.test_client()
    login(theirs, staff)
    raw = api_token(theirs, "s@example.com")
    link = issue_link(client, staff)
    path = link.removeprefix("http://localhost")
    # Also in the account's inbox (and by email, with the other notifications).
    note = db.session.scalar(db.select(Notification).where(Notification.user_id == staff.id,
                                                           Notification.kind == "password_reset"))
    assert link in note.params
    assert audited(db, "user.password_reset_issued",
                   db.session.scalar(db.select(PasswordReset.id)))
    # Only the digest is stored.
    assert path.rsplit("/", 1)[1] not in db.session.scalar(db.select(PasswordReset.token_hash))

    anyone = app.test_client()
    page = anyone.get(path)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    weak = anyone.post(path, data={"new_password": "abcdefghij", "confirm": "abcdefghij"})
    assert weak.status_code == 422  # and the link still works
    resp = anyone.post(path, data={"new_password": "Brand-new-1", "confirm": "Brand-new-1"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    assert audited(db, "user.password_reset", staff.id)
    assert not signed_in(theirs)  # every session ended with the reset
    assert theirs.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert login(app.test_client(), staff).status_code == 422
    assert login(app.test_client(), staff, "Brand-new-1").status_code == 302
    # Used once, never again.
    assert anyone.get(path).status_code == 404
    assert anyone.post(path, data={"new_password": "Other-new-1",
                                   "confirm": "Other-new-1"}).status_code == 404


def test_a_password_link_expires_and_a_new_one_voids_the_old(client, admin):
    staff = f.user("staff", centre_id=f.centre().id, email="s@example.com")
    first = issue_link(client, staff).removeprefix("http://localhost")
    second = issue_link(client, staff).removeprefix("http://localhost")
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    clock.set(NOW + timedelta(days=2))
    assert client.get(second).status_code == 404


def test_only_admins_manage_accounts(client):
    staff = f.user("staff", centre_id=f.centre().id)
    login(client, f.user("regulator"))
    assert client.get(f"/admin/users/{staff.id}").status_code == 403
    assert client.post(f"/admin/users/{staff.id}/deactivate").status_code == 403
    assert client.post(f"/admin/users/{staff.id}/password-link").status_code == 403


def test_admin_finds_a_parent_by_email(client, admin):
    f.user(email="mum@example.com")
    assert "mum@example.com" in client.get("/admin/users?q=mum").get_data(as_text=True)


# The API --------------------------------------------------------------------------------

def bearer(client, user):
    return {"Authorization": f"Bearer {api_token(client, user.email)}"}


def test_api_patch_and_deactivate(app, client, db):
    admin = f.user("admin", email="boss@example.com")
    staff = f.user("staff", centre_id=f.centre().id, email="s@example.com")
    theirs = bearer(client, staff)
    headers = bearer(client, admin)
    resp = client.patch(f"/api/v1/users/{staff.id}", json={"name": "王老师"}, headers=headers)
    assert resp.status_code == 200 and resp.get_json()["name"] == "王老师"
    assert resp.get_json()["email"] == "s@example.com"  # untouched
    resp = client.post(f"/api/v1/users/{staff.id}/deactivate", headers=headers)
    assert resp.status_code == 200 and resp.get_json()["active"] is False
    assert client.get("/api/v1/me", headers=theirs).status_code == 401
    resp = client.post(f"/api/v1/users/{staff.id}/reactivate", headers=headers)
    assert resp.get_json()["active"] is True
    assert client.patch("/api/v1/users/999999", json={"name": "x"},
                        headers=headers).status_code == 404
    assert client.patch(f"/api/v1/users/{admin.id}", json={"name": "x"},
                        headers=bearer(client, f.user("staff", centre_id=staff.centre_id))
                        ).status_code == 403
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "patch" in paths["/api/v1/users/{user_id}"]
    assert "/api/v1/users/{user_id}/deactivate" in paths


def test_api_scope_change_must_be_explicit(client, db):
    admin = f.user("admin", email="boss@example.com")
    reg = f.user("regulator", city="西安", email="r@example.com")
    headers = bearer(client, admin)
    resp = client.patch(f"/api/v1/users/{reg.id}", json={"city": None}, headers=headers)
    assert resp.status_code == 422
    db.session.refresh(reg)
    assert reg.city == "西安" and not reg.national
    resp = client.patch(f"/api/v1/users/{reg.id}", json={"national": True}, headers=headers)
    assert resp.status_code == 200
    db.session.refresh(reg)
    assert reg.national and reg.city is None
