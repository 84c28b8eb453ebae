"""API.md, Accounts."""
from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import select

from ..api.framework import current_api_user, endpoint
from ..errors import ValidationFailed
from ..extensions import db
from . import services
from .schemas import RegisterIn, TokenIn, TokenOut, UserCreateIn, UserOut


def _limit():
    from flask import current_app
    return current_app.config["TUOWEI_LOGIN_LIMIT"]


@endpoint("/auth/register", "POST", limit=_limit, summary="Sign up as a parent", tags=["accounts"],
          body=RegisterIn, response=UserOut, status=201, errors=(409,))
def register(body: RegisterIn):
    if not body.consent:
        raise ValidationFailed(errors={"consent": [_("需要监护人同意处理孩子的个人信息")]})
    user = services.register_parent(name=body.name, email=body.email, phone=body.phone,
                                     password=body.password, consent=True)
    return UserOut.model_validate(user)


@endpoint("/auth/token", "POST", limit=_limit, summary="Get a bearer token", tags=["accounts"],
          body=TokenIn, response=TokenOut, errors=(401,))
def token(body: TokenIn):
    raw, tok = services.issue_token(body.email, body.password)
    return TokenOut(token=raw, expires_at=tok.expires_at, user=tok.user)


@endpoint("/auth/token/revoke", "POST", summary="Revoke the token used for this request",
          tags=["accounts"], auth="any")
def revoke_token():
    raw = request.headers.get("Authorization", "")[7:].strip()
    services.revoke_token(raw, g.api_user)
    return {"revoked": True}


@endpoint("/me", summary="The signed-in user", tags=["accounts"], auth="any", response=UserOut)
def me():
    return UserOut.model_validate(current_api_user())


@endpoint("/users", "POST", summary="Create an account of any role (admin)", tags=["accounts"],
          auth=("admin",), body=UserCreateIn, response=UserOut, status=201, errors=(409,))
def create_user(body: UserCreateIn):
    from ..centres.models import District
    district_id = None
    if body.district:
        district_id = db.session.scalar(select(District.id).where(District.code == body.district))
        if district_id is None:
            raise ValidationFailed(errors={"district": [_("区县不存在")]})
    user = services.create_user(role=body.role, name=body.name, email=body.email,
                                password=body.password, centre_id=body.centre_id,
                                district_id=district_id, city=body.city, actor=g.api_user)
    return UserOut.model_validate(user)
