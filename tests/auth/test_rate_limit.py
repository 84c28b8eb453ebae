"""Login, sign-up and token requests are rate limited (TUOWEI_LOGIN_LIMIT), in memory for one
worker and in Redis when several share the count (docs/design.md, Pitfalls)."""
import pytest

from booking import config, create_app
from booking.extensions import db as _db
from booking.extensions import limiter
from tests import factories as f

REDIS_URI = "redis://127.0.0.1:6379/15"


def _limited_app(app, storage_uri):
    """A second app on the test database, with the limiter on (TestConfig turns it off)."""
    limited = create_app(config.TestConfig,
                         SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage_uri,
                         TUOWEI_LOGIN_LIMIT="3 per minute")
    return limited


@pytest.fixture
def limited_client(app):
    limited = _limited_app(app, "memory://")
    yield limited.test_client()
    with limited.app_context():
        _db.engine.dispose()
    limiter.enabled = False  # the limiter object is shared; later apps set their own


@pytest.fixture
def redis_db():
    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    conn.flushdb()
    yield conn
    conn.flushdb()
    conn.close()


def token_request(client, password="Wrong-pass-1"):
    return client.post("/api/v1/auth/token", json={"email": "a@example.com",
                                                   "password": password})


def assert_rate_limited_problem(resp):
    assert resp.status_code == 429
    assert resp.content_type == "application/problem+json"
    body = resp.get_json()
    assert body["type"].endswith("/rate-limited") and body["status"] == 429
    assert body["title"]


def test_fourth_token_request_in_a_minute_is_429(limited_client):
    f.user(email="a@example.com")
    assert [token_request(limited_client).status_code for _ in range(3)] == [401, 401, 401]
    resp = token_request(limited_client, f.PASSWORD)  # even the right password now
    assert_rate_limited_problem(resp)
    assert "Retry-After" in resp.headers or "X-RateLimit-Reset" in resp.headers


def test_web_login_is_limited_too(limited_client):
    f.user(email="a@example.com")
    for _ in range(3):
        resp = limited_client.post("/login", data={"login": "a@example.com",
                                                   "password": "Wrong-pass-1"})
        assert resp.status_code == 422
    resp = limited_client.post("/login", data={"login": "a@example.com",
                                               "password": f.PASSWORD})
    assert resp.status_code == 429
    assert resp.content_type.startswith("text/html")
    assert "请求过于频繁" in resp.get_data(as_text=True)
    # Reading the login page is not counted.
    assert limited_client.get("/login").status_code == 200


def test_register_is_limited(limited_client):
    for n in range(3):
        resp = limited_client.post("/api/v1/auth/register", json={
            "email": f"p{n}@example.com", "password": "Secret-123", "name": "x"})
        assert resp.status_code == 201
    resp = limited_client.post("/api/v1/auth/register", json={
        "email": "p9@example.com", "password": "Secret-123", "name": "x"})
    assert_rate_limited_problem(resp)


def test_other_endpoints_are_not_limited(limited_client):
    for _ in range(6):
        assert limited_client.get("/api/v1/centres").status_code == 200


def test_the_test_app_itself_is_not_limited(client):
    f.user(email="a@example.com")
    assert {token_request(client).status_code for _ in range(6)} == {401}


def test_limits_counted_in_redis(app, redis_db):
    f.user(email="a@example.com")
    limited = _limited_app(app, REDIS_URI)
    try:
        client = limited.test_client()
        assert [token_request(client).status_code for _ in range(3)] == [401, 401, 401]
        assert redis_db.dbsize() > 0  # the counter lives in Redis, shared by every worker
        assert_rate_limited_problem(token_request(client))
        # Another worker (a new app on the same Redis) sees the same count.
        other = _limited_app(app, REDIS_URI)
        try:
            assert_rate_limited_problem(token_request(other.test_client()))
        finally:
            with other.app_context():
                _db.engine.dispose()
    finally:
        with limited.app_context():
            _db.engine.dispose()
        limiter.enabled = False
