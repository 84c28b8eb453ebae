"""Sign-up, log in and out and change password through the web pages (CSRF is off in tests)."""
from sqlalchemy import func, select

from booking.auth import services, tokens
from booking.auth.models import User
from tests import factories as f
from tests.conftest import IS_PG, NOW

SIGNUP = {"name": "王妈妈", "email": "wang@example.com", "phone": "", "password": "Secret-123",
          "confirm": "Secret-123", "consent": "y"}


def users(db):
    return db.session.scalar(select(func.count(User.id)))


def login(client, email, password=f.PASSWORD, **extra):
    return client.post("/login", data={"login": email, "password": password}, **extra)


def test_signup_page_renders(client):
    resp = client.get("/signup")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    for name in ("name", "email", "phone", "password", "confirm", "consent"):
        assert f'name="{name}"' in page


def test_signup_creates_a_parent_who_then_signs_in(client, db):
    resp = client.post("/signup", data=SIGNUP)
    # To the login page, as for an address registered already (test_signup_privacy.py).
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    user = db.session.scalar(select(User).where(User.email == "wang@example.com"))
    assert user.role == "parent" and user.name == "王妈妈"
    assert user.consent_at == NOW
    assert user.password_hash.startswith("$argon2")
    resp = client.post("/login", data={"login": "wang@example.com",
                                       "password": SIGNUP["password"]})
    assert resp.status_code == 302
    assert client.get("/account/password").status_code == 200


def _signup_refused(client, db, changes, message, existing=0):
    resp = client.post("/signup", data={**SIGNUP, **changes})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert message in page
    assert 'value="王妈妈"' in page  # the form keeps what was typed
    assert users(db) == existing
    assert client.get("/account/password").status_code == 302  # nobody signed in


def test_signup_without_consent(client, db):
    data = dict(SIGNUP)
    del data["consent"]
    resp = client.post("/signup", data=data)
    assert resp.status_code == 422
    assert "需要您的同意才能注册" in resp.get_data(as_text=True)
    assert users(db) == 0


def test_signup_with_a_weak_password(client, db):
    _signup_refused(client, db, {"password": "abcdefghij", "confirm": "abcdefghij"},
                    "密码需同时包含字母和数字")


def test_signup_with_a_short_password(client, db):
    _signup_refused(client, db, {"password": "ab1", "confirm": "ab1"}, "密码长度为 8 到 128 个字符")


def test_signup_with_mismatched_confirmation(client, db):
    _signup_refused(client, db, {"confirm": "Secret-124"}, "两次输入的密码不一致")


def test_signup_with_a_taken_email_makes_no_account(client, db):
    f.user(email="wang@example.com")
    resp = client.post("/signup", data={**SIGNUP, "email": "WANG@example.com"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    assert users(db) == 1
    assert client.get("/account/password").status_code == 302  # nobody signed in


def test_signup_needs_email_or_phone(client, db):
    _signup_refused(client, db, {"email": ""}, "请填写邮箱或手机号")


def test_signup_with_a_bad_phone(client, db):
    _signup_refused(client, db, {"phone": "12345"}, "请填写 11 位中国大陆手机号")


def test_login_and_logout(client, db):
    user = f.user(email="a@example.com", name="张爸爸")
    resp = login(client, "a@example.com")
    assert resp.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "欢迎回来，张爸爸" in page
    assert client.get("/account/password").status_code == 200
    resp = client.post("/logout")
    assert resp.status_code == 302
    resp = client.get("/account/password")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert user.id  # the account is still there


def test_login_goes_back_to_next_but_never_off_site(client):
    f.user(email="a@example.com")
    resp = login(client, "a@example.com", query_string={"next": "/centres"})
    assert resp.headers["Location"] == "/centres"
    client.post("/logout")
    resp = login(client, "a@example.com", query_string={"next": "https://evil.example/x"})
    assert resp.headers["Location"] == "/"
    client.post("/logout")
    resp = login(client, "a@example.com", query_string={"next": "//evil.example/x"})
    assert resp.headers["Location"] == "/"


def test_login_with_a_wrong_password(client):
    f.user(email="a@example.com")
    resp = login(client, "a@example.com", "Wrong-pass-1")
    assert resp.status_code == 422
    assert "账号或密码不正确" in resp.get_data(as_text=True)
    assert client.get("/account/password").status_code == 302


def test_login_with_an_unknown_account_says_the_same(client):
    resp = login(client, "nobody@example.com")
    assert resp.status_code == 422
    assert "账号或密码不正确" in resp.get_data(as_text=True)


def test_login_with_empty_fields(client):
    resp = client.post("/login", data={"login": "", "password": ""})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "请填写邮箱或手机号" in page and "请填写密码" in page


def test_inactive_account_cannot_log_in(client, db):
    user = f.user(email="a@example.com")
    user.active = False
    db.session.commit()
    assert login(client, "a@example.com").status_code == 422


def test_logout_is_post_only(client):
    f.user(email="a@example.com")
    login(client, "a@example.com")
    assert client.get("/logout").status_code == 405
    assert client.get("/account/password").status_code == 200


def test_password_page_needs_login(client):
    resp = client.get("/account/password")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/login?next=")
    resp = client.post("/account/password", data={"current_password": "x"})
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_change_password_on_the_web(client, db):
    user = f.user(email="a@example.com")
    raw, _ = tokens.issue_token("a@example.com", f.PASSWORD)
    login(client, "a@example.com")

    resp = client.post("/account/password", data={
        "current_password": "Wrong-pass-1", "new_password": "New-secret-9",
        "confirm": "New-secret-9"})
    assert resp.status_code == 422
    assert "当前密码不正确" in resp.get_data(as_text=True)

    resp = client.post("/account/password", data={
        "current_password": f.PASSWORD, "new_password": "New-secret-9",
        "confirm": "New-secret-8"})
    assert resp.status_code == 422
    assert "两次输入的密码不一致" in resp.get_data(as_text=True)
    assert services.authenticate("a@example.com", f.PASSWORD).id == user.id

    resp = client.post("/account/password", data={
        "current_password": f.PASSWORD, "new_password": "New-secret-9",
        "confirm": "New-secret-9"})
    assert resp.status_code == 302
    client.post("/logout")
    assert login(client, "a@example.com").status_code == 422
    assert login(client, "a@example.com", "New-secret-9").status_code == 302
    # The API token issued before the change no longer works.
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert resp.status_code == 401


def test_weak_new_password_is_refused(client):
    f.user(email="a@example.com")
    login(client, "a@example.com")
    resp = client.post("/account/password", data={
        "current_password": f.PASSWORD, "new_password": "abcdefghijk",
        "confirm": "abcdefghijk"})
    assert resp.status_code == 422
    assert "密码需同时包含字母和数字" in resp.get_data(as_text=True)


def test_nul_characters_in_forms_are_refused_not_500(client, db):
    """NUL is never a server error. The answer depends on the database, by design: PostgreSQL
    refuses NUL even in a query parameter (a DataError, answered 400 by errors.py), while
    SQLite takes it, so the login is just a wrong one (422) and the sign-up goes through."""
    resp = client.post("/login", data={"login": "a\x00b@example.com", "password": "x"})
    assert resp.status_code == (400 if IS_PG else 422)
    resp = client.post("/signup", data={**SIGNUP, "name": "王\x00妈妈"})
    assert resp.status_code == (400 if IS_PG else 302)
    if IS_PG:
        assert users(db) == 0


def test_each_role_starts_at_its_home_and_finds_its_work_in_the_menu(client):
    centre = f.centre()
    home = "/home"  # each role's own (docs/homes.md)
    for role, links in (
            ("staff", ("/staff/slots", "/staff/sessions", "/staff/fees")),
            ("regulator", ("/regulator/filings", "/regulator/audit", "/registry")),
            ("admin", ("/admin/users", "/regulator", "/regulator/filings")),
            ("parent", ("/family", "/reservations", "/fees"))):
        u = f.user(role, centre_id=centre.id if role == "staff" else None)
        resp = login(client, u.email)
        assert resp.headers["Location"] == home, role
        nav = client.get(home).get_data(as_text=True).split('class="nav"')[1].split("</nav>")[0]
        for href in links:
            assert f'href="{href}"' in nav, (role, href)
        client.post("/logout")
