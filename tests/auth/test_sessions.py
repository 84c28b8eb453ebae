"""Logout, a password change and deactivation end every web session of the account, remember-me
cookies included (User.session_version in the login cookie); remember-me lasts 30 days, is
SameSite=Lax, and Secure over HTTPS (issue #12, item 5)."""
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from booking import config, create_app
from booking.auth.models import ApiToken
from booking.extensions import db as _db
from tests import factories as f


def login(client, user, remember=False, **kw):
    data = {"login": user.email, "password": f.PASSWORD}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data, **kw)


def signed_in(client) -> bool:
    return client.get("/account/password").status_code == 200


def remember_cookie(resp) -> str:
    return next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith("remember_token="))


def test_logout_ends_the_other_sessions_of_the_account(app):
    user = f.user(email="a@example.com")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user), login(phone, user)
    assert signed_in(laptop) and signed_in(phone)
    laptop.post("/logout")
    assert not signed_in(laptop)
    assert not signed_in(phone)


def test_a_remember_me_cookie_dies_with_logout(app):
    user = f.user(email="a@example.com")
    browser = app.test_client()
    token = remember_cookie(login(browser, user, remember=True)).split(";")[0].split("=", 1)[1]
    browser.post("/logout")
    thief = app.test_client()  # only the stolen remember-me cookie, no session
    thief.set_cookie("remember_token", token)
    assert not signed_in(thief)


def test_a_remember_me_cookie_works_until_then(app):
    user = f.user(email="a@example.com")
    token = remember_cookie(login(app.test_client(), user, remember=True)).split(";")[0]
    other = app.test_client()
    other.set_cookie("remember_token", token.split("=", 1)[1])
    assert signed_in(other)


def test_a_password_change_ends_other_sessions_and_tokens_but_keeps_this_one(app, client, db):
    user = f.user(email="a@example.com")
    other = app.test_client()
    login(client, user), login(other, user)
    raw = client.post("/api/v1/auth/token", json={"email": "a@example.com",
                                                  "password": f.PASSWORD}).get_json()["token"]
    resp = client.post("/account/password", data={
        "current_password": f.PASSWORD, "new_password": "Newpass-123", "confirm": "Newpass-123"})
    assert resp.status_code == 302
    assert signed_in(client)
    assert not signed_in(other)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert db.session.scalar(db.select(ApiToken)).revoked_at is not None


def test_remember_me_lasts_30_days_and_is_samesite_lax(client):
    user = f.user(email="a@example.com")
    cookie = remember_cookie(login(client, user, remember=True))
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
    expires = parsedate_to_datetime(next(p.split("=", 1)[1] for p in cookie.split("; ")
                                         if p.startswith("Expires")))
    # Flask-Login dates it from the real clock, not booking.clock.
    left = expires - datetime.now(timezone.utc)
    assert timedelta(days=29, hours=23) < left <= timedelta(days=30)


def test_cookies_are_secure_over_https_and_not_over_plain_http(app, monkeypatch):
    monkeypatch.delenv("TUOWEI_SECURE_COOKIES", raising=False)
    secured = create_app(config.TestConfig,
                         SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        user = f.user(email="a@example.com")
        https = login(secured.test_client(), user, remember=True, base_url="https://localhost")
        assert all("Secure" in h for h in https.headers.getlist("Set-Cookie"))
        http = login(secured.test_client(), user, remember=True)
        assert not any("Secure" in h for h in http.headers.getlist("Set-Cookie"))
    finally:
        with secured.app_context():
            _db.engine.dispose()


def test_behind_a_configured_proxy_its_https_counts(app):
    proxied = create_app(config.TestConfig, TUOWEI_PROXIES=1,
                         SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        user = f.user(email="a@example.com")
        resp = login(proxied.test_client(), user, remember=True,
                     headers={"X-Forwarded-Proto": "https"})
        assert all("Secure" in h for h in resp.headers.getlist("Set-Cookie"))
    finally:
        with proxied.app_context():
            _db.engine.dispose()


def test_tuowei_secure_cookies_forces_secure(monkeypatch):
    monkeypatch.setenv("TUOWEI_SECURE_COOKIES", "1")
    cfg = config.Config()
    assert cfg.SESSION_COOKIE_SECURE is True and cfg.REMEMBER_COOKIE_SECURE is True
    monkeypatch.setenv("TUOWEI_SECURE_COOKIES", "0")
    assert config.Config().SESSION_COOKIE_SECURE is False
    monkeypatch.delenv("TUOWEI_SECURE_COOKIES")
    assert config.Config().SESSION_COOKIE_SECURE is None  # then: Secure over HTTPS


def test_logout_is_audited(client, db):
    from booking.audit.models import AuditEvent
    user = f.user(email="a@example.com")
    login(client, user)
    client.post("/logout")
    assert db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "user.logged_out", AuditEvent.entity_id == user.id))
