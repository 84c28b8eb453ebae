"""Accounts without HTTP: sign-up rules, passwords, roles and bearer tokens."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.audit.models import AuditEvent
from booking.auth import services, tokens
from booking.auth.models import ApiToken, User
from booking.errors import Conflict, Unauthorized, ValidationFailed
from tests import factories as f
from tests.conftest import NOW


def users(db):
    return db.session.scalar(select(func.count(User.id)))


def test_register_parent_hashes_with_argon2_and_records_consent(db):
    user = services.register_parent(name=" 李妈妈 ", email="Li.Mama@Example.COM",
                                    password="Secret-123", consent=True)
    assert user.role == "parent" and user.centre_id is None
    assert user.name == "李妈妈"
    assert user.email == "li.mama@example.com"
    assert user.password_hash.startswith("$argon2")
    assert "Secret-123" not in user.password_hash
    assert user.consent_at == NOW and user.consent_version == services.CONSENT_VERSION
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "app_user", AuditEvent.entity_id == user.id)).all()
    assert actions == ["user.registered"]


@pytest.mark.parametrize("kwargs, field", [
    ({"consent": False}, "consent"),
    ({"password": "short1"}, "password"),
    ({"password": "12345678901"}, "password"),   # digits only
    ({"password": "onlyletters"}, "password"),   # letters only
    ({"email": None}, "email"),                   # neither email nor phone
])
def test_register_parent_refuses(db, kwargs, field):
    args = dict(name="家长", email="p@example.com", password="Secret-123", consent=True)
    args.update(kwargs)
    with pytest.raises(ValidationFailed) as exc:
        services.register_parent(**args)
    assert field in exc.value.errors
    assert users(db) == 0


def test_register_parent_refuses_a_taken_email_in_any_case(db):
    f.user(email="taken@example.com")
    with pytest.raises(Conflict):
        services.register_parent(name="x", email="TAKEN@example.com", password="Secret-123",
                                 consent=True)
    assert users(db) == 1


def test_register_with_phone_only_and_log_in_with_it(db):
    user = services.register_parent(name="x", phone="13912345678", password="Secret-123",
                                    consent=True)
    assert user.email is None
    assert services.authenticate("13912345678", "Secret-123").id == user.id
    with pytest.raises(Conflict):
        services.register_parent(name="y", phone="13912345678", password="Secret-123",
                                 consent=True)


def test_create_staff_needs_a_centre(db):
    with pytest.raises(ValidationFailed) as exc:
        services.create_user(role="staff", name="s", email="s@example.com",
                             password="Secret-123")
    assert "centre" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.create_user(role="staff", name="s", email="s@example.com",
                             password="Secret-123", centre_id=999_999)
    assert "centre" in exc.value.errors
    c = f.centre()
    with pytest.raises(ValidationFailed) as exc:
        services.create_user(role="regulator", name="r", email="r@example.com",
                             password="Secret-123", centre_id=c.id)
    assert "centre" in exc.value.errors
    assert users(db) == 0
    staff = services.create_user(role="staff", name="s", email="s@example.com",
                                 password="Secret-123", centre_id=c.id)
    assert staff.role == "staff" and staff.centre_id == c.id
    assert staff.consent_at is None


def test_create_user_refuses_unknown_role(db):
    with pytest.raises(ValidationFailed) as exc:
        services.create_user(role="root", name="x", email="x@example.com", password="Secret-123")
    assert "role" in exc.value.errors


def test_authenticate(db):
    user = f.user(email="a@example.com")
    assert services.authenticate("a@example.com", f.PASSWORD).id == user.id
    assert services.authenticate("  A@EXAMPLE.com ", f.PASSWORD).id == user.id
    assert services.authenticate("a@example.com", "wrong-password1") is None
    assert services.authenticate("nobody@example.com", f.PASSWORD) is None
    assert services.authenticate("", f.PASSWORD) is None
    user.active = False
    db.session.commit()
    assert services.authenticate("a@example.com", f.PASSWORD) is None


def test_change_password(db):
    user = f.user(email="a@example.com")
    old_hash = user.password_hash
    with pytest.raises(ValidationFailed) as exc:
        services.change_password(user, "not-my-password1", "New-secret-9")
    assert "current_password" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.change_password(user, f.PASSWORD, "weak")
    assert "new_password" in exc.value.errors
    db.session.refresh(user)
    assert user.password_hash == old_hash

    services.change_password(user, f.PASSWORD, "New-secret-9")
    assert services.authenticate("a@example.com", "New-secret-9").id == user.id
    assert services.authenticate("a@example.com", f.PASSWORD) is None


def test_change_password_revokes_earlier_tokens(db):
    user = f.user(email="a@example.com")
    raw1, _ = tokens.issue_token("a@example.com", f.PASSWORD)
    raw2, _ = tokens.issue_token("a@example.com", f.PASSWORD)
    assert tokens.user_for_token(raw1).id == user.id
    services.change_password(user, f.PASSWORD, "New-secret-9")
    assert tokens.user_for_token(raw1) is None
    assert tokens.user_for_token(raw2) is None
    raw3, _ = tokens.issue_token("a@example.com", "New-secret-9")
    assert tokens.user_for_token(raw3).id == user.id


def test_token_is_stored_hashed_and_expires(app, db):
    user = f.user(email="a@example.com")
    raw, token = tokens.issue_token("a@example.com", f.PASSWORD)
    assert len(raw) >= 40
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert stored == [token.token_hash] and raw not in stored
    assert token.expires_at == NOW + timedelta(seconds=app.config["TUOWEI_TOKEN_TTL_SECONDS"])
    assert tokens.user_for_token(raw).id == user.id

    clock.advance(timedelta(seconds=app.config["TUOWEI_TOKEN_TTL_SECONDS"] - 1))
    assert tokens.user_for_token(raw).id == user.id
    clock.advance(timedelta(seconds=1))
    assert tokens.user_for_token(raw) is None


def test_issue_token_refuses_wrong_password_the_same_way_as_unknown_login(db):
    f.user(email="a@example.com")
    with pytest.raises(Unauthorized) as wrong:
        tokens.issue_token("a@example.com", "wrong-password1")
    with pytest.raises(Unauthorized) as unknown:
        tokens.issue_token("b@example.com", "wrong-password1")
    assert wrong.value.message == unknown.value.message
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_revoked_or_garbage_token_names_nobody(db):
    user = f.user(email="a@example.com")
    raw, _ = tokens.issue_token("a@example.com", f.PASSWORD)
    other = f.user()
    tokens.revoke_token(raw, other)  # someone else's token: nothing happens
    assert tokens.user_for_token(raw).id == user.id
    tokens.revoke_token(raw, user)
    assert tokens.user_for_token(raw) is None
    assert tokens.user_for_token("") is None
    assert tokens.user_for_token("x" * 500) is None
    assert tokens.user_for_token("not-a-token") is None


def test_set_locale(db):
    user = f.user()
    services.set_locale(user, "en")
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
