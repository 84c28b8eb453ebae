"""A parent's own data: download it all, delete the account, and a child's ID number."""
import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..auth.permissions import permission_required
from ..web import attempt, flash_errors, refusal, submit
from . import privacy

bp = Blueprint("privacy", __name__)


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入密码以确认"))])


class IdNumberForm(FlaskForm):
    id_number = StringField(_l("身份证号"), validators=[
        DataRequired(_l("请填写身份证号")), Length(min=18, max=18, message=_l("身份证号应为 18 位"))])


@bp.get("/account/export")
@permission_required("privacy.self")
def export():
    data = privacy.export_family(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=tuowei-my-data.json",
        "Cache-Control": "private, no-store"})


@bp.route("/account/delete", methods=["GET", "POST"])
@permission_required("privacy.self")
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        submit(form, lambda: privacy.delete_account(current_user, form.password.data))
        if refusal() is None:
            logout_user()
            flash(_("账号已注销。法律要求保存的记录已匿名化保留。"), "success")
            return redirect(url_for("public.home"))
    return render_template("children/delete_account.html", form=form), \
        422 if form.errors else 200


@bp.post("/children/<int:child_id>/id-number")
@permission_required("child.manage")
def id_number(child_id: int):
    form = IdNumberForm()
    if not form.validate_on_submit():
        flash_errors(form)
    else:
        attempt(lambda: privacy.set_id_number(child_id, current_user, form.id_number.data),
                _("身份证号已加密保存"))
    return redirect(url_for("health.child_checks", child_id=child_id))
