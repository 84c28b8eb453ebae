"""Change filing pages (docs/changes.md): the director's changes and form, the district
regulators' list and decision page; the public disclosure reads the history."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..centres.models import Centre
from ..extensions import db
from ..web import page_status, submit
from . import queries, services
from .forms import ChangeForm, DecideForm
from .labels import FIELD_LABELS, PROVISIONAL, STATUS_LABELS
from .models import STATUSES

bp = Blueprint("changes", __name__)


@bp.app_context_processor
def _helpers():
    """Labels, and what other areas' pages show (the disclosure's 变更记录, the regulator
    dashboard's card) without importing this area (docs/design.md)."""
    return {"change_fields": FIELD_LABELS, "change_statuses": STATUS_LABELS,
            "change_provisional": PROVISIONAL, "change_history": queries.history,
            "change_due_counts": queries.due_counts, "change_overdue": queries.is_overdue}


@bp.get("/staff/changes")
@permission_required("centre.filing", own_centre=True)
def staff_list():
    return render_template("changes/staff_list.html",
                           changes=queries.of_centre(current_user.centre_id))


def _form_page(form, centre, change=None, status=200):
    return render_template("changes/form.html", form=form, centre=centre, change=change,
                           current=services.current_values(centre)), status


@bp.route("/staff/changes/new", methods=["GET", "POST"])
@permission_required("centre.filing", own_centre=True)
def new():
    centre = db.session.get(Centre, current_user.centre_id)
    form = ChangeForm()
    if form.validate_on_submit():
        change = submit(form, lambda: services.file_change(
            centre.id, current_user, values=form.values(), materials=form.materials.data),
            _("变更备案已提交"))
        if change is not None:
            return redirect(url_for("changes.staff_detail", change_id=change.id))
    return _form_page(form, centre, status=page_status(form))


@bp.route("/staff/changes/<int:change_id>", methods=["GET", "POST"])
@permission_required("centre.filing", own_centre=True)
def staff_detail(change_id: int):
    change = services.for_centre(change_id, current_user)
    if change.status != "returned":
        return render_template("changes/detail.html", c=change, form=None)
    form = ChangeForm()
    if form.validate_on_submit() and submit(form, lambda: services.resubmit(
            change_id, current_user, values=form.values(), materials=form.materials.data),
            _("变更备案已重新提交")):
        return redirect(url_for("changes.staff_detail", change_id=change_id))
    return _form_page(form, change.centre, change, page_status(form))


@bp.get("/regulator/changes")
@permission_required("supervision.act")
def regulator_list():
    status = request.args.get("status")
    status = status if status in STATUSES + ("due", "overdue") else None
    return render_template("changes/regulator_list.html", status=status,
                           changes=queries.for_regulator(current_user, status))


@bp.route("/regulator/changes/<int:change_id>", methods=["GET", "POST"])
@permission_required("supervision.act")
def regulator_detail(change_id: int):
    change = services.for_regulator(change_id, current_user)
    form = DecideForm()
    if request.method == "POST" and change.status == "submitted":
        if form.validate_on_submit() and submit(form, lambda: services.decide(
                change_id, current_user, form.action.data, form.reason.data), _("已办理")):
            return redirect(url_for("changes.regulator_detail", change_id=change_id))
        return render_template("changes/detail.html", c=change, form=form), page_status(form)
    if request.method == "POST":  # decided already (perhaps by a colleague): show the record
        return redirect(url_for("changes.regulator_detail", change_id=change_id))
    return render_template("changes/detail.html", c=change,
                           form=form if change.status == "submitted" else None)
