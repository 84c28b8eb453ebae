"""API tokens: 256 random bits from `secrets`, handed out once; only their SHA-256 is stored,
so a copy of the database holds nothing a client could send."""
import hashlib
import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..clock import now
from ..errors import Unauthorized
from ..extensions import db
from ..transactions import command
from .models import ApiToken, User
from .services import authenticate


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@command
def issue_token(login: str, password: str) -> tuple[str, ApiToken]:
    """:raises Unauthorized: wrong login or password (the same answer for both)."""
    user = authenticate(login, password)
    if user is None:
        raise Unauthorized(_("邮箱或密码不正确"))
    raw = secrets.token_urlsafe(32)
    ttl = current_app.config["TUOWEI_TOKEN_TTL_SECONDS"]
    token = ApiToken(user_id=user.id, token_hash=digest(raw), created_at=now(),
                     expires_at=now() + timedelta(seconds=ttl))
    db.session.add(token)
    record("token.issued", token, actor=user, after={"expires_at": token.expires_at})
    db.session.commit()
    return raw, token


@cache
def _token_by_hash():
    # Built once: every API request runs it, and building it costs more than running it.
    return (select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash"))
            .options(joinedload(ApiToken.user)))


def user_for_token(raw: str) -> User | None:
    if not raw or len(raw) > 200:
        return None
    # The user comes in the same query: every API request asks (one round trip, not two).
    token = db.session.scalar(_token_by_hash(), {"token_hash": digest(raw)})
    if token is None or token.revoked_at is not None or token.expires_at <= now():
        return None
    return token.user if token.user.is_active else None


@command
def revoke_token(raw: str, user: User) -> None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(raw),
                                                     ApiToken.user_id == user.id))
    if token is not None and token.revoked_at is None:
        token.revoked_at = now()
        record("token.revoked", token, actor=user)
        db.session.commit()
