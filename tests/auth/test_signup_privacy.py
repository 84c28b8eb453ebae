"""Sign-up does not tell whether an email or phone is registered: the web form answers the same
for new and taken addresses and notifies the owner instead (issue #12, item 10). The API keeps
docs/api.md's contract: 201 with the new account's id, so a taken address stays 409 there (rate
limited), and its owner is notified too."""
import pytest

from booking.audit.models import AuditEvent, Notification
from booking.audit.render import render_notification
from booking.auth.models import User
from tests import factories as f

SIGNUP = {"name": "王妈妈", "email": "wang@example.com", "phone": "", "password": "Secret-123",
          "confirm": "Secret-123", "consent": "y"}


def answer(client, **changes):
    """What a person signing up sees: the response, then the page it leads to."""
    resp = client.post("/signup", data={**SIGNUP, **changes})
    landing = client.get(resp.headers.get("Location", "/signup"))
    return resp.status_code, resp.headers.get("Location"), landing.get_data(as_text=True)


def strip_csrf(page: str) -> str:
    return "\n".join(line for line in page.splitlines() if "csrf" not in line)


@pytest.mark.parametrize("field,taken,new", [
    ("email", "wang@example.com", "li@example.com"),
    ("phone", "13800138000", "13900139000"),
])
def test_taken_and_new_addresses_get_the_same_answer(app, db, field, taken, new):
    f.user(email="wang@example.com")
    db.session.scalar(db.select(User)).phone = "13800138000"
    db.session.commit()
    other = {"email": "", "phone": ""}
    status_taken, where_taken, page_taken = answer(app.test_client(), **{**other, field: taken})
    status_new, where_new, page_new = answer(app.test_client(), **{**other, field: new})
    assert (status_taken, where_taken) == (status_new, where_new) == (302, "/login")
    assert strip_csrf(page_taken) == strip_csrf(page_new)
    assert "该邮箱已注册" not in page_taken and "该手机号已注册" not in page_taken
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 2  # one new


def test_the_owner_is_notified_and_nothing_changes(client, db):
    owner = f.user(email="wang@example.com")
    before = owner.password_hash
    client.post("/signup", data={**SIGNUP, "email": "Wang@Example.com"})
    db.session.refresh(owner)
    assert owner.password_hash == before
    note = db.session.scalar(db.select(Notification).where(Notification.user_id == owner.id))
    assert note.kind == "signup_attempt"
    title, body = render_notification(note, "zh_Hans_CN")
    assert "尝试" in title and body
    assert db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "user.signup_attempted", AuditEvent.entity_id == owner.id))
    assert client.get("/account/password").status_code == 302  # nobody signed in


def test_notice_reads_in_english(client, db):
    owner = f.user(email="wang@example.com")
    client.post("/signup", data=SIGNUP)
    note = db.session.scalar(db.select(Notification).where(Notification.user_id == owner.id))
    title, body = render_notification(note, "en")
    assert "sign up" in title.lower() and body


def test_the_api_keeps_409_and_notifies_the_owner(client, db):
    owner = f.user(email="wang@example.com")
    resp = client.post("/api/v1/auth/register", json={
        "email": "wang@example.com", "password": "Secret-123", "name": "x"})
    assert resp.status_code == 409 and resp.content_type == "application/problem+json"
    assert db.session.scalar(db.select(Notification).where(
        Notification.user_id == owner.id, Notification.kind == "signup_attempt"))
    resp = client.post("/api/v1/auth/register", json={
        "email": "new@example.com", "password": "Secret-123", "name": "x"})
    assert resp.status_code == 201 and resp.get_json()["role"] == "parent"
