"""Admins make and manage staff, regulator and admin accounts (and find any account)."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..centres.models import Centre, District
from ..errors import ValidationFailed
from ..extensions import db
from . import links, services
from .admin_forms import ConfirmForm, UserCreateForm, UserEditForm
from .models import User
from .permissions import permission_required
from ..web import attempt, submit

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _offer_scopes(form):
    districts = db.session.scalars(select(District).order_by(District.city, District.code)).all()
    cities = sorted({d.city for d in districts})
    form.district.choices = lambda: [("", "—")] + [(str(d.id), f"{d.city} · {d.name}")
                                                   for d in districts]
    form.city.choices = lambda: [("", "—")] + [(c, c) for c in cities]


def scope_from(form, role) -> tuple[int | None, str | None, bool]:
    """(district_id, city, national) as the form chose them; the service checks there is
    exactly one. Choosing a district or a city names that scope; the country needs its
    radio button and the confirmation box.

    :raises ValidationFailed: national without the confirmation, or a scope without its value.
    """
    if role != "regulator":
        return None, None, False
    scope = form.scope.data or ("district" if form.district.data else
                                "city" if form.city.data else None)
    if scope == "district":
        if not form.district.data:
            raise ValidationFailed(errors={"district": [_("请选择区县")]})
        return int(form.district.data), None, False
    if scope == "city":
        if not form.city.data:
            raise ValidationFailed(errors={"city": [_("请选择城市")]})
        return None, form.city.data, False
    if scope == "national":
        if not form.national_confirm.data:
            raise ValidationFailed(errors={"national_confirm": [
                _("全国辖区须勾选确认")]})
        return None, None, True
    raise ValidationFailed(errors={"scope": [_("监管账号须指定一个辖区：区县、城市，或明确选择全国")]})


def _scope(form, role) -> dict:
    """scope_from's answer as the services' keyword arguments."""
    district_id, city, national = scope_from(form, role)
    return {"district_id": district_id, "city": city, "national": national}


@bp.route("/users", methods=["GET", "POST"])
@permission_required("user.create")
def users():
    form = UserCreateForm()
    centres = db.session.scalars(select(Centre).order_by(Centre.name)).all()
    form.centre.choices = lambda: [("", "—")] + [(str(c.id), f"{c.name} (#{c.id})") for c in centres]
    _offer_scopes(form)
    if form.validate_on_submit() and submit(
            form, lambda: services.create_user(
                role=form.role.data, name=form.name.data, email=form.email.data,
                password=form.password.data,
                centre_id=int(form.centre.data) if form.centre.data else None,
                actor=current_user, **_scope(form, form.role.data)),
            lambda user: _("已创建账号 %(email)s", email=user.email)):
        return redirect(url_for("admin.users"))
    q = (request.args.get("q") or "").strip()[:254]
    query = select(User).where(User.deleted_at.is_(None))
    if q:  # any account, parents too, by name, email or phone
        like = f"%{q.lower()}%"
        query = query.where(or_(func.lower(User.email).like(like), User.phone.like(like),
                                func.lower(User.name).like(like)))
    else:
        query = query.where(User.role != "parent")
    accounts = db.session.scalars(query.order_by(User.role, User.id).limit(200)).all()
    return render_template("auth/admin_users.html", form=form, accounts=accounts, q=q), \
        422 if form.errors else 200


def _account(user_id) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        abort(404)
    return user


def _edit_form(user, fill) -> UserEditForm:
    form = UserEditForm(formdata=None, obj=user) if fill else UserEditForm()
    _offer_scopes(form)
    if fill:
        form.district.data = str(user.district_id) if user.district_id else ""
        form.scope.data = ("district" if user.district_id else "city" if user.city else
                           "national" if user.national else None)
        form.national_confirm.data = bool(user.national)
    return form


def _account_page(user, form, link=None, link_expires=None, status=200):
    return render_template("auth/admin_user.html", account=user, form=form,
                           confirm=ConfirmForm(), link=link, link_expires=link_expires), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required("user.manage")
def edit_user(user_id):
    user = _account(user_id)
    form = _edit_form(user, fill=request.method == "GET")
    if form.validate_on_submit() and submit(
            form, lambda: services.update_user(user, name=form.name.data, email=form.email.data,
                                               phone=form.phone.data, actor=current_user,
                                               **_scope(form, user.role)),
            lambda saved: _("已保存账号 %(login)s", login=saved.login)):
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return _account_page(user, form, status=422 if form.errors else 200)


def _confirmed(user_id) -> User:
    """The account a confirmed button acts on (the confirmation is a form: CSRF-checked)."""
    user = _account(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return user


@bp.post("/users/<int:user_id>/deactivate")
@permission_required("user.manage")
def deactivate_user(user_id):
    user = _confirmed(user_id)
    attempt(lambda: services.deactivate(user, actor=current_user),
            _("已停用账号；其登录和 API 令牌已全部失效"))
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.post("/users/<int:user_id>/reactivate")
@permission_required("user.manage")
def reactivate_user(user_id):
    user = _confirmed(user_id)
    attempt(lambda: services.reactivate(user, actor=current_user), _("已恢复账号"))
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.post("/users/<int:user_id>/password-link")
@permission_required("user.manage")
def password_link(user_id):
    """Shown once on this page, never put in a redirect or a flash cookie."""
    user = _confirmed(user_id)
    issued = attempt(lambda: links.issue_password_reset(
        user, actor=current_user,
        link_for=lambda raw: url_for("auth.reset_password", token=raw, _external=True)))
    if issued is None:
        return redirect(url_for("admin.edit_user", user_id=user.id))
    link, reset = issued
    response = _account_page(user, _edit_form(user, fill=True), link=link,
                             link_expires=reset.expires_at)
    return response[0], response[1], {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
