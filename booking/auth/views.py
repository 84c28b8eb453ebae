"""Sign-up, log in and out, change password, and the language switch."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter
from ..inputs import safe_next
from ..web import refusal, submit
from . import links, services
from .forms import ChangePasswordForm, LoginForm, ResetPasswordForm, SignupForm
from .permissions import allowed

bp = Blueprint("auth", __name__)


@bp.app_context_processor
def _permissions():
    """`may('fees.read')` in templates: the same table the routes ask (auth/permissions.py)."""
    return {"may": lambda action: allowed(current_user, action)}


def login_limit():
    """Per client address, for every form that signs in, makes an account or sets a password."""
    return current_app.config["TUOWEI_LOGIN_LIMIT"]


def _safe_next(target):
    """Only redirect back into this site (no open redirect)."""
    return safe_next(target, url_for("public.home"))


def _home_of(user) -> str:
    """Where a person signing in starts: their role's home (docs/homes.md), the day's work
    and what waits for them, each card leading on to where they act."""
    return url_for("homes.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is None:
            form.password.errors.append(_("账号或密码不正确"))
        else:
            login_user(user, remember=form.remember.data)
            session["lang"] = user.locale
            flash(_("欢迎回来，%(name)s", name=user.name), "success")
            target = request.args.get("next")
            return redirect(_safe_next(target) if target else _home_of(user))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    services.log_out(current_user)
    logout_user()
    flash(_("您已退出登录"), "success")
    return redirect(url_for("public.home"))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        # The same answer whether or not the address was registered already (its owner is
        # notified instead, and the service returns None), so sign-up does not tell who has
        # an account here: success is told by no refusal, not by the result.
        submit(form, lambda: services.sign_up_parent(
            name=form.name.data, email=form.email.data, phone=form.phone.data,
            password=form.password.data, consent=form.consent.data,
            locale=session.get("lang", "zh_Hans_CN")),
            _("注册申请已受理，请用您的邮箱或手机号和刚设置的密码登录。如果该邮箱或手机号"
              "此前已注册，新密码不会生效，账号主人会收到通知。"))
        if refusal() is None:
            return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/signup.html", form=form), status


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        submit(form, lambda: services.change_password(current_user, form.current_password.data,
                                                      form.new_password.data), _("密码已修改"))
        if refusal() is None:
            # Every other session of the account has ended; this browser stays signed in.
            login_user(current_user._get_current_object())
            return redirect(url_for("public.home"))
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def reset_password(token):
    """The page behind an admin's one-time link (public: the person cannot sign in)."""
    form = ResetPasswordForm()
    reset = links.reset_for(token)
    if reset is None:
        resp = render_template("error.html", status=404,
                               message=_("链接无效或已过期，请联系管理员重新获取")), 404
    else:
        if form.validate_on_submit() and submit(
                form, lambda: links.reset_password(token, form.new_password.data),
                _("密码已设置，请用新密码登录")):
            return redirect(url_for("auth.login"))
        resp = (render_template("auth/reset_password.html", form=form, account=reset.user),
                422 if form.errors else 200)
    response = current_app.make_response(resp)
    # The token is in the URL: keep it out of Referer headers.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/lang/<code>")
def set_language(code):
    """The language switch on every page; remembered in the session and the account."""
    lang = "en" if code == "en" else "zh_Hans_CN"
    session["lang"] = lang
    if current_user.is_authenticated:
        services.set_locale(current_user, lang)
    return redirect(_safe_next(request.form.get("next")))
