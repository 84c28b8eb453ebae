"""Regulator pages: coverage dashboard, filings review, closures, audit search; the public
registry (open data); the centre's own filing."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.permissions import permission_required
from ..centres.bands import CENTRE_KINDS
from ..centres.models import Centre
from ..centres.services import disclosure
from ..employers.queries import employer_totals
from ..extensions import db
from ..fees.balances import refund_summary
from ..inputs import MAX_DATE, MIN_DATE, parse_day
from ..operators.queries import current_operator, public_operators
from ..outbreaks import services as outbreaks
from ..outbreaks.labels import symptom_word
from ..web import attempt, csv_bytes, csv_download, submit, xlsx_bytes
from . import audit_log, closure, services
from . import filing as filings_svc
from .forms import DecisionForm, FilingForm, InspectionForm
from .inspections import DIMENSIONS, follow_up, overdue, record_inspection
from .labels import FILING_STATUS_LABELS, PERCENT_COLUMNS, coverage_columns
from .models import FILING_STATUSES, Filing, Inspection
from .snapshots import trend

bp = Blueprint("regulator", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_context_processor
def _labels():
    return {"filing_labels": FILING_STATUS_LABELS}


@bp.get("/regulator")
@permission_required("supervision.read")
def dashboard():
    city = request.args.get("city") or None
    sort = request.args.get("sort") if request.args.get("sort") in services.SORTS else "name"
    rows = services.coverage(current_user, city=city)
    cities = services.city_rollup(rows)
    scale = max([r["places_per_1000"] for r in rows] + [r["target_per_1000"] for r in rows] + [1])
    return render_template("regulator/dashboard.html", rows=rows, cities=cities,
                           table=services.sorted_coverage(rows, sort), sort=sort,
                           scale=scale, city=city, overdue=overdue(current_user),
                           trend=trend(current_user),
                           subdistricts=services.subdistricts_without_public(current_user),
                           alerts=outbreaks.alerts_for(current_user), symptom_word=symptom_word)


@bp.get("/regulator/coverage.csv")
@permission_required("supervision.read")
def coverage_csv():
    rows = services.coverage(current_user, city=request.args.get("city") or None)
    body = [[str(label) for _key, label in coverage_columns()]]
    for r in rows:
        body.append([_percent(r[k]) if k in PERCENT_COLUMNS else r[k]
                     for k, _label in coverage_columns()])
    return csv_download(csv_bytes(body), "coverage.csv")


def _percent(share: float) -> str:
    """A share as the CSV shows it: 0.123 → "12.3%"."""
    return f"{share * 100:.1f}%"


@bp.get("/regulator/filings")
@permission_required("supervision.read")
def filings():
    status = request.args.get("status")
    if status not in FILING_STATUSES:
        status = None
    return render_template("regulator/filings.html", filings=services.filings(current_user, status),
                           status=status, statuses=FILING_STATUSES)


@bp.route("/regulator/filings/<int:filing_id>", methods=["GET", "POST"])
@permission_required("supervision.act")
def filing(filing_id):
    f = db.session.get(Filing, filing_id)
    if f is None or not filings_svc.in_jurisdiction(current_user, f):
        abort(404)
    allowed = {a for a, (sources, _target) in filings_svc.TRANSITIONS.items()
               if a != "submit" and f.status in sources}
    form = DecisionForm(allowed, closure.affected(f.centre_id))
    if form.validate_on_submit() and submit(
            form, lambda: filings_svc.decide(filing_id, current_user, form.action.data,
                                             form.reasons.data), _("已处理")):
        return redirect(url_for("regulator.filing", filing_id=filing_id))
    cases = closure.refresh_states(f.centre_id)
    return render_template("regulator/filing.html", f=f, form=form, cases=cases,
                           refunds=refund_summary(f.centre_id),
                           missing=filings_svc.missing_items(f),
                           operator=current_operator(f.centre_id),
                           employers=employer_totals(f.centre_id),
                           transitions=filings_svc.TRANSITIONS), 422 if form.errors else 200


@bp.get("/regulator/audit")
@permission_required("supervision.read")
def audit():
    filters = _audit_filters()
    result = audit_log.page(current_user, filters, request.args.get("page", 1, type=int) or 1)
    return render_template("regulator/audit.html", result=result, filters=filters,
                           centres=audit_log.centres_for(current_user),
                           groups=audit_log.action_groups(), export_max=audit_log.EXPORT_MAX)


def _audit_filters():
    filters = audit_log.parse_filters(request.args)
    if filters.bad_dates:  # searched anyway, without this bound; the person is told why
        flash(_("请按 年-月-日 填写日期（%(min)s 到 %(max)s 之间）",
                min=MIN_DATE.isoformat(), max=MAX_DATE.isoformat()), "error")
    return filters


def _audit_export(kind: str):
    filters = _audit_filters()
    total = audit_log.count(current_user, filters)
    if total > audit_log.EXPORT_MAX:
        flash(_("筛选出 %(n)s 条记录，一次最多导出 %(max)s 条：请缩小日期范围或选择机构。",
                n=total, max=audit_log.EXPORT_MAX), "error")
        return redirect(url_for("regulator.audit", **filters.query_args()))
    rows = audit_log.export_rows(current_user, filters)
    if kind == "csv":
        return csv_download(csv_bytes(rows), "audit.csv", private=True)
    return Response(xlsx_bytes(rows, "audit"), mimetype=XLSX, headers={
        "Content-Disposition": "attachment; filename=audit.xlsx", "Cache-Control": "no-store"})


@bp.get("/regulator/audit.csv")
@permission_required("supervision.read")
def audit_csv():
    return _audit_export("csv")


@bp.get("/regulator/audit.xlsx")
@permission_required("supervision.read")
def audit_xlsx():
    return _audit_export("xlsx")


@bp.get("/registry")
def registry():
    """The public registry of filed centres (信息公示), with open data."""
    centres = _registry_centres()
    from ..recognition.queries import in_force_map  # the decision, not the cached flag
    return render_template("regulator/registry.html", centres=centres, kinds=CENTRE_KINDS,
                           held=in_force_map([c.id for c in centres]),
                           operators=public_operators(c.id for c in centres))


def _registry_centres():
    return db.session.scalars(select(Centre).join(Filing).where(
        Filing.status.in_(("approved", "suspended", "closed"))).order_by(Centre.district_id, Centre.id)).all()


REGISTRY_FIELDS = ["name", "kind", "operator", "address", "district", "subdistrict",
                   "filing_number", "filing_status", "affordable", "affordable_valid_until",
                   "star_rating", "star_valid_until", "opening_hours",
                   "places_total", "places_available", "staff_total",
                   "staff_health_certificates_valid_share", "complaints_channel"]


@bp.get("/registry.json")
def registry_json():
    return {"items": [dict(disclosure(c), id=c.id) for c in _registry_centres()]}


@bp.get("/registry.csv")
def registry_csv():
    rows = [["id"] + REGISTRY_FIELDS + ["operator_organisation", "operator_credit_code"]]
    for c in _registry_centres():
        d = disclosure(c)
        org = d.get("operator_organisation") or {}
        rows.append([c.id] + [d.get(k) for k in REGISTRY_FIELDS]
                    + [org.get("name"), org.get("credit_code")])
    return csv_download(csv_bytes(rows), "registry.csv")


@bp.route("/staff/filing", methods=["GET", "POST"])
@permission_required("centre.filing", own_centre=True)
def own_filing():
    f = current_user.centre.filing
    form = FilingForm(obj=f)
    if form.validate_on_submit():
        fields = {k: getattr(form, k).data for k in filings_svc.FIELDS}
        submitting = form.submit_filing.data
        # Saved first, on its own: a filing refused for what it lacks keeps what was typed.
        done = submit(form, lambda: filings_svc.save_draft(f, current_user, **fields),
                      None if submitting else _("已保存"))
        if done and submitting:
            done = submit(form, lambda: filings_svc.submit(f.id, current_user),
                          _("备案已提交，监管部门将在 5 个工作日内答复"))
        if done:
            return redirect(url_for("regulator.own_filing"))
    return render_template("regulator/own_filing.html", f=f, form=form,
                           operator=current_operator(f.centre_id),
                           employers=employer_totals(f.centre_id),
                           missing=filings_svc.missing_items(f)), 422 if form.errors else 200


@bp.get("/regulator/coverage.xlsx")
@permission_required("supervision.read")
def coverage_xlsx():
    rows = services.coverage(current_user, city=request.args.get("city") or None)
    columns = coverage_columns()
    body = [[str(label) for _key, label in columns]] + [[r[k] for k, _l in columns] for r in rows]
    percent = [i + 1 for i, (k, _l) in enumerate(columns) if k in PERCENT_COLUMNS]
    return Response(xlsx_bytes(body, "coverage", percent_columns=percent), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=coverage.xlsx"})


@bp.route("/regulator/centres/<int:centre_id>/inspections", methods=["GET", "POST"])
@permission_required("supervision.act")
def inspections(centre_id):
    centre = db.session.get(Centre, centre_id)
    if centre is None or centre.filing is None or not filings_svc.in_jurisdiction(current_user, centre.filing):
        abort(404)
    form = InspectionForm()
    if form.validate_on_submit() and submit(
            form, lambda: record_inspection(
                centre_id, current_user, inspected_on=form.inspected_on.data,
                scores={k: getattr(form, k).data for k in DIMENSIONS},
                findings=form.findings.data, fix_deadline=form.fix_deadline.data,
                basic_failed=form.basic_failed.data), _("检查记录已保存")):
        return redirect(url_for("regulator.inspections", centre_id=centre_id))
    records = db.session.scalars(select(Inspection).where(Inspection.centre_id == centre_id)
                                 .order_by(Inspection.inspected_on.desc())).all()
    return render_template("regulator/inspections.html", centre=centre, form=form,
                           records=records, dimensions=DIMENSIONS), 422 if form.errors else 200


@bp.post("/regulator/inspections/<int:inspection_id>/follow-up")
@permission_required("supervision.act")
def inspection_follow_up(inspection_id):
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or not filings_svc.in_jurisdiction(current_user, inspection.centre.filing):
        abort(404)
    on_date = parse_day(request.form.get("on_date"))
    if on_date is None:
        flash(_("请按 年-月-日 填写复查日期"), "error")
    else:
        attempt(lambda: follow_up(inspection_id, current_user, on_date), _("已记录复查"))
    return redirect(url_for("regulator.inspections", centre_id=inspection.centre_id))

