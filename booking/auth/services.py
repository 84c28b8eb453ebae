"""Accounts: sign-up, passwords and roles (API tokens: tokens.py).

Passwords: Argon2id (argon2-cffi), the winner of the Password Hashing Competition and
OWASP's first choice.
"""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import false, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import notify, record
from ..clock import now
from ..errors import Conflict, RateLimited, ValidationFailed
from ..extensions import db
from ..transactions import command, kept
from . import throttle
from .models import INSTITUTION_ROLES, ROLES, STAFF_ROLES, ApiToken, PasswordReset, User

CONSENT_VERSION = "2026-11"
_hasher = PasswordHasher()
# Verified against when the account does not exist, so timing does not reveal it.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    try:
        # An account without a password (an invitation not yet accepted) never signs in; the
        # dummy is still verified so the answer takes as long.
        return _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH,
                              password) and user is not None and user.password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str) -> list[str]:
    problems = []
    if len(password) < 8:
        problems.append(_("密码至少 8 个字符"))
    if len(password) > 128:
        problems.append(_("密码最多 128 个字符"))
    if password.isdigit() or password.isalpha():
        problems.append(_("密码需同时包含字母和数字"))
    return problems


def normalise_email(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


def find_by_login(login: str) -> User | None:
    login = (login or "").strip()
    if not login:
        return None
    return db.session.scalar(select(User).where(
        or_(func.lower(User.email) == login.lower(), User.phone == login),
        User.deleted_at.is_(None)))


@command
def register_parent(*, name: str, password: str, email=None, phone=None, consent: bool,
                    locale="zh_Hans_CN") -> User:
    """Sign a parent up (the API: its contract answers 409 for a taken address). The owner of
    a taken address is told someone tried it. PIPL art. 31: a guardian's consent is required.

    :raises ValidationFailed: bad password, missing consent, neither email nor phone.
    :raises Conflict: the email or phone is taken.
    """
    email, phone = _check_sign_up(password=password, email=email, phone=phone, consent=consent)
    if _warn_owners(email, phone):
        try:
            ensure_free(email, phone)
        except Conflict as err:
            # The owners' warning stands although the sign-up is refused: they learn that
            # someone tried their address, which is why they are warned at all.
            raise kept(err)
    return _new_parent(name, password, email, phone, locale)


@command
def sign_up_parent(*, name: str, password: str, email=None, phone=None, consent: bool,
                   locale="zh_Hans_CN") -> User | None:
    """Sign a parent up without saying whether the email or phone was registered already (the
    web form): a taken address makes no account, and its owner is notified instead. The same
    work (one password hash) is done either way, so the time taken does not tell either.

    :returns: the new account, or None when the address belongs to someone.
    :raises ValidationFailed: bad password, missing consent, neither email nor phone.
    """
    email, phone = _check_sign_up(password=password, email=email, phone=phone, consent=consent)
    if _warn_owners(email, phone):
        hash_password(password)
        db.session.commit()
        return None
    try:
        return _new_parent(name, password, email, phone, locale)
    except Conflict:  # taken between the look-up and the insert: the same answer, no account
        db.session.rollback()
        return None


def _warn_owners(email, phone) -> bool:
    """Notify the owners of a taken email or phone that someone tried to sign up with it
    (the caller commits)."""
    owners = db.session.scalars(select(User).where(or_(
        func.lower(User.email) == email if email else false(),
        User.phone == phone if phone else false()))).all()
    for owner in owners:
        notify(owner.id, "signup_attempt", at=now())
        record("user.signup_attempted", owner, actor=None)
    return bool(owners)


def _new_parent(name, password, email, phone, locale) -> User:
    user = User(name=name.strip(), email=email, phone=phone, role="parent",
                password_hash=hash_password(password), consent_at=now(),
                consent_version=CONSENT_VERSION, locale=locale)
    db.session.add(user)
    return _commit_new(user, "user.registered")


def _check_sign_up(*, password, email, phone, consent):
    email = normalise_email(email)
    phone = (phone or "").strip() or None
    errors = {}
    if not email and not phone:
        errors["email"] = [_("请填写邮箱或手机号")]
    if problems := password_problems(password):
        errors["password"] = problems
    if not consent:
        errors["consent"] = [_("需要您同意按《个人信息保护法》处理孩子的信息")]
    if errors:
        raise ValidationFailed(errors=errors)
    return email, phone


@command
def create_user(*, role: str, name: str, password: str, email=None, phone=None,
                centre_id=None, district_id=None, city=None, national=False,
                staff_role=None, institution_id=None, institution_role=None,
                actor=None) -> User:
    """Make a staff, regulator, admin or health-institution account (admins, the CLI, and
    exams/institutions.py for a district's institutions).

    A regulator gets exactly one scope: a district, a city, or (explicitly) the country.
    A staff account gets a staff role (auth/permissions.py), the director's by default.

    :raises ValidationFailed: unknown role, staff without a centre, a regulator without
        exactly one scope, weak password.
    """
    email = normalise_email(email)
    errors = {}
    if role not in ROLES:
        errors["role"] = [_("未知角色")]
    if role == "staff" and not centre_id:
        errors["centre"] = [_("工作人员必须属于一个托育机构")]
    if role != "staff" and centre_id:
        errors["centre"] = [_("只有工作人员属于托育机构")]
    if role == "staff":
        staff_role = staff_role or "director"
        if staff_role not in STAFF_ROLES:
            errors["staff_role"] = [_("未知岗位")]
    elif staff_role:
        errors["staff_role"] = [_("只有工作人员有岗位")]
    if role == "institution":
        if not institution_id:
            errors["institution"] = [_("体检机构账号必须属于一个医疗卫生机构")]
        if institution_role not in INSTITUTION_ROLES:
            errors["institution_role"] = [_("请选择医生、护士或登记员")]
    elif institution_id or institution_role:
        errors["institution"] = [_("只有体检机构账号属于医疗卫生机构")]
    city = _scope_problems(role, district_id, city, national, errors)
    if not email and not phone:
        errors["email"] = [_("请填写邮箱或手机号")]
    if problems := password_problems(password):
        errors["password"] = problems
    if errors:
        raise ValidationFailed(errors=errors)
    if centre_id:
        from ..centres.models import Centre
        if db.session.get(Centre, centre_id) is None:
            raise ValidationFailed(errors={"centre": [_("托育机构不存在")]})
    if institution_id:
        from ..exams.models import HealthInstitution
        if db.session.get(HealthInstitution, institution_id) is None:
            raise ValidationFailed(errors={"institution": [_("医疗卫生机构不存在")]})
    ensure_free(email, phone)
    user = User(name=name.strip(), email=email, phone=phone, role=role, centre_id=centre_id,
                staff_role=staff_role if role == "staff" else None,
                district_id=district_id, city=city, national=bool(national),
                password_hash=hash_password(password))
    db.session.add(user)
    if role == "institution":
        from ..exams.models import InstitutionMember
        user.membership = InstitutionMember(institution_id=institution_id, role=institution_role)
    return _commit_new(user, "user.created", actor=actor)


def _scope_problems(role, district_id, city, national, errors) -> str | None:
    """A regulator has exactly one scope; nobody else has any. Adds to `errors`; returns the
    city to store (none when a district is given: the district names its city)."""
    city = (city or "").strip() or None
    if role == "regulator":
        if district_id:
            city = None  # a district names its city already; one scope, never both
        scopes = sum(1 for s in (district_id, city, national) if s)
        if scopes != 1:
            errors["scope"] = [_("监管账号须指定一个辖区：区县、城市，或明确选择全国")]
    elif district_id or city or national:
        errors["scope"] = [_("只有监管账号有辖区")]
    return city


def ensure_free(email, phone, but=None):
    """No other account (but `but`) signs in with this email or phone: a new or changed
    account's address is its own. Emails are compared normalised (normalise_email).

    :raises Conflict: on the field that is taken."""
    others = (User.id != but) if but else true()
    if email and db.session.scalar(select(User.id).where(func.lower(User.email) == email,
                                                         others)):
        raise Conflict(_("该邮箱已注册"), errors={"email": [_("该邮箱已注册")]})
    if phone and db.session.scalar(select(User.id).where(User.phone == phone, others)):
        raise Conflict(_("该手机号已注册"), errors={"phone": [_("该手机号已注册")]})


def _commit_new(user, action, actor=None):
    try:
        db.session.flush()
        record(action, user, after={"role": user.role, "staff_role": user.staff_role,
                                    "centre_id": user.centre_id},
               actor=actor or user, centre_id=user.centre_id)
        db.session.commit()
    except IntegrityError:  # two sign-ups with the same email at once
        raise Conflict(_("该邮箱或手机号已注册"))
    return user


@command
def authenticate(login: str, password: str) -> User | None:
    """:raises RateLimited: too many failed sign-ins for this login (TUOWEI_ACCOUNT_LIMIT),
        whether or not the account exists."""
    if throttle.account_locked(login):
        raise RateLimited(_("该账号登录失败次数过多，请稍后再试"))
    user = find_by_login(login)
    if check_password(user, password) and user.is_active:
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
            db.session.commit()
        return user
    throttle.count_failure(login)
    return None


def end_sessions(user: User) -> None:
    """Every session and remember-me cookie of the account stops working (User.get_id)."""
    user.session_version = (user.session_version or 0) + 1


def _revoke_tokens(user: User) -> int:
    return db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now()).execution_options(synchronize_session=False)).rowcount


def _void_resets(user: User) -> None:
    db.session.execute(
        update(PasswordReset).where(PasswordReset.user_id == user.id,
                                    PasswordReset.used_at.is_(None))
        .values(used_at=now()).execution_options(synchronize_session=False))


@command
def log_out(user: User) -> None:
    """Logging out ends the account's sessions everywhere, not only this browser's."""
    end_sessions(user)
    record("user.logged_out", user, actor=user)
    db.session.commit()


@command
def change_password(user: User, current: str, new: str) -> None:
    """:raises ValidationFailed: wrong current password or a weak new one."""
    if not check_password(user, current):
        raise ValidationFailed(errors={"current_password": [_("当前密码不正确")]})
    if problems := password_problems(new):
        raise ValidationFailed(errors={"new_password": problems})
    user.password_hash = hash_password(new)
    # A changed password ends every session, API token and reset link issued before it.
    end_sessions(user)
    revoked = _revoke_tokens(user)
    _void_resets(user)
    record("user.password_changed", user, actor=user, after={"tokens_revoked": revoked})
    db.session.commit()


@command
def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        user.locale = locale
        db.session.commit()


# Admins manage accounts ------------------------------------------------------------------

@command
def update_user(user: User, *, name: str, email=None, phone=None, district_id=None, city=None,
                national=False, actor) -> User:
    """Change an account's name, email, phone and (regulators) scope.

    :raises ValidationFailed: no email nor phone, a regulator without exactly one scope.
    :raises Conflict: the email or phone belongs to another account.
    """
    email = normalise_email(email)
    phone = (phone or "").strip() or None
    errors = {}
    if not (name or "").strip():
        errors["name"] = [_("请填写姓名")]
    if not email and not phone:
        errors["email"] = [_("请填写邮箱或手机号")]
    city = _scope_problems(user.role, district_id, city, national, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    ensure_free(email, phone, but=user.id)
    fields = ("name", "email", "phone", "district_id", "city", "national")
    before = {f: getattr(user, f) for f in fields}
    user.name, user.email, user.phone = name.strip(), email, phone
    user.district_id, user.city, user.national = district_id, city, bool(national)
    after = {f: getattr(user, f) for f in fields}
    changed = {f for f in fields if before[f] != after[f]}
    if changed:
        record("user.updated", user, actor=actor, centre_id=user.centre_id,
               before={f: before[f] for f in changed}, after={f: after[f] for f in changed})
    try:
        db.session.commit()
    except IntegrityError:  # the same address saved for two accounts at once
        raise Conflict(_("该邮箱或手机号已注册"))
    return user


@command
def deactivate(user: User, *, actor) -> None:
    """The account can no longer sign in; its sessions and API tokens end at once.

    :raises ValidationFailed: an admin deactivating their own account.
    """
    if actor is not None and actor.id == user.id:
        raise ValidationFailed(errors={"account": [_("不能停用自己的账号")]})
    if not user.active:
        return
    user.active = False
    end_sessions(user)
    revoked = _revoke_tokens(user)
    _void_resets(user)
    record("user.deactivated", user, actor=actor, centre_id=user.centre_id,
           after={"tokens_revoked": revoked})
    db.session.commit()


@command
def reactivate(user: User, *, actor) -> None:
    if user.active:
        return
    user.active = True
    record("user.reactivated", user, actor=actor, centre_id=user.centre_id)
    db.session.commit()
