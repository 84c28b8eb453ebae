"""Outbreak alert pages: the centre's list with the children and the acknowledgement, and the
regulator's list of its jurisdiction's alerts with counts only (docs/outbreaks.md)."""
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..web import submit
from . import services
from .forms import form_for
from .labels import SCOPE_LABELS, SOURCE_LABELS, symptom_word

bp = Blueprint("outbreaks", __name__)


@bp.context_processor
def _labels():
    return {"scope_labels": SCOPE_LABELS, "source_labels": SOURCE_LABELS,
            "symptom_word": symptom_word}


def _staff_page(failed=None, status: int = 200):
    views = services.alerts_for(current_user)
    forms = {v.alert.id: form_for(v.alert.id, formdata=None) for v in views if v.is_open}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template("outbreaks/staff.html", views=views, forms=forms), status


@bp.get("/staff/outbreaks")
@permission_required("outbreak.read")
def staff():
    if current_user.role != "staff":
        return redirect(url_for("outbreaks.regulator"))
    return _staff_page()


@bp.post("/staff/outbreaks/<int:alert_id>/acknowledge")
@permission_required("outbreak.acknowledge")
def acknowledge(alert_id: int):
    services.alert_for(current_user, alert_id)  # a foreign alert is a 404 before anything
    form = form_for(alert_id)
    if form.validate_on_submit() and submit(form, lambda: services.acknowledge(
            alert_id, current_user, note=form.note.data), _("已确认预警")):
        return redirect(url_for("outbreaks.staff"))
    return _staff_page((alert_id, form), 422)


@bp.get("/regulator/outbreaks")
@permission_required("outbreak.read")
def regulator():
    if current_user.role == "staff":
        abort(404)
    return render_template("outbreaks/regulator.html", views=services.alerts_for(current_user))
