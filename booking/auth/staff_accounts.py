"""A centre's staff accounts, managed by its director (docs/permissions.md).

The director invites an account (name, email, staff role); the invitee sets a password through
a one-time link and signs in with that role's powers. The link is the same kind as an admin's
password link (links.one_time_link: only its hash is stored), so it works once, stops
working when the account is deactivated or a newer link is sent, and after INVITE_MAX_AGE.
"""
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..audit.services import notify, record
from ..centres.models import Centre
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..operators.models import StaffAssignment
from ..transactions import command
from .models import STAFF_ROLES, User
from .permissions import allowed, can
from .links import one_time_link, reset_for, reset_password
from .services import ensure_free, normalise_email
from .services import deactivate as deactivate_account

ACTION = "staff_accounts.manage"
INVITE_MAX_AGE = 7 * 24 * 3600  # seconds a link is good for; the director can send another


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


@command
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
    ensure_free(email, None)
    user = User(name=name, email=email, role="staff", staff_role=staff_role,
                centre_id=centre.id, password_hash=None)
    db.session.add(user)
    db.session.flush()
    # The same one-time links as admins' password links (links.one_time_link).
    link, _reset = one_time_link(user, actor=actor, link_for=link_for or (lambda t: t),
                                 ttl=INVITE_MAX_AGE)
    record("user.invited", user, actor=actor, centre_id=centre.id,
           after={"email": email, "staff_role": staff_role})
    notify(user.id, "staff_invited", centre=centre.name, link=link)
    db.session.commit()
    return user, link


def _spent():
    return _("邀请链接无效或已过期，请联系机构负责人重新邀请")


def invited_user(token: str) -> User:
    """The account a live invitation link names.

    :raises NotFound: a forged, spent, expired link, or a deactivated account.
    """
    reset = reset_for(token)
    if reset is None or reset.user.role != "staff":
        raise NotFound(_spent())
    return reset.user


@command
def accept(token: str, password: str) -> User:
    """The invitee sets a password; the link is spent.

    :raises NotFound: see `invited_user`. :raises ValidationFailed: a weak password.
    """
    invited_user(token)
    return reset_password(token, password, field="password", action="user.invitation_accepted",
                          spent=_spent())


def _directors(centre_id: int) -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.centre_id == centre_id, User.role == "staff", User.staff_role == "director",
        User.active.is_(True), User.deleted_at.is_(None)))


def _keep_a_director(user: User) -> None:
    if user.staff_role == "director" and user.active and _directors(user.centre_id) <= 1:
        raise ValidationFailed(errors={"staff_role": [
            _("机构至少需要一位负责人：请先指定另一位负责人")]})


@command
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
    # The role at this centre is its assignment's too (a switch copies it back).
    db.session.execute(update(StaffAssignment).where(
        StaffAssignment.user_id == user.id, StaffAssignment.centre_id == centre_id,
        StaffAssignment.ended_at.is_(None)).values(staff_role=staff_role))
    record("user.staff_role_changed", user, actor=actor, centre_id=centre_id,
           before={"staff_role": before}, after={"staff_role": staff_role})
    db.session.commit()
    return user


@command
def deactivate(actor, centre_id: int, user_id: int) -> User:
    """The account can no longer sign in; its sessions, API tokens and links end at once
    (services.deactivate, as when an admin does it).

    :raises ValidationFailed: the centre's last director, or the director's own account.
    """
    user = account_of(actor, centre_id, user_id)
    if not user.active:
        return user
    _keep_a_director(user)
    deactivate_account(user, actor=actor)
    return user
