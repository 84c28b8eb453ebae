"""A centre's staff accounts, from the centre's own pages (its director), and the invitee's
page to set a password (docs/permissions.md)."""
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from . import staff_accounts
from .forms import AcceptInviteForm, StaffInviteForm, StaffRoleForm, staff_role_choices
from .permissions import permission_required
from ..web import submit

bp = Blueprint("staff_accounts", __name__)


def _link(token: str) -> str:
    return url_for("staff_accounts.accept", token=token, _external=True)


def _index(form, status=200):
    accounts = staff_accounts.accounts_of(current_user, current_user.centre_id)
    return render_template("auth/staff_accounts.html", form=form, accounts=accounts,
                           roles=dict(staff_role_choices())), status


@bp.route("/staff/accounts", methods=["GET", "POST"])
@permission_required("staff_accounts.manage", own_centre=True)
def index():
    form = StaffInviteForm()
    if form.validate_on_submit() and submit(
            form, lambda: staff_accounts.invite(
                current_user, current_user.centre_id, name=form.name.data,
                email=form.email.data, staff_role=form.staff_role.data, link_for=_link),
            lambda made: _("已邀请 %(name)s：邀请邮件已排队发送；也可把此链接转给本人（7 天内有效，仅可使用一次）：%(link)s",
                           name=made[0].name, link=made[1])):
        return redirect(url_for("staff_accounts.index"))
    return _index(form, 422 if form.errors else 200)


def _edit_page(account, form, status=200):
    return render_template("auth/staff_account.html", account=account, form=form,
                           roles=dict(staff_role_choices())), status


@bp.route("/staff/accounts/<int:user_id>", methods=["GET", "POST"])
@permission_required("staff_accounts.manage", own_centre=True)
def edit(user_id: int):
    account = staff_accounts.account_of(current_user, current_user.centre_id, user_id)
    form = StaffRoleForm(staff_role=account.staff_role)
    if form.validate_on_submit() and submit(
            form, lambda: staff_accounts.change_role(current_user, current_user.centre_id,
                                                     user_id, form.staff_role.data),
            lambda changed: _("已更新 %(name)s 的岗位", name=changed.name)):
        return redirect(url_for("staff_accounts.index"))
    return _edit_page(account, form, 422 if form.errors else 200)


@bp.post("/staff/accounts/<int:user_id>/deactivate")
@permission_required("staff_accounts.manage", own_centre=True)
def deactivate(user_id: int):
    account = staff_accounts.account_of(current_user, current_user.centre_id, user_id)
    # The CSRF token is checked for every form post (CSRFProtect); this form has no fields.
    form = StaffRoleForm(formdata=None, staff_role=account.staff_role)
    if submit(form, lambda: staff_accounts.deactivate(current_user, current_user.centre_id,
                                                      user_id),
              lambda gone: _("已停用 %(name)s 的账号，其 API 令牌已作废", name=gone.name)):
        return redirect(url_for("staff_accounts.index"))
    return _edit_page(account, form, 422)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept(token: str):
    """The invitee sets a password (a spent or forged link is a 404 page)."""
    account = staff_accounts.invited_user(token)
    form = AcceptInviteForm()
    if form.validate_on_submit() and submit(
            form, lambda: staff_accounts.accept(token, form.password.data),
            _("密码已设置，请登录")):
        return redirect(url_for("auth.login"))
    return render_template("auth/accept_invite.html", form=form, account=account), \
        422 if form.errors else 200
