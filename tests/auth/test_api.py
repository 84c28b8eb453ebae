"""docs/api.md, Accounts: register, token, me; tokens that lapse or are revoked stop working."""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from booking import clock
from booking.auth.models import ApiToken, User
from tests import factories as f
from tests.conftest import NOW

PROBLEM = "application/problem+json"


def is_problem(resp, status, slug):
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.content_type == PROBLEM
    body = resp.get_json()
    assert body["type"] == f"https://tuowei.example/problems/{slug}"
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_register(client, db):
    resp = client.post("/api/v1/auth/register", json={
        "email": "li@example.com", "password": "Secret-123", "name": "李妈妈",
        "phone": "13912345678"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert {k: body[k] for k in ("email", "name", "role")} == {
        "email": "li@example.com", "name": "李妈妈", "role": "parent"}
    assert isinstance(body["id"], int)
    user = db.session.get(User, body["id"])
    assert user.phone == "13912345678" and user.consent_at == NOW
    assert user.password_hash.startswith("$argon2")
    assert "password" not in body and "password_hash" not in body


def test_register_duplicate_email_is_409(client, db):
    f.user(email="li@example.com")
    resp = client.post("/api/v1/auth/register", json={
        "email": "LI@example.com", "password": "Secret-123", "name": "x"})
    is_problem(resp, 409, "conflict")
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_register_refusing_consent_or_a_weak_password_is_422(client, db):
    resp = client.post("/api/v1/auth/register", json={
        "email": "a@example.com", "password": "Secret-123", "name": "x", "consent": False})
    assert "consent" in is_problem(resp, 422, "validation")["errors"]
    resp = client.post("/api/v1/auth/register", json={
        "email": "a@example.com", "password": "onlyletters", "name": "x"})
    assert "password" in is_problem(resp, 422, "validation")["errors"]
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_token(app, client, db):
    user = f.user(email="a@example.com", name="张爸爸")
    resp = client.post("/api/v1/auth/token", json={"email": "a@example.com",
                                                   "password": f.PASSWORD})
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == {"token", "expires_at", "user"}
    assert body["user"] == {"id": user.id, "role": "parent", "name": "张爸爸", "centre_id": None,
                            "staff_role": None}
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires.utcoffset() is not None  # an instant with its offset (docs/api.md, Conventions)
    assert expires == NOW + timedelta(seconds=app.config["TUOWEI_TOKEN_TTL_SECONDS"])
    # Only a digest is stored: the token itself is nowhere in the table.
    rows = db.session.execute(select(ApiToken)).scalars().all()
    assert len(rows) == 1
    stored = " ".join(str(getattr(rows[0], c.key)) for c in ApiToken.__table__.columns)
    assert body["token"] not in stored


def test_token_for_staff_names_the_centre(client):
    c = f.centre()
    staff = f.user("staff", email="s@example.com", centre_id=c.id)
    body = client.post("/api/v1/auth/token", json={"email": "s@example.com",
                                                   "password": f.PASSWORD}).get_json()
    assert body["user"] == {"id": staff.id, "role": "staff", "name": staff.name,
                            "centre_id": c.id, "staff_role": "director"}


def test_wrong_password_is_401(client, db):
    f.user(email="a@example.com")
    is_problem(client.post("/api/v1/auth/token", json={"email": "a@example.com",
                                                       "password": "Wrong-pass-1"}),
               401, "unauthorized")
    is_problem(client.post("/api/v1/auth/token", json={"email": "b@example.com",
                                                       "password": f.PASSWORD}),
               401, "unauthorized")
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_me(client):
    user = f.user(email="a@example.com", name="张爸爸")
    resp = client.get("/api/v1/me", headers=f.bearer(client, user))
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["id"] == user.id and body["email"] == "a@example.com"
    assert body["role"] == "parent" and body["name"] == "张爸爸"


def test_me_without_or_with_a_bad_token(client):
    is_problem(client.get("/api/v1/me"), 401, "unauthorized")
    is_problem(client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}),
               401, "unauthorized")
    is_problem(client.get("/api/v1/me", headers={"Authorization": "Basic YTpi"}),
               401, "unauthorized")


def test_the_api_ignores_the_session_cookie(client):
    f.user(email="a@example.com")
    client.post("/login", data={"login": "a@example.com", "password": f.PASSWORD})
    assert client.get("/account/password").status_code == 200  # signed in on the web
    is_problem(client.get("/api/v1/me"), 401, "unauthorized")


def test_expired_token_is_401(app, client):
    user = f.user()
    headers = f.bearer(client, user)
    ttl = app.config["TUOWEI_TOKEN_TTL_SECONDS"]
    clock.advance(timedelta(seconds=ttl - 60))
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    clock.advance(timedelta(seconds=61))
    is_problem(client.get("/api/v1/me", headers=headers), 401, "unauthorized")


def test_revoked_token_is_401(client):
    user = f.user()
    headers = f.bearer(client, user)
    other = f.bearer(client, user)
    resp = client.post("/api/v1/auth/token/revoke", headers=headers)
    assert resp.status_code == 200 and resp.get_json() == {"revoked": True}
    is_problem(client.get("/api/v1/me", headers=headers), 401, "unauthorized")
    assert client.get("/api/v1/me", headers=other).status_code == 200


def test_token_of_a_deactivated_account_is_401(client, db):
    user = f.user()
    headers = f.bearer(client, user)
    user.active = False
    db.session.commit()
    is_problem(client.get("/api/v1/me", headers=headers), 401, "unauthorized")


def test_admin_creates_users_through_the_api(client, db):
    c = f.centre()
    admin = f.user("admin")
    resp = client.post("/api/v1/users", headers=f.bearer(client, admin), json={
        "email": "s@example.com", "password": "Secret-123", "name": "王老师", "role": "staff",
        "centre_id": c.id})
    assert resp.status_code == 201
    assert resp.get_json()["role"] == "staff" and resp.get_json()["centre_id"] == c.id
    resp = client.post("/api/v1/users", headers=f.bearer(client, admin), json={
        "email": "s2@example.com", "password": "Secret-123", "name": "x", "role": "staff"})
    assert "centre" in is_problem(resp, 422, "validation")["errors"]
    parent = f.user()
    resp = client.post("/api/v1/users", headers=f.bearer(client, parent), json={
        "email": "s3@example.com", "password": "Secret-123", "name": "x", "role": "admin"})
    is_problem(resp, 403, "forbidden")
    assert db.session.scalar(select(func.count(User.id)).where(
        User.email.in_(["s2@example.com", "s3@example.com"]))) == 0
