"""Health-notes and growth pages (医育结合): phone-first for the family, the same pages for the
centre's care staff, and the staff's class list of growth flags. No JavaScript needed: the
chart is SVG drawn on the server, with its numbers in a table beside it."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import User
from ..auth.permissions import permission_required
from ..children import services as children
from ..clock import today
from ..extensions import db
from ..web import attempt, flash_errors, submit
from . import access, chart, notes, queries, services, standards
from .forms import MeasurementForm, NoteForm, SexForm
from .labels import (BELOW_LABELS, ENTERED_AS_LABELS, INDICATOR_LABELS, KIND_LABELS,
                     MEASURED_BY_LABELS, SEVERITY_LABELS, SEX_LABELS)

bp = Blueprint("growth", __name__)


@bp.context_processor
def _labels():
    return {"kind_labels": KIND_LABELS, "severity_labels": SEVERITY_LABELS,
            "entered_as_labels": ENTERED_AS_LABELS, "measured_by_labels": MEASURED_BY_LABELS,
            "indicator_labels": INDICATOR_LABELS, "below_labels": BELOW_LABELS,
            "sex_labels": SEX_LABELS, "today": today()}


@bp.get("/health-and-growth")
@permission_required("growth.read")
def family():
    """The family's way in: each child with its health notes and growth. Staff start from
    their class list instead."""
    if current_user.role != "parent":
        return redirect(url_for("growth.staff_flags"))
    return render_template("growth/family.html", kids=children.children_of(current_user))


# --- health notes ---------------------------------------------------------------------

def _note_form(child_id: int) -> NoteForm:
    form = NoteForm()
    if current_user.role == "staff":
        form.signed_by.choices = [(0, _("请选择"))] + [
            (uid, db.session.get(User, uid).name) for uid in children.guardians_of(child_id)]
    return form


def _notes_page(child_id: int, form: NoteForm, status: int = 200):
    child = access.child_for(current_user, child_id, notes.READ)
    shown = notes.notes_of(child_id, current_user)
    return render_template("growth/notes.html", child=child, notes=shown, form=form,
                           may_write=notes.may_write(current_user, child_id)), status


@bp.get("/children/<int:child_id>/health-notes")
@permission_required("health_note.read")
def health_notes(child_id: int):
    return _notes_page(child_id, _note_form(child_id))


@bp.post("/children/<int:child_id>/health-notes")
@permission_required("health_note.write")
def add_note(child_id: int):
    form = _note_form(child_id)
    if form.validate_on_submit() and submit(form, lambda: notes.add(
            child_id, current_user, kind=form.kind.data, title=form.title.data,
            reaction=form.reaction.data, severity=form.severity.data or None,
            details=form.details.data, dose=form.dose.data, schedule=form.schedule.data,
            starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            signed_by=(form.signed_by.data or None) if current_user.role == "staff" else None),
            _("已保存健康信息")):
        return redirect(url_for("growth.health_notes", child_id=child_id), 303)
    return _notes_page(child_id, form, 422)


@bp.post("/children/<int:child_id>/health-notes/<int:note_id>/withdraw")
@permission_required("health_note.write")
def withdraw_note(child_id: int, note_id: int):
    attempt(lambda: notes.remove(note_id, current_user, child_id=child_id),
            _("已撤回这条健康信息"))
    return redirect(url_for("growth.health_notes", child_id=child_id), 303)


# --- growth ---------------------------------------------------------------------------

def _growth_page(child_id: int, form: MeasurementForm | None = None, status: int = 200,
                 sex_form: SexForm | None = None, where: str = "child"):
    growth = services.growth_of(child_id, current_user, where=where)
    child = growth.child
    age_months = (today() - child.birth_date).days / standards.DAYS_PER_MONTH
    charts = [c for c in (chart.build(i, child.sex, growth.points, age_months)
                          for i in ("wfa", "lhfa")) if c is not None]
    may_record = services.may_record(current_user, child_id)
    form = form or (MeasurementForm(formdata=None, measured_on=today()).for_role(current_user.role)
                    if may_record else None)
    staff_page = request.endpoint.startswith("growth.staff")
    return render_template("growth/growth.html", growth=growth, child=child, charts=charts,
                           form=form, sex_form=sex_form or SexForm(formdata=None),
                           may_record=may_record, over_five=age_months > 60,
                           in_care=bool(access.caring_centres(child_id)),
                           action=url_for("growth.staff_record" if staff_page
                                          else "growth.record", child_id=child_id)), status


def _record(child_id: int, endpoint: str):
    form = MeasurementForm().for_role(current_user.role)
    if form.validate_on_submit():
        m = submit(form, lambda: services.record_measurement(
            child_id, current_user, measured_on=form.measured_on.data,
            height_cm=form.height_cm.data, weight_kg=form.weight_kg.data,
            measured_by=form.measured_by.data), _("已记录测量"))
        if m is not None:
            return redirect(url_for(endpoint, child_id=child_id), 303)
    return _growth_page(child_id, form, 422)


@bp.get("/children/<int:child_id>/growth")
@permission_required("growth.read")
def growth(child_id: int):
    return _growth_page(child_id)


@bp.post("/children/<int:child_id>/growth")
@permission_required("growth.record")
def record(child_id: int):
    return _record(child_id, "growth.growth")


@bp.post("/children/<int:child_id>/sex")
@permission_required("growth.record")
def set_sex(child_id: int):
    access.child_for(current_user, child_id, services.RECORD)  # a stranger's child: 404 first
    form = SexForm()
    if not form.validate():
        flash_errors(form)
    else:
        attempt(lambda: services.set_sex(child_id, current_user, form.sex.data),
                _("已保存性别，已按 WHO 标准计算 Z 评分"))
    return redirect(url_for("growth.growth", child_id=child_id), 303)


@bp.get("/staff/children/<int:child_id>/growth")
@permission_required("growth.read", own_centre=True)
def staff_growth(child_id: int):
    return _growth_page(child_id, where="staff")


@bp.post("/staff/children/<int:child_id>/growth")
@permission_required("growth.record", own_centre=True)
def staff_record(child_id: int):
    return _record(child_id, "growth.staff_growth")


@bp.get("/staff/growth")
@permission_required("growth.read", own_centre=True)
def staff_flags():
    groups = queries.groups_of(current_user.centre_id)
    group_id = request.args.get("group", type=int)
    rows = queries.class_flags(current_user, group_id)
    return render_template("growth/staff_flags.html", rows=rows, groups=groups,
                           group_id=group_id)
