"""One-time links that set an account's password: an admin's password link and a director's
staff invitation (staff_accounts.py) are the same kind. Only the token's SHA-256 is stored; a
link works once, stops when a newer one is made or the account is deactivated, and expires."""
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..audit.services import notify, record
from ..clock import now
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..transactions import command
from .models import PasswordReset, User
from .tokens import digest
from .services import (_revoke_tokens, _void_resets, end_sessions, hash_password,
                       password_problems)


def one_time_link(user: User, *, actor, link_for, ttl: int) -> tuple[str, PasswordReset]:
    """A link that sets the account's password once, within `ttl` seconds; earlier links of the
    account stop working. Only the token's hash is kept. Used for admins' password links and
    directors' staff invitations alike. Flushes; the caller notifies, records and commits.

    `link_for(raw_token)` makes the absolute URL of the page that takes the link.
    """
    _void_resets(user)
    raw = secrets.token_urlsafe(32)
    reset = PasswordReset(user_id=user.id, token_hash=digest(raw), created_at=now(),
                          expires_at=now() + timedelta(seconds=ttl),
                          created_by_id=actor.id if actor is not None else None)
    db.session.add(reset)
    db.session.flush()
    return link_for(raw), reset


@command
def issue_password_reset(user: User, *, actor, link_for) -> tuple[str, PasswordReset]:
    """A one-time link to set a new password, for the admin to pass on; it is also sent to the
    account's inbox (and by email with the other notifications). Earlier links stop working.

    :returns: the link and its record.
    """
    link, reset = one_time_link(user, actor=actor, link_for=link_for,
                                ttl=current_app.config["TUOWEI_RESET_TTL_SECONDS"])
    notify(user.id, "password_reset", at=now(), url=link, expires_at=reset.expires_at)
    record("user.password_reset_issued", reset, actor=actor, centre_id=user.centre_id,
           after={"user_id": user.id, "expires_at": reset.expires_at})
    db.session.commit()
    return link, reset


def reset_for(raw: str) -> PasswordReset | None:
    """The live reset behind a link: unused, unexpired, for an active account."""
    if not raw or len(raw) > 200:
        return None
    reset = db.session.scalar(select(PasswordReset).where(
        PasswordReset.token_hash == digest(raw)).options(joinedload(PasswordReset.user)))
    if (reset is None or reset.used_at is not None or reset.expires_at <= now()
            or not reset.user.is_active):
        return None
    return reset


@command
def reset_password(raw: str, new: str, *, field: str = "new_password",
                   action: str = "user.password_reset", spent: str | None = None) -> User:
    """Set a new password through a one-time link; the link, every session and every API
    token of the account end with it. `field` names the form's password field in errors,
    `action` the audit entry, `spent` the message for a dead link.

    :raises NotFound: the link is unknown, used, expired, or its account inactive.
    :raises ValidationFailed: a weak new password (the link stays usable).
    """
    spent = spent or _("链接无效或已过期，请联系管理员重新获取")
    reset = reset_for(raw)
    if reset is None:
        raise NotFound(spent)
    if problems := password_problems(new):
        raise ValidationFailed(errors={field: problems})
    # The conditional update makes the link single-use even when two requests race.
    claimed = db.session.execute(
        update(PasswordReset).where(PasswordReset.id == reset.id,
                                    PasswordReset.used_at.is_(None))
        .values(used_at=now()).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        raise NotFound(spent)
    user = reset.user
    user.password_hash = hash_password(new)
    end_sessions(user)
    revoked = _revoke_tokens(user)
    _void_resets(user)
    record(action, user, actor=user, centre_id=user.centre_id,
           after={"tokens_revoked": revoked})
    db.session.commit()
    return user
