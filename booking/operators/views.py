"""Regulator pages for operators (docs/operators.md): the list in scope, registering and
changing one, linking centres, and one decision across its centres."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.permissions import permission_required
from ..centres.models import Centre, District
from ..clock import today
from ..extensions import db
from ..inputs import parse_day
from ..regulator.jurisdiction import centre_ids, district_clause
from ..web import attempt, submit
from . import closure, managers, queries, services
from .forms import DecideAllForm, LinkForm, ManagerForm, OperatorForm

bp = Blueprint("operators", __name__)


def _districts():
    return db.session.scalars(select(District).where(district_clause(current_user))
                              .order_by(District.city, District.code)).all()


def _fields(form) -> dict:
    return {k: getattr(form, k).data for k in (*services.FIELDS, "district")}


@bp.get("/regulator/operators")
@permission_required("operator.manage")
def index():
    return render_template("operators/list.html", rows=queries.listing(current_user))


@bp.route("/regulator/operators/new", methods=["GET", "POST"])
@permission_required("operator.manage")
def new():
    form = OperatorForm(_districts())
    if form.validate_on_submit():
        op = submit(form, lambda: services.create_operator(current_user, **_fields(form)),
                    _("已登记举办者"))
        if op:
            return redirect(url_for("operators.detail", operator_id=op.id))
    return render_template("operators/form.html", form=form, op=None), \
        422 if form.errors else 200


@bp.route("/regulator/operators/<int:operator_id>/edit", methods=["GET", "POST"])
@permission_required("operator.manage")
def edit(operator_id):
    op = queries.operator_for(current_user, operator_id)
    if not services.may_edit(current_user, op):
        abort(403)
    form = OperatorForm(_districts(), obj=op, data=None if request.method == "POST"
                        else {"district": op.district.code})
    if form.validate_on_submit() and submit(
            form, lambda: services.update_operator(current_user, operator_id, **_fields(form)),
            _("已保存")):
        return redirect(url_for("operators.detail", operator_id=operator_id))
    return render_template("operators/form.html", form=form, op=op), \
        422 if form.errors else 200


def _page(op, link_form=None, decide_form=None, manager_form=None, status=200):
    links = queries.links_in_scope(current_user, op.id)
    linkable = db.session.scalars(select(Centre).where(Centre.id.in_(centre_ids(current_user)))
                                  .order_by(Centre.name, Centre.id)).all()
    action = (decide_form.action.data if decide_form and decide_form.action.data
              in closure.ACTIONS else "suspend")
    targets = closure.targets(current_user, op.id, action)
    decide_form = decide_form or DecideAllForm(formdata=None, effective_on=today())
    return render_template("operators/detail.html", op=op, links=links,
                           managers=managers.managers_of(op.id),
                           manager_form=manager_form or ManagerForm(
                               managers.candidates(op.id), formdata=None),
                           may_edit=services.may_edit(current_user, op),
                           link_form=link_form or LinkForm(linkable, formdata=None),
                           decide_form=decide_form, targets=targets,
                           affected=closure.affected_all(targets)), status


@bp.get("/regulator/operators/<int:operator_id>")
@permission_required("operator.manage")
def detail(operator_id):
    return _page(queries.operator_for(current_user, operator_id))


@bp.post("/regulator/operators/<int:operator_id>/centres")
@permission_required("operator.manage")
def link(operator_id):
    op = queries.operator_for(current_user, operator_id)
    linkable = db.session.scalars(select(Centre).where(Centre.id.in_(centre_ids(current_user)))
                                  .order_by(Centre.name, Centre.id)).all()
    form = LinkForm(linkable)
    if form.validate_on_submit() and submit(
            form, lambda: services.link_centre(current_user, operator_id, form.centre_id.data,
                                               form.from_date.data), _("已关联机构")):
        return redirect(url_for("operators.detail", operator_id=operator_id))
    return _page(op, link_form=form, status=422)


@bp.post("/regulator/operators/<int:operator_id>/centres/<int:centre_id>/unlink")
@permission_required("operator.manage")
def unlink(operator_id, centre_id):
    queries.operator_for(current_user, operator_id)
    attempt(lambda: services.unlink_centre(current_user, operator_id, centre_id,
                                           parse_day(request.form.get("to_date"))),
            _("已解除关联"))
    return redirect(url_for("operators.detail", operator_id=operator_id))


@bp.post("/regulator/operators/<int:operator_id>/decide-all")
@permission_required("supervision.act")
def decide_all(operator_id):
    op = queries.operator_for(current_user, operator_id)
    form = DecideAllForm()
    if form.validate_on_submit() and submit(
            form, lambda: closure.decide_all(operator_id, current_user, form.action.data,
                                             form.reasons.data, form.effective_on.data,
                                             form.understood.data),
            lambda done: _("已处理 %(n)s 个机构", n=len(done))):
        return redirect(url_for("operators.detail", operator_id=operator_id))
    return _page(op, decide_form=form, status=422)


@bp.post("/regulator/operators/<int:operator_id>/managers")
@permission_required("operator.manage")
def appoint(operator_id):
    op = queries.operator_for(current_user, operator_id)
    form = ManagerForm(managers.candidates(op.id))
    if form.validate_on_submit() and submit(
            form, lambda: managers.appoint(
                current_user, operator_id, user_id=form.user_id.data or None,
                name=form.name.data, email=form.email.data, password=form.password.data),
            _("已指定运营负责人")):
        return redirect(url_for("operators.detail", operator_id=operator_id))
    return _page(op, manager_form=form, status=422)
