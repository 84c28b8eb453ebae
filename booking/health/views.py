"""Health pages: a parent enters the intake check (with an optional photo or PDF of the
form), staff of a centre holding a place see and verify it, regulators open one record only
with a stated reason (logged); and the staff's daily morning check and attendance."""
from datetime import date, timedelta

from flask import (Blueprint, flash, get_flashed_messages, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..children.models import Child
from ..clock import now as clock_now
from ..clock import today
from ..errors import BadRequest, NotFound
from ..inputs import MAX_DATE, MIN_DATE, parse_day, safe_next
from ..web import attempt, flash_errors, htmx_redirects, is_htmx, page_status, submit, stored_file
from ..extensions import db
from ..i18n import name_of
from ..reservations.models import Reservation
from ..absences import followup
from ..pickup import departures
from ..auth.permissions import allowed
from ..reservations import intake
from . import attachments, attendance, review, services
from .forms import (ArrivalForm, DepartureForm, HealthCheckForm, ReasonForm, ReturnForm,
                    collector_choice)
from .models import HealthCheck

bp = Blueprint("health", __name__)
bp.after_request(htmx_redirects)


def _child_or_404(child_id: int) -> Child:
    child = db.session.get(Child, child_id)
    if child is None or child.anonymised_at is not None \
            or not services.may_see_child(current_user, child_id):
        raise NotFound()
    return child


@bp.get("/health")
@permission_required("family.read")
def mine():
    """The parent's children and their intake checks."""
    from ..children import services as children
    from sqlalchemy import select

    from ..reservations.models import Reservation, in_care_at
    rows = [(c, services.checks_of_child(c.id), db.session.scalars(select(Reservation).where(
        Reservation.child_id == c.id, in_care_at(clock_now()))).all())
        for c in children.children_of(current_user)]
    return render_template("health/mine.html", rows=rows, today=today())


def _submit_check(child, form):
    """The check behind the form, its photo or PDF stored first; a check refused (or failing)
    keeps no file."""
    stored = []

    def call():
        if form.attachment.data:
            stored.append(attachments.store(form.attachment.data))
        return services.submit(
            child.id, current_user, examined_on=form.examined_on.data,
            institution=form.institution.data, result=form.result.data,
            vaccination_verified=form.vaccination_verified.data,
            height_cm=float(form.height_cm.data) if form.height_cm.data is not None else None,
            weight_kg=float(form.weight_kg.data) if form.weight_kg.data is not None else None,
            haemoglobin_g_l=form.haemoglobin_g_l.data, findings=form.findings.data or None,
            attachment=stored[0] if stored else None)

    check = None
    try:
        check = submit(form, call, _("体检记录已提交，托育机构核验后生效"))
    finally:
        if check is None and stored:
            attachments.discard(stored[0][0])
    return check


@bp.route("/children/<int:child_id>/health", methods=["GET", "POST"])
@permission_required("health_record.submit")
def child_checks(child_id: int):
    child = _child_or_404(child_id)
    # Room for the form around the file, so an oversize file gets the form's message.
    request.max_content_length = attachments.max_bytes() + 256 * 1024
    form = HealthCheckForm()
    check = _submit_check(child, form) if form.validate_on_submit() else None
    if check is not None:
        for slot in services.places_starting_after(check):
            flash(_("注意：这份体检有效期至 %(v)s，%(centre)s 的入托日期是 %(s)s，届时已失效；"
                    "请在 %(e)s 或之后重新体检。", v=check.valid_until.isoformat(),
                    centre=name_of(slot.centre), s=slot.starts_on.isoformat(),
                    e=(slot.starts_on - timedelta(days=services.valid_days_for(slot)))
                    .isoformat()), "error")
        return redirect(url_for("health.check", check_id=check.id))
    return render_template("health/child.html", child=child, form=form,
                           checks=services.read_list(services.checks_of_child(child.id),
                                                     current_user),
                           staff_may_act=services.staff_may_act(current_user, child.id)), \
        422 if form.errors else 200


@bp.route("/health-checks/<int:check_id>", methods=["GET", "POST"])
@permission_required("health_record.read")
def check(check_id: int):
    """One record: guardians and staff of a centre holding a place see it (staff reads are
    logged); a regulator states a reason first, which is logged with the read."""
    form = ReasonForm()
    if current_user.role == "regulator":
        if not form.validate_on_submit():
            if not services.regulator_may_open(current_user, check_id):
                raise NotFound()
            return render_template("health/reason.html", form=form, check_id=check_id), \
                422 if form.errors else 200
        record = services.read(check_id, current_user, reason=form.reason.data)
    else:
        record = services.read(check_id, current_user)
    return _check_page(record, reason=form.reason.data
                       if current_user.role == "regulator" else None)


def _check_page(record, reason=None, return_form=None):
    """One record's page; for staff of its centre the review (preview, 通过, 退回 and, for a
    director with the child's hold here, 核验并确认入托)."""
    may_act = services.staff_may_act(current_user, record.child_id)
    # An institution's signed check is verified at its source: the director confirms on it.
    open_to_enrol = record.status == "submitted" or (record.source == "institution"
                                                     and record.status == "verified")
    hold = intake.hold_to_confirm(record.child_id, current_user.centre_id, clock_now()) \
        if may_act and open_to_enrol and allowed(current_user, "reservation.confirm") else None
    return render_template("health/check.html", check=record, reason=reason,
                           staff_may_act=may_act, hold=hold,
                           returned_because=review.return_reason(record)
                           if current_user.role != "regulator" else None,
                           return_form=return_form or ReturnForm()), \
        422 if return_form is not None and return_form.errors else 200


@bp.route("/health-checks/<int:check_id>/attachment", methods=["GET", "POST"])
@permission_required("health_record.read")
def attachment(check_id: int):
    """The form's photo or PDF, under the same rules as the record (regulators POST a reason)."""
    reason = request.form.get("reason") if request.method == "POST" else None
    record = services.read(check_id, current_user, reason=reason)
    # ?inline=1: shown in the page (an image) or a new tab (a PDF) for the review; the type
    # is the sniffed one stored at upload, and nosniff stays, so nothing else renders.
    inline = request.args.get("inline") == "1"
    return stored_file(attachments.path_of, record.attachment_path,
                       mimetype=record.attachment_type, as_attachment=not inline,
                       download_name=f"health-check-{record.id}")


@bp.post("/health-checks/<int:check_id>/return")
@permission_required("health_record.verify", own_centre=True)
def return_check(check_id: int):
    """退回 with a reason: the family is told what to fix and uploads again."""
    form = ReturnForm()
    if form.validate_on_submit():
        done = submit(form, lambda: review.return_check(check_id, current_user, form.reason.data),
                      _("已退回，家长会收到退回原因"))
        if done is not None:
            return redirect(url_for("health.staff_checks"))
    check = db.session.get(HealthCheck, check_id)
    if check is None or not services.staff_may_act(current_user, check.child_id):
        raise NotFound()
    return _check_page(check, return_form=form)


@bp.post("/health-checks/<int:check_id>/verify-and-enrol")
@permission_required("reservation.confirm", own_centre=True)
def verify_and_enrol(check_id: int):
    """核验并确认入托 in one step (both or neither); on an institution's signed check,
    确认入托 alone."""
    signed = _signed_at_source(check_id)
    r = attempt(lambda: intake.verify_and_enrol(check_id, current_user),
                lambda r: _("已确认 %(child)s 入托（体检由体检机构出具，已核验）。",
                            child=r.child.name) if signed
                else _("已核验体检并确认 %(child)s 入托。", child=r.child.name))
    if r is not None and r.ratio_warning:  # 设置标准 art. 20, as on the reservations page
        w = r.ratio_warning
        flash(_("注意：按当前排班，%(date)s 该班有 %(n)s 个时段保育人员不足，最多缺 %(m)s 人，请调整排班。",
                date=w["on_date"].isoformat(), n=w["hours_short"], m=w["most_missing"]), "error")
    return redirect(url_for("health.check", check_id=check_id))


def _signed_at_source(check_id: int) -> bool:
    check = db.session.get(HealthCheck, check_id)
    return check is not None and check.source == "institution"


@bp.post("/health-checks/<int:check_id>/verify")
@permission_required("health_record.verify")
def verify(check_id: int):
    """From a record's page, or a row of the staff's list (htmx: that row comes back)."""
    attempt(lambda: services.verify(check_id, current_user), _("已核验体检记录"))
    if not is_htmx():
        return redirect(safe_next(request.form.get("next"),
                                  url_for("health.check", check_id=check_id)))
    check = db.session.get(HealthCheck, check_id)
    if check is None or not services.staff_may_act(current_user, check.child_id):
        raise NotFound()
    return render_template("health/_check_row.html", c=services.read_list([check], current_user)[0],
                           notes=get_flashed_messages(with_categories=True)), page_status()


@bp.get("/staff/health")
@permission_required("health_record.read", own_centre=True)
def staff_checks():
    return render_template("health/staff.html",
                           checks=services.read_list(
                               services.checks_for_centre(current_user.centre_id), current_user))


def _attendance_date() -> date:
    raw = request.args.get("date")
    if not raw:
        return today()
    day = parse_day(raw)
    if day is None:
        raise BadRequest(_("请按 年-月-日 填写日期（%(min)s 到 %(max)s 之间）",
                           min=MIN_DATE.isoformat(), max=MAX_DATE.isoformat()))
    return day


@bp.get("/staff/attendance")
@permission_required("attendance.read", own_centre=True)
def attendance_page():
    on_date = _attendance_date()
    groups = attendance.groups_of(current_user.centre_id)
    group_id = request.args.get("group", type=int)
    if group_id is None and groups:
        group_id = groups[0].id
    if group_id is not None and group_id not in {g.id for g in groups}:
        raise NotFound()
    rows = attendance.roster(current_user.centre_id, group_id, on_date)
    is_today = on_date == today()
    # After the follow-up time, the children neither arrived nor reported absent (因病缺勤追踪)
    unexplained = followup.unexplained(current_user.centre_id, on_date) \
        if is_today and followup.is_due(current_user.centre_id) else []
    return render_template("health/attendance.html", rows=rows, groups=groups,
                           group_id=group_id, on_date=on_date, is_today=is_today,
                           unexplained=len(unexplained),
                           arrival=ArrivalForm(), departure=DepartureForm(),
                           fever=attendance.FEVER_C)


def _answer(reservation_id: int, form=None):
    """After an attendance button: without JavaScript, back to the list (the flash says what
    happened); with htmx, the child's row as it now is, the message in it, with the refusal's
    status (templates/_htmx.html)."""
    group_id = request.form.get("group", type=int)
    if not is_htmx():
        return redirect(url_for("health.attendance_page", group=group_id))
    r = db.session.get(Reservation, reservation_id)
    if r is None or r.slot.centre_id != current_user.centre_id:
        raise NotFound()
    return render_template("health/_attendance_row.html", row=attendance.row_for(r, today()),
                           group_id=group_id, is_today=True,
                           notes=get_flashed_messages(with_categories=True)), page_status(form)


@bp.post("/staff/attendance/<int:reservation_id>/arrive")
@permission_required("attendance.record", own_centre=True)
def arrive(reservation_id: int):
    form = ArrivalForm()
    if not form.validate():
        flash_errors(form)
        return _answer(reservation_id, form)
    day = attempt(lambda: attendance.record_arrival(
        reservation_id, current_user, temperature_c=float(form.temperature_c.data),
        observations=form.observations.data, passed=form.result.data == "pass"),
        lambda day: _("已登记入园") if day.morning_check_passed else None)
    if day is not None and not day.morning_check_passed:
        flash(_("晨检未通过：请联系家长接回，已通知监护人"), "error")
    return _answer(reservation_id)


@bp.post("/staff/attendance/<int:reservation_id>/depart")
@permission_required("attendance.record", own_centre=True)
def depart(reservation_id: int):
    form = DepartureForm()
    if not form.validate():
        flash_errors(form)
        return _answer(reservation_id, form)
    attempt(lambda: attendance.record_departure(reservation_id, current_user,
                                                **collector_choice(form)),
            lambda day: _("已登记名单外的人接走，已通知监护人")
            if departures.record_of(day.id).unlisted_name else _("已登记接走"))
    return _answer(reservation_id)


@bp.post("/staff/attendance/<int:reservation_id>/absent")
@permission_required("attendance.record", own_centre=True)
def absent(reservation_id: int):
    attempt(lambda: attendance.mark_absent(reservation_id, current_user), _("已登记缺勤"))
    return _answer(reservation_id)
