"""My family: a parent's children, and adding one."""
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..centres.bands import age_in_months
from ..clock import today
from ..web import attempt, flash_errors, submit
from . import services
from .forms import ChildForm, OlderSiblingsForm

bp = Blueprint("children", __name__)


@bp.route("/family", methods=["GET", "POST"])
@permission_required("child.manage")
def family():
    children = services.children_of(current_user)
    form = ChildForm()
    form.twin_of.choices = [("", _("不是双（多）胞胎"))] + [(c.id, c.name) for c in children]
    if form.validate_on_submit() and submit(
            form, lambda: services.add_child(current_user, name=form.name.data,
                                             birth_date=form.birth_date.data,
                                             twin_of=form.twin_of.data,
                                             older_siblings=form.older_siblings.data or 0),
            lambda child: _("已添加孩子：%(name)s", name=child.name)):
        return redirect(url_for("children.family"))
    rows = [(c, age_in_months(c.birth_date, today())) for c in children]
    return render_template("children/family.html", form=form, rows=rows,
                           siblings_form=OlderSiblingsForm), 422 if form.errors else 200


@bp.post("/children/<int:child_id>/older-siblings")
@permission_required("child.manage")
def older_siblings(child_id: int):
    form = OlderSiblingsForm()
    if not form.validate():
        flash_errors(form)
    else:
        attempt(lambda: services.set_older_siblings(child_id, current_user,
                                                    form.older_siblings.data or 0),
                lambda c: _("已保存：%(name)s 有 %(n)s 个年长的兄弟姐妹", name=c.name,
                            n=c.older_siblings))
    return redirect(url_for("children.family"), 303)
