"""Recognition pages (docs/recognition.md): the director's page (status, criteria, apply and
renew), the district regulators' list and decision page."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..centres.models import Centre
from ..clock import today
from ..extensions import db
from ..web import page_status, submit
from . import queries, services
from .forms import ApplyForm, GrantForm, ReasonForm
from .labels import CRITERIA_LABELS, KIND_LABELS, STATUS_LABELS
from .models import KINDS, STATUSES

bp = Blueprint("recognition", __name__)


@bp.app_context_processor
def _helpers():
    return {"recognition_kinds": KIND_LABELS, "recognition_statuses": STATUS_LABELS,
            "recognition_criteria": CRITERIA_LABELS}


def _staff_page(form=None, status=200):
    centre = db.session.get(Centre, current_user.centre_id)
    day = today()
    kinds = []
    for kind in KINDS:
        latest = queries.latest_granted(centre.id, kind)
        current = latest if latest and latest.valid_until >= day else None
        kinds.append({"kind": kind, "current": current, "in_force": queries.in_force(centre.id, kind),
                      "renewable": queries.renewable(current, day),
                      "criteria": queries.criteria(centre, kind)})
    return render_template("recognition/staff.html", centre=centre, kinds=kinds,
                           recognitions=queries.of_centre(centre.id),
                           form=form or ApplyForm(formdata=None)), status


@bp.get("/staff/recognition")
@permission_required("recognition.apply", own_centre=True)
def staff_page():
    return _staff_page()


@bp.post("/staff/recognition")
@permission_required("recognition.apply", own_centre=True)
def apply():
    form = ApplyForm()
    if form.validate_on_submit():
        stars = int(form.stars.data) if form.kind.data == "star" and form.stars.data else None
        if submit(form, lambda: services.apply(current_user.centre_id, current_user,
                                               kind=form.kind.data, stars=stars),
                  _("申请已提交，等待区县审批")):
            return redirect(url_for("recognition.staff_page"))
    return _staff_page(form, page_status(form))


@bp.get("/regulator/recognitions")
@permission_required("recognition.decide")
def regulator_list():
    status = request.args.get("status")
    status = status if status in STATUSES else None
    return render_template("recognition/regulator_list.html", status=status, statuses=STATUSES,
                           recognitions=queries.for_regulator(current_user, status))


def _detail(rec, grant_form=None, reason_form=None, status=200):
    return render_template("recognition/regulator_detail.html", r=rec,
                           criteria=queries.criteria(rec.centre, rec.kind),
                           grant_form=grant_form or GrantForm(formdata=None),
                           reason_form=reason_form or ReasonForm(formdata=None)), status


@bp.get("/regulator/recognitions/<int:recognition_id>")
@permission_required("recognition.decide")
def regulator_detail(recognition_id: int):
    return _detail(services.for_regulator(recognition_id, current_user))


@bp.post("/regulator/recognitions/<int:recognition_id>/grant")
@permission_required("recognition.decide")
def grant(recognition_id: int):
    rec = services.for_regulator(recognition_id, current_user)
    form = GrantForm()
    if form.validate_on_submit() and submit(form, lambda: services.grant(
            recognition_id, current_user, valid_from=form.valid_from.data,
            valid_until=form.valid_until.data), _("已批准")):
        return redirect(url_for("recognition.regulator_detail", recognition_id=recognition_id))
    return _detail(rec, grant_form=form, status=page_status(form))


def _with_reason(recognition_id, call, done):
    rec = services.for_regulator(recognition_id, current_user)
    form = ReasonForm()
    if form.validate_on_submit() and submit(form, lambda: call(
            recognition_id, current_user, reason=form.reason.data), done):
        return redirect(url_for("recognition.regulator_detail", recognition_id=recognition_id))
    return _detail(rec, reason_form=form, status=page_status(form))


@bp.post("/regulator/recognitions/<int:recognition_id>/refuse")
@permission_required("recognition.decide")
def refuse(recognition_id: int):
    return _with_reason(recognition_id, services.refuse, _("已作出不予认定的决定"))


@bp.post("/regulator/recognitions/<int:recognition_id>/withdraw")
@permission_required("recognition.decide")
def withdraw(recognition_id: int):
    return _with_reason(recognition_id, services.withdraw, _("认定已撤销"))
