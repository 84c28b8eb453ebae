"""Rate limits never take login down, and count what they should (issue #12, items 8 and 9):
Redis unreachable → limits go on per process with a warning; failed sign-ins are also counted
per account, from any address; behind TUOWEI_PROXIES the client's address is the key; every
form that makes an account or sets a password is limited."""
import logging

import pytest

from booking import config, create_app
from booking.extensions import db as _db
from booking.extensions import limiter
from tests import factories as f

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def make_app(app):
    made = []

    def make(**overrides):
        settings = dict(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                        TUOWEI_LOGIN_LIMIT="3 per minute", TUOWEI_ACCOUNT_LIMIT="50 per minute")
        settings.update(overrides)
        limited = create_app(config.TestConfig, **settings)
        made.append(limited)
        return limited

    yield make
    for limited in made:
        with limited.app_context():
            _db.engine.dispose()
    limiter.enabled = False  # the limiter object is shared; later apps set their own
    limiter._storage_dead = False  # nor should a later app start out "Redis is down"


def web_login(client, login, password, addr="10.0.0.1", **kw):
    return client.post("/login", data={"login": login, "password": password},
                       environ_base={"REMOTE_ADDR": addr}, **kw)


def test_login_works_with_redis_down_and_limits_go_on_per_process(make_app, caplog):
    f.user(email="down@example.com")
    client = make_app(RATELIMIT_STORAGE_URI=DEAD_REDIS).test_client()
    with caplog.at_level(logging.WARNING):
        assert web_login(client, "down@example.com", f.PASSWORD).status_code == 302
    assert any("unreachable" in r.getMessage() for r in caplog.records)
    other = make_app(RATELIMIT_STORAGE_URI=DEAD_REDIS).test_client()
    codes = [web_login(other, "down@example.com", "Wrong-pass-1", addr="10.0.0.9").status_code
             for _ in range(4)]
    assert codes == [422, 422, 422, 429]


def test_api_token_works_with_redis_down(make_app):
    f.user(email="down2@example.com")
    client = make_app(RATELIMIT_STORAGE_URI=DEAD_REDIS).test_client()
    resp = client.post("/api/v1/auth/token", json={"email": "down2@example.com",
                                                   "password": f.PASSWORD})
    assert resp.status_code == 200


def test_failed_sign_ins_are_counted_per_account_from_any_address(make_app):
    f.user(email="target@example.com")
    client = make_app(TUOWEI_LOGIN_LIMIT="100 per minute",
                      TUOWEI_ACCOUNT_LIMIT="3 per minute").test_client()
    for n in range(3):
        assert web_login(client, "target@example.com", "Wrong-pass-1",
                         addr=f"10.1.0.{n}").status_code == 422
    # A fourth address, and the API: the account is resting, even for the right password.
    assert web_login(client, "TARGET@example.com", f.PASSWORD, addr="10.1.0.9").status_code == 429
    resp = client.post("/api/v1/auth/token", json={"email": "target@example.com",
                                                   "password": f.PASSWORD},
                       environ_base={"REMOTE_ADDR": "10.1.0.10"})
    assert resp.status_code == 429 and resp.content_type == "application/problem+json"
    # Other accounts are not affected.
    f.user(email="other@example.com")
    assert web_login(client, "other@example.com", f.PASSWORD, addr="10.1.0.9").status_code == 302


def test_successful_sign_ins_do_not_count_against_the_account(make_app):
    f.user(email="often@example.com")
    client = make_app(TUOWEI_LOGIN_LIMIT="100 per minute",
                      TUOWEI_ACCOUNT_LIMIT="2 per minute").test_client()
    for _ in range(4):
        assert web_login(client, "often@example.com", f.PASSWORD).status_code == 302
        client.post("/logout")


def test_behind_a_proxy_each_client_has_its_own_count(make_app):
    f.user(email="a@example.com")
    client = make_app(TUOWEI_PROXIES=1).test_client()
    for _ in range(3):
        web_login(client, "a@example.com", "Wrong-pass-1", addr="10.0.0.1",
                  headers={"X-Forwarded-For": "203.0.113.7"})
    assert web_login(client, "a@example.com", "Wrong-pass-1", addr="10.0.0.1",
                     headers={"X-Forwarded-For": "203.0.113.8"}).status_code == 422
    assert web_login(client, "a@example.com", "Wrong-pass-1", addr="10.0.0.1",
                     headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 429


def test_without_tuowei_proxies_a_forged_forwarded_for_changes_nothing(make_app):
    f.user(email="a@example.com")
    client = make_app().test_client()
    for n in range(3):
        web_login(client, "a@example.com", "Wrong-pass-1",
                  headers={"X-Forwarded-For": f"198.51.100.{n}"})
    assert web_login(client, "a@example.com", "Wrong-pass-1",
                     headers={"X-Forwarded-For": "198.51.100.99"}).status_code == 429


def test_centre_sign_up_is_limited(make_app, db):
    d = f.district()
    client = make_app().test_client()
    codes = []
    for n in range(4):
        codes.append(client.post("/centres/register", data={
            "name": f"新机构{n}", "kind": "private", "district": d.code, "subdistrict": "街道",
            "address": f"路{n}号", "operator": "运营方", "contact_name": "联系人",
            "email": f"c{n}@example.com", "password": "Secret-123"}).status_code)
    assert codes[-1] == 429
    assert 429 not in codes[:3]


def test_parent_sign_up_page_is_limited(make_app):
    client = make_app().test_client()
    codes = [client.post("/signup", data={"name": "x", "email": f"p{n}@example.com",
                                          "password": "Secret-123", "confirm": "Secret-123",
                                          "consent": "y"}).status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]


def test_password_link_page_is_limited(make_app):
    client = make_app().test_client()
    codes = [client.post("/password/reset/not-a-token", data={
        "new_password": "Secret-123", "confirm": "Secret-123"}).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_production_without_redis_warns_at_start_up(app, caplog, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("TUOWEI_DEV", raising=False)
    with caplog.at_level(logging.WARNING):
        prod = create_app(config.Config, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    with prod.app_context():
        _db.engine.dispose()
    limiter.enabled = False
    assert any("REDIS_URL" in r.getMessage() and "per worker" in r.getMessage()
               for r in caplog.records)
