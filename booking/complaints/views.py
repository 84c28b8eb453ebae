"""Complaint pages (docs/complaints.md): the public form and tracking page, the family's own
list, the district regulators' list and case page, the centre director's account."""
from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import permission_required
from ..auth.views import login_limit
from ..centres.models import Centre
from ..extensions import db, limiter
from ..web import attempt, submit
from . import queries, services
from .forms import AccountForm, AskForm, CloseForm, ComplaintForm
from .labels import CATEGORY_LABELS, OUTCOME_LABELS, PROVISIONAL, STATUS_LABELS
from .models import STATUSES

bp = Blueprint("complaints", __name__)


@bp.app_context_processor
def _helpers():
    """Labels for the complaint pages, and the two counts other areas' pages show (the centre's
    disclosure, the regulator dashboard) without importing this area (docs/design.md)."""
    return {"complaint_categories": CATEGORY_LABELS, "complaint_statuses": STATUS_LABELS,
            "complaint_outcomes": OUTCOME_LABELS, "complaint_provisional": PROVISIONAL,
            "complaint_counts": queries.centre_counts, "complaint_due_counts": queries.due_counts,
            "complaint_overdue": queries.is_overdue, "complaint_due_soon": queries.is_due_soon,
            "complaint_account_overdue": queries.account_overdue}


def _no_store(resp):
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/centres/<int:centre_id>/complaints/new", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def new(centre_id: int):
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        abort(404)
    form = ComplaintForm()
    signed_in = current_user.is_authenticated
    if form.validate_on_submit():
        complaint = submit(form, lambda: services.file_complaint(
            centre_id, category=form.category.data, body=form.body.data,
            contact=form.contact.data, anonymous=form.anonymous.data or not signed_in,
            user=current_user if signed_in else None),
            _("投诉已受理。请保存查询链接，用它查看办理进度。"))
        if complaint is not None:
            return redirect(url_for("complaints.track", code=complaint.tracking_code))
    return render_template("complaints/new.html", centre=centre, form=form,
                           signed_in=signed_in), 422 if form.errors else 200


@bp.get("/complaints/track/<code>")
def track(code: str):
    complaint = queries.by_code(code)
    if complaint is None:
        abort(404)
    # The code is the complainant's key: the page is never cached on the way.
    return _no_store(make_response(render_template(
        "complaints/track.html", c=complaint,
        url=url_for("complaints.track", code=code, _external=True))))


@bp.get("/complaints/mine")
@login_required
def mine():
    return render_template("complaints/mine.html", complaints=queries.of_user(current_user.id))


@bp.get("/regulator/complaints")
@permission_required("complaint.handle")
def regulator_list():
    status = request.args.get("status")
    status = status if status in STATUSES else None
    return render_template("complaints/regulator_list.html", status=status, statuses=STATUSES,
                           complaints=queries.for_regulator(current_user, status))


def _case_page(complaint, close_form=None, status=200):
    return render_template("complaints/regulator_detail.html", c=complaint, ask_form=AskForm(),
                           close_form=close_form or CloseForm(formdata=None)), status


@bp.get("/regulator/complaints/<int:complaint_id>")
@permission_required("complaint.handle")
def regulator_detail(complaint_id: int):
    return _no_store(make_response(_case_page(services.for_regulator(complaint_id, current_user))))


@bp.post("/regulator/complaints/<int:complaint_id>/ask")
@permission_required("complaint.handle")
def ask(complaint_id: int):
    services.for_regulator(complaint_id, current_user)  # a foreign case is a 404 first
    if AskForm().validate_on_submit():
        attempt(lambda: services.ask_centre(complaint_id, current_user), _("已请机构说明"))
    return redirect(url_for("complaints.regulator_detail", complaint_id=complaint_id))


@bp.post("/regulator/complaints/<int:complaint_id>/close")
@permission_required("complaint.handle")
def close(complaint_id: int):
    complaint = services.for_regulator(complaint_id, current_user)
    form = CloseForm()
    if form.validate_on_submit() and submit(form, lambda: services.close(
            complaint_id, current_user, outcome=form.outcome.data, text=form.text.data,
            inspect=form.open_inspection.data), _("投诉已办结")):
        return redirect(url_for("complaints.regulator_detail", complaint_id=complaint_id))
    if complaint.status == "closed":  # refused as already closed: show the record
        return redirect(url_for("complaints.regulator_detail", complaint_id=complaint_id))
    return _case_page(complaint, form, 422)


@bp.get("/staff/complaints")
@permission_required("complaint.account", own_centre=True)
def staff_list():
    return render_template("complaints/staff_list.html",
                           complaints=queries.for_centre(current_user.centre_id))


@bp.route("/staff/complaints/<int:complaint_id>", methods=["GET", "POST"])
@permission_required("complaint.account", own_centre=True)
def staff_detail(complaint_id: int):
    complaint = services.for_centre(complaint_id, current_user)
    form = AccountForm()
    if form.validate_on_submit() and submit(form, lambda: services.submit_account(
            complaint_id, current_user, form.account.data), _("说明已提交")):
        return redirect(url_for("complaints.staff_detail", complaint_id=complaint_id))
    return render_template("complaints/staff_detail.html", c=complaint, form=form), \
        422 if form.errors else 200
