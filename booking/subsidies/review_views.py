"""The regulator's subsidy pages (docs/subsidies.md, Review and anomalies; Reports): claims in
the jurisdiction with their anomalies, one claim with its decision forms, the report with
its chart and downloads; and the prepaid liability shown on the regulator's centre page."""
from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import allowed, permission_required
from ..clock import today
from ..errors import NotFound
from ..web import csv_bytes, csv_download, page_status, submit, xlsx_bytes
from . import anomalies, decisions, reports
from .models import STATUSES
from .review_forms import ApproveForm, ReasonForm

bp = Blueprint("subsidy_review", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_context_processor
def _helpers():
    """What other areas' pages show without importing this area: the prepaid liability on
    the regulator's centre page, and the claims waiting on the regulator's home."""
    return {"prepaid_liability": reports.prepaid_liability,
            "subsidy_claims_waiting": _waiting}


def _waiting(user) -> int | None:
    if not allowed(user, "supervision.act"):
        return None
    return anomalies.waiting(user)


@bp.get("/regulator/subsidies")
@permission_required("supervision.read")
def claims():
    month = reports.valid_month(request.args.get("month"))
    status = request.args.get("status")
    status = status if status in STATUSES and status != "draft" else None
    return render_template("subsidy_review/list.html", rows=anomalies.in_scope(
        current_user, month, status), month=month, status=status,
        statuses=[s for s in STATUSES if s != "draft"], labels=anomalies.STATUS_LABELS())


def _page(claim, approve_form=None, return_form=None, reject_form=None, status=200):
    return render_template(
        "subsidy_review/detail.html", c=claim, found=anomalies.for_claim(claim),
        kind_label=anomalies.kind_label, labels=anomalies.STATUS_LABELS(),
        approve_form=approve_form or ApproveForm(formdata=None),
        return_form=return_form or ReasonForm(formdata=None, prefix="ret"),
        reject_form=reject_form or ReasonForm(formdata=None, prefix="rej")), status


@bp.get("/regulator/subsidies/<int:claim_id>")
@permission_required("supervision.read")
def detail(claim_id: int):
    return _page(decisions.for_regulator(claim_id, current_user))


@bp.post("/regulator/subsidies/<int:claim_id>/approve")
@permission_required("supervision.act")
def approve(claim_id: int):
    claim = decisions.for_regulator(claim_id, current_user)
    form = ApproveForm()
    if form.validate_on_submit() and submit(form, lambda: decisions.approve(
            claim_id, current_user, form.amount_fen(),
            acknowledge_anomalies=form.acknowledge.data), _("申报已核准"),
            fields={"amount_fen": "amount"}):
        return redirect(url_for("subsidy_review.detail", claim_id=claim_id))
    return _page(claim, approve_form=form, status=page_status(form))


def _reasoned(claim_id: int, prefix: str, call, success: str):
    claim = decisions.for_regulator(claim_id, current_user)
    form = ReasonForm(prefix=prefix)
    if form.validate_on_submit() and submit(form, lambda: call(
            claim_id, current_user, form.reason.data), success):
        return redirect(url_for("subsidy_review.detail", claim_id=claim_id))
    kw = {"return_form" if prefix == "ret" else "reject_form": form}
    return _page(claim, status=page_status(form), **kw)


@bp.post("/regulator/subsidies/<int:claim_id>/return")
@permission_required("supervision.act")
def return_claim(claim_id: int):
    return _reasoned(claim_id, "ret", decisions.return_claim, _("申报已退回机构"))


@bp.post("/regulator/subsidies/<int:claim_id>/reject")
@permission_required("supervision.act")
def reject(claim_id: int):
    return _reasoned(claim_id, "rej", decisions.reject, _("申报不予核准"))


def _range():
    first = reports.valid_month(request.args.get("from"))
    last = reports.valid_month(request.args.get("to"))
    if first is None and last is None:
        this = today()
        first = f"{this.year - 1:04d}-{this.month:02d}"
    return first, last


@bp.get("/regulator/subsidies/report")
@permission_required("supervision.read")
def report():
    first, last = _range()
    districts = reports.by_district(current_user, first, last)
    chart = reports.svg_chart(reports.per_month(districts), _("各月核准的补贴金额（元）"),
                              _("所选月份没有核准的补贴。"))
    return render_template("subsidy_review/report.html", districts=districts,
                           centres=reports.by_centre(current_user, first, last), chart=chart,
                           first=first, last=last)


@bp.get("/regulator/subsidies/report.csv")
@permission_required("supervision.read")
def report_csv():
    return _report_file("csv")


@bp.get("/regulator/subsidies/report.xlsx")
@permission_required("supervision.read")
def report_xlsx():
    return _report_file("xlsx")


def _report_file(fmt: str):
    group = "centre" if request.args.get("group") == "centre" else "district"
    first, last = _range()
    return download(current_user, group, fmt, first, last)


def download(user, group: str, fmt: str, first, last):
    """The report as CSV or XLSX, Chinese headers (also the API's `format=`)."""
    if fmt not in ("csv", "xlsx"):
        raise NotFound()
    rows = (reports.by_centre if group == "centre" else reports.by_district)(
        user, first, last)
    body = reports.table(group, rows)
    name = f"subsidies-{group}"
    if fmt == "csv":
        return csv_download(csv_bytes(body), f"{name}.csv")
    return Response(xlsx_bytes(body, "subsidies"), mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{name}.xlsx"'})
