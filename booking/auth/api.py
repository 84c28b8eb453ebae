"""The JSON API's accounts and tokens (docs/api.md, Authentication)."""
from flask import g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..api.framework import current_api_user, endpoint
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from . import services, staff_accounts, tokens
from .models import User
from .schemas import (RegisterIn, StaffAccountIn, StaffAccountOut, StaffAccountPatch, TokenIn,
                      TokenOut, UserCreateIn, UserOut, UserPatchIn)


def _limit():
    from flask import current_app
    return current_app.config["TUOWEI_LOGIN_LIMIT"]


@endpoint("/auth/register", "POST", limit=_limit, summary="Sign up as a parent", tags=["accounts"],
          body=RegisterIn, response=UserOut, status=201, errors=(409,))
def register(body: RegisterIn):
    # docs/api.md answers a new account with its id, so a taken address cannot look the same:
    # it stays 409 (rate limited), and the address's owner is notified of the attempt.
    if not body.consent:
        raise ValidationFailed(errors={"consent": [_("需要监护人同意处理孩子的个人信息")]})
    user = services.register_parent(name=body.name, email=body.email, phone=body.phone,
                                     password=body.password, consent=True)
    return UserOut.model_validate(user)


@endpoint("/auth/token", "POST", limit=_limit, summary="Get a bearer token", tags=["accounts"],
          body=TokenIn, response=TokenOut, errors=(401,))
def token(body: TokenIn):
    raw, tok = tokens.issue_token(body.email, body.password)
    return TokenOut(token=raw, expires_at=tok.expires_at, user=tok.user)


@endpoint("/auth/token/revoke", "POST", summary="Revoke the token used for this request",
          tags=["accounts"], auth="any")
def revoke_token():
    raw = request.headers.get("Authorization", "")[7:].strip()
    tokens.revoke_token(raw, g.api_user)
    return {"revoked": True}


@endpoint("/me", summary="The signed-in user", tags=["accounts"], auth="any", response=UserOut)
def me():
    return UserOut.model_validate(current_api_user())


@endpoint("/users", "POST", summary="Create an account of any role (admin)", tags=["accounts"],
          permission="user.create", body=UserCreateIn, response=UserOut, status=201, errors=(409,))
def create_user(body: UserCreateIn):
    district_id = _district_id(body.district)
    user = services.create_user(role=body.role, name=body.name, email=body.email,
                                password=body.password, centre_id=body.centre_id,
                                district_id=district_id, city=body.city, actor=g.api_user)
    return UserOut.model_validate(user)


def _district_id(code):
    from ..centres.models import District
    if not code:
        return None
    district_id = db.session.scalar(select(District.id).where(District.code == code))
    if district_id is None:
        raise ValidationFailed(errors={"district": [_("区县不存在")]})
    return district_id


def _user(user_id) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise NotFound()
    return user


@endpoint("/users/<int:user_id>", "PATCH", summary="Change an account's name, email, phone or "
          "regulator scope (admin)", tags=["accounts"], permission="user.manage", body=UserPatchIn,
          response=UserOut, errors=(404, 409))
def update_user(user_id: int, body: UserPatchIn):
    user = _user(user_id)
    sent = body.model_fields_set
    if sent & {"district", "city", "national"}:
        scope = {"district_id": _district_id(body.district), "city": body.city,
                 "national": bool(body.national)}
    else:
        scope = {"district_id": user.district_id, "city": user.city, "national": user.national}
    services.update_user(
        user, name=body.name if "name" in sent else user.name,
        email=body.email if "email" in sent else user.email,
        phone=body.phone if "phone" in sent else user.phone, actor=g.api_user, **scope)
    return UserOut.model_validate(user)


@endpoint("/users/<int:user_id>/deactivate", "POST", summary="Deactivate an account: its "
          "sessions and tokens end at once (admin)", tags=["accounts"], permission="user.manage",
          response=UserOut, errors=(404,))
def deactivate_user(user_id: int):
    user = _user(user_id)
    services.deactivate(user, actor=g.api_user)
    return UserOut.model_validate(user)


@endpoint("/users/<int:user_id>/reactivate", "POST", summary="Reactivate an account (admin)",
          tags=["accounts"], permission="user.manage", response=UserOut, errors=(404,))
def reactivate_user(user_id: int):
    user = _user(user_id)
    services.reactivate(user, actor=g.api_user)
    return UserOut.model_validate(user)
def staff_account_out(user, invitation_url=None) -> dict:
    return {"id": user.id, "name": user.name, "email": user.email, "centre_id": user.centre_id,
            "staff_role": user.staff_role, "active": user.active,
            "invitation_pending": user.password_hash is None, "invitation_url": invitation_url}


@endpoint("/centres/<int:centre_id>/staff-accounts", summary="The centre's staff accounts",
          tags=["accounts"], permission="staff_accounts.manage", response=list[StaffAccountOut],
          errors=(404,))
def list_staff_accounts(centre_id: int):
    return [staff_account_out(u) for u in staff_accounts.accounts_of(g.api_user, centre_id)]


@endpoint("/centres/<int:centre_id>/staff-accounts", "POST",
          summary="Invite a staff account (the invitee sets a password through a one-time link)",
          tags=["accounts"], permission="staff_accounts.manage", body=StaffAccountIn,
          response=StaffAccountOut, status=201, errors=(404, 409))
def invite_staff_account(centre_id: int, body: StaffAccountIn):
    user, link = staff_accounts.invite(
        g.api_user, centre_id, name=body.name, email=body.email, staff_role=body.staff_role,
        link_for=lambda t: url_for("staff_accounts.accept", token=t, _external=True))
    return staff_account_out(user, link)


@endpoint("/centres/<int:centre_id>/staff-accounts/<int:user_id>", "PATCH",
          summary="Change a staff account's role, or deactivate it (its tokens are revoked)",
          tags=["accounts"], permission="staff_accounts.manage", body=StaffAccountPatch,
          response=StaffAccountOut, errors=(404,))
def patch_staff_account(centre_id: int, user_id: int, body: StaffAccountPatch):
    user = staff_accounts.account_of(g.api_user, centre_id, user_id)
    if body.staff_role is not None:
        user = staff_accounts.change_role(g.api_user, centre_id, user_id, body.staff_role)
    if body.active is False:
        user = staff_accounts.deactivate(g.api_user, centre_id, user_id)
    return staff_account_out(user)
