"""A centre's staff accounts, managed by its director (docs/permissions.md).

The director invites an account (name, email, staff role); the invitee sets a password through
a one-time link and signs in with that role's powers. The link is signed (SECRET_KEY) over the
account and its current password hash, so it stops working once a password is set, when the
account is deactivated, and after INVITE_MAX_AGE.
"""
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from flask import current_app
from sqlalchemy import func, select

from ..audit.services import notify, record
from ..centres.models import Centre
from ..clock import now
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from .models import STAFF_ROLES, ApiToken, User
from .permissions import allowed, can
from .services import _ensure_free, hash_password, normalise_email, password_problems

ACTION = "staff_accounts.manage"
INVITE_MAX_AGE = 7 * 24 * 3600  # seconds a link is good for; the director can send another


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="staff-invite")


def _fingerprint(user: User) -> str:
    # The hash changes when a password is set, which spends the link.
    return (user.password_hash or "-")[-16:]


def _managed_centre(actor, centre_id: int) -> Centre:
    """:raises Forbidden: not a role that manages staff. :raises NotFound: another centre."""
    if not allowed(actor, ACTION):
        raise Forbidden()
    centre = db.session.get(Centre, centre_id)
    if centre is None or not can(actor, ACTION, centre):
        raise NotFound()
    return centre


def accounts_of(actor, centre_id: int) -> list[User]:
    """The centre's staff accounts (active first), for its director or an admin."""
    _managed_centre(actor, centre_id)
    return db.session.scalars(select(User).where(
        User.centre_id == centre_id, User.role == "staff", User.deleted_at.is_(None))
        .order_by(User.active.desc(), User.name, User.id)).all()


def account_of(actor, centre_id: int, user_id: int) -> User:
    """One of the centre's staff accounts. :raises NotFound: not one of them."""
    _managed_centre(actor, centre_id)
    user = db.session.get(User, user_id)
    if user is None or user.role != "staff" or user.centre_id != centre_id \
            or user.deleted_at is not None:
        raise NotFound()
    return user


def invitation_token(user: User) -> str:
    return _signer().dumps({"u": user.id, "f": _fingerprint(user)})


def invite(actor, centre_id: int, *, name: str, email: str, staff_role: str,
           link_for=None) -> tuple[User, str]:
    """Make a staff account without a password, and queue the invitee an email with the link.

    `link_for(token)` makes the absolute link (the caller knows the host); the link is also
    returned, so a director without email configured can pass it on.

    :raises Forbidden, NotFound: see `_managed_centre`. :raises ValidationFailed: a blank name,
        a bad email or an unknown role. :raises Conflict: the email is taken.
    """
    centre = _managed_centre(actor, centre_id)
    email = normalise_email(email)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("请填写姓名")]
    elif len(name) > 80:
        errors["name"] = [_("最多 %(n)s 个字符", n=80)]
    if not email or "@" not in email or len(email) > 254:
        errors["email"] = [_("邮箱格式不正确")]
    if staff_role not in STAFF_ROLES:
        errors["staff_role"] = [_("未知岗位")]
    if errors:
        raise ValidationFailed(errors=errors)
    _ensure_free(email, None)
    user = User(name=name, email=email, role="staff", staff_role=staff_role,
                centre_id=centre.id, password_hash=None)
    db.session.add(user)
    db.session.flush()
    token = invitation_token(user)
    link = link_for(token) if link_for else token
    record("user.invited", user, actor=actor, centre_id=centre.id,
           after={"email": email, "staff_role": staff_role})
    notify(user.id, "staff_invited", centre=centre.name, link=link)
    db.session.commit()
    return user, link


def invited_user(token: str) -> User:
    """The account a live invitation link names.

    :raises NotFound: a forged, spent, expired link, or a deactivated account.
    """
    try:
        data = _signer().loads(token or "", max_age=INVITE_MAX_AGE)
    except (BadSignature, SignatureExpired):
        raise NotFound(_("邀请链接无效或已过期，请联系机构负责人重新邀请"))
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_active or user.role != "staff" \
            or data.get("f") != _fingerprint(user):
        raise NotFound(_("邀请链接无效或已过期，请联系机构负责人重新邀请"))
    return user


def accept(token: str, password: str) -> User:
    """The invitee sets a password; the link is spent.

    :raises NotFound: see `invited_user`. :raises ValidationFailed: a weak password.
    """
    user = invited_user(token)
    if problems := password_problems(password):
        raise ValidationFailed(errors={"password": problems})
    user.password_hash = hash_password(password)
    record("user.invitation_accepted", user, actor=user, centre_id=user.centre_id)
    db.session.commit()
    return user


def _directors(centre_id: int) -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.centre_id == centre_id, User.role == "staff", User.staff_role == "director",
        User.active.is_(True), User.deleted_at.is_(None)))


def _keep_a_director(user: User) -> None:
    if user.staff_role == "director" and user.active and _directors(user.centre_id) <= 1:
        raise ValidationFailed(errors={"staff_role": [
            _("机构至少需要一位负责人：请先指定另一位负责人")]})


def change_role(actor, centre_id: int, user_id: int, staff_role: str) -> User:
    """:raises ValidationFailed: an unknown role, or demoting the centre's last director."""
    user = account_of(actor, centre_id, user_id)
    if staff_role not in STAFF_ROLES:
        raise ValidationFailed(errors={"staff_role": [_("未知岗位")]})
    if staff_role == user.staff_role:
        return user
    if staff_role != "director":
        _keep_a_director(user)
    before = user.staff_role
    user.staff_role = staff_role
    record("user.staff_role_changed", user, actor=actor, centre_id=centre_id,
           before={"staff_role": before}, after={"staff_role": staff_role})
    db.session.commit()
    return user


def deactivate(actor, centre_id: int, user_id: int) -> User:
    """The account can no longer sign in; its API tokens are revoked.

    :raises ValidationFailed: the centre's last director.
    """
    user = account_of(actor, centre_id, user_id)
    if not user.active:
        return user
    _keep_a_director(user)
    user.active = False
    revoked = 0
    for token in db.session.scalars(select(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))):
        token.revoked_at = now()
        revoked += 1
    record("user.deactivated", user, actor=actor, centre_id=centre_id,
           before={"active": True}, after={"active": False, "tokens_revoked": revoked})
    db.session.commit()
    return user
