"""Workforce pages (docs/workforce.md): the director's register (masked ID numbers, expiry
states, training hours this year, recording training) and the regulator's coverage."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..clock import today
from ..extensions import db
from ..rosters.labels import ROLE_LABELS
from ..rosters.models import CARER_ROLES, StaffMember
from ..rosters.services import staff_of
from ..web import page_status, submit
from . import identity, queries, services
from .forms import IdNumberForm, TrainingForm

bp = Blueprint("workforce", __name__)


def _own_staff(staff_id: int) -> StaffMember:
    staff = db.session.get(StaffMember, staff_id)
    if staff is None or staff.centre_id != current_user.centre_id:
        abort(404)
    return staff


def _state(exp, on, *, missing_ok=False) -> str:
    if exp is None:
        return "none" if missing_ok else "missing"
    return "lapsed" if exp < on else "valid"


@bp.get("/staff/workforce")
@permission_required("roster.manage", own_centre=True)
def register():
    on = today()
    staff = staff_of(current_user.centre_id, active_only=True)
    hours = queries.hours_by_staff([s.id for s in staff], on.year)
    rows = [{"s": s, "carer": s.role in CARER_ROLES,
             "qualified": queries.qualified(s, on),
             "background": _state(s.background_check_expires_on, on),
             "hours": hours.get(s.id, 0)} for s in staff]
    return render_template("workforce/register.html", rows=rows, roles=ROLE_LABELS,
                           target=queries.TRAINING_HOURS_TARGET, year=on.year)


def _person_page(staff, id_form=None, training_form=None, status=200):
    on = today()
    return render_template(
        "workforce/person.html", staff=staff, roles=ROLE_LABELS,
        id_form=id_form or IdNumberForm(prefix="id"),
        training_form=training_form or TrainingForm(prefix="t"),
        records=queries.training_of(staff.id), target=queries.TRAINING_HOURS_TARGET,
        hours=queries.hours_by_staff([staff.id], on.year).get(staff.id, 0), year=on.year), status


@bp.get("/staff/workforce/<int:staff_id>")
@permission_required("roster.manage", own_centre=True)
def person(staff_id: int):
    return _person_page(_own_staff(staff_id))


@bp.post("/staff/workforce/<int:staff_id>/id-number")
@permission_required("roster.manage", own_centre=True)
def id_number(staff_id: int):
    staff = _own_staff(staff_id)
    form = IdNumberForm(prefix="id")
    if form.validate_on_submit() and submit(
            form, lambda: identity.set_id_number(staff.id, form.id_number.data,
                                                 actor=current_user),
            _("已保存身份证号")):
        return redirect(url_for("workforce.person", staff_id=staff.id))
    form.id_number.data = ""  # never echo the number back into the page
    return _person_page(staff, id_form=form, status=page_status(form))


@bp.post("/staff/workforce/<int:staff_id>/training")
@permission_required("roster.manage", own_centre=True)
def training(staff_id: int):
    staff = _own_staff(staff_id)
    form = TrainingForm(prefix="t")
    if form.validate_on_submit() and submit(
            form, lambda: services.record_training(
                staff.id, on_date=form.on_date.data, hours=form.hours.data,
                topic=form.topic.data, actor=current_user),
            _("已记录培训学时")):
        return redirect(url_for("workforce.person", staff_id=staff.id))
    return _person_page(staff, training_form=form, status=page_status(form))


@bp.get("/regulator/workforce")
@permission_required("supervision.read")
def coverage():
    group = request.args.get("group")
    group = group if group in ("centre", "district") else "centre"
    return render_template("workforce/coverage.html", group=group,
                           rows=queries.coverage(current_user, group),
                           target=queries.TRAINING_HOURS_TARGET, year=today().year)
