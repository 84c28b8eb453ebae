"""Staff pages: the team's records, the weekly roster grid, the gap dashboard, exports."""
from datetime import date, time, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..centres.bands import AGE_BANDS
from ..clock import LOCAL, local_date, today
from ..errors import BookingError
from ..extensions import db
from ..web import csv_download, submit
from . import exports, services, weeks
from .checks import check_week, gap_runs
from .forms import CopyWeekForm, DeleteForm, ShiftForm, StaffForm
from .labels import CERT_STATES, LEVEL_LABELS, ROLE_LABELS, WEEKDAYS
from .models import StaffMember

bp = Blueprint("rosters", __name__)
# The service names the stored instants; the shift form asks for the times of a day. Rule
# errors (overlap, certificate, hours) land in the form's summary.
_SHIFT_FIELDS = {"ends_at": "ends", "starts_at": "starts"}


@bp.app_template_filter("local_hm")
def local_hm(dt):
    return dt.astimezone(LOCAL).strftime("%H:%M")


def _week_arg() -> date:
    raw = request.args.get("week", "")
    try:
        day = date.fromisoformat(raw) if raw else today()
    except ValueError:
        abort(404)
    if not 2000 <= day.year <= 2099:  # also keeps the time-zone arithmetic in range
        abort(404)
    return weeks.week_start(day)


def _own_staff(staff_id: int) -> StaffMember:
    staff = db.session.get(StaffMember, staff_id)
    if staff is None or staff.centre_id != current_user.centre_id:
        abort(404)
    return staff


def _labels():
    return {"roles": ROLE_LABELS, "levels": LEVEL_LABELS, "cert_states": CERT_STATES,
            "weekdays": WEEKDAYS, "band_labels": {k: b.label for k, b in AGE_BANDS.items()}}


# -- staff records ------------------------------------------------------------------------

@bp.route("/staff/team")
@permission_required("roster.read", own_centre=True)
def team():
    centre = current_user.centre
    return render_template("rosters/team.html", centre=centre,
                           staff=services.staff_of(centre.id),
                           alerts=services.health_cert_alerts(centre.id), today=today(),
                           feed_token=exports.feed_token, **_labels())


def _staff_fields(form: StaffForm) -> dict:
    return {name: getattr(form, name).data for name in services.STAFF_FIELDS}


@bp.route("/staff/team/new", methods=["GET", "POST"])
@permission_required("roster.manage", own_centre=True)
def new_staff():
    form = StaffForm()
    if form.validate_on_submit() and submit(
            form, lambda: services.create_staff(current_user.centre_id, actor=current_user,
                                                **_staff_fields(form)),
            lambda staff: _("已添加员工：%(name)s", name=staff.name)):
        return redirect(url_for("rosters.team"))
    return render_template("rosters/staff_form.html", form=form, staff=None), \
        422 if form.errors else 200


@bp.route("/staff/team/<int:staff_id>", methods=["GET", "POST"])
@permission_required("roster.manage", own_centre=True)
def edit_staff(staff_id):
    staff = _own_staff(staff_id)
    form = StaffForm(obj=staff)
    if form.validate_on_submit() and submit(
            form, lambda: services.update_staff(staff.id, actor=current_user,
                                                **_staff_fields(form)),
            lambda saved: _("已保存员工：%(name)s", name=saved.name)):
        return redirect(url_for("rosters.team"))
    return render_template("rosters/staff_form.html", form=form, staff=staff), \
        422 if form.errors else 200


def _ical_response(staff) -> Response:
    first, last = exports.ical_range(today())
    start = weeks.local_day_bounds(first)[0]
    end = weeks.local_day_bounds(last)[1]
    shifts = [s for s in weeks.shifts_between(staff.centre_id, start, end)
              if s.staff_member_id == staff.id]
    return Response(exports.staff_ical(staff, shifts), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="shifts-{staff.id}.ics"',
                             "Cache-Control": "no-store"})


@bp.route("/staff/team/<int:staff_id>/shifts.ics")
@permission_required("roster.read", own_centre=True)
def staff_ical(staff_id):
    return _ical_response(_own_staff(staff_id))


@bp.route("/roster-feeds/<token>.ics")
def staff_feed(token):
    """The same calendar for a phone's calendar app, which sends no login: the address
    itself is the key (signed, so it cannot be guessed or changed to another person's)."""
    staff = exports.staff_from_feed_token(token)
    if staff is None:
        abort(404)
    return _ical_response(staff)


# -- the roster grid ----------------------------------------------------------------------

def _shift_form(centre, form=None) -> ShiftForm:
    form = form or ShiftForm()
    staff = services.staff_of(centre.id, active_only=True)
    form.staff_member_id.choices = [
        (s.id, f"{s.name} · {ROLE_LABELS.get(s.role, s.role)}") for s in staff]
    form.group_id.choices = [("", _("不指定班级（卫生保健、安保等）"))] + [
        (g.id, f"{g.name} · {AGE_BANDS[g.age_band].label}") for g in centre.groups]
    return form


def _grid(centre, monday: date):
    """Rows per class (and one for shifts without a class) × seven days."""
    days = [monday + timedelta(days=i) for i in range(7)]
    checks = check_week(centre, monday)
    shifts = weeks.week_shifts(centre.id, monday)
    keys = [g.id for g in centre.groups] + [None]
    cells = {(k, d): [] for k in keys for d in days}
    for s in shifts:
        d = local_date(s.starts_at)
        if (s.group_id, d) in cells:
            cells[(s.group_id, d)].append(s)
    gaps = {}
    for day in checks:
        for c in day.classes:
            gaps[(c.group.id, day.day)] = gap_runs(c.hours)
    return days, checks, cells, gaps


# The shift a tap on the staff grid adds, until the director picks other times above it.
DEFAULT_CELL_SHIFT = (time(8, 0), time(17, 0))


def _cell_template() -> dict:
    """The grid's shift template from the query (or the form that repeats it): times and
    class; anything unreadable falls back to the default."""
    src = request.values

    def hm(name, fallback):
        try:
            return time.fromisoformat(src.get(name, ""))
        except ValueError:
            return fallback
    starts, ends = hm("tpl_starts", DEFAULT_CELL_SHIFT[0]), hm("tpl_ends", DEFAULT_CELL_SHIFT[1])
    group = src.get("tpl_group", type=int)
    if group not in {g.id for g in current_user.centre.groups}:
        group = None
    return {"starts": starts.strftime("%H:%M"), "ends": ends.strftime("%H:%M"), "group": group}


def _staff_grid(centre, days, shifts):
    """Active staff × the seven days: their shifts, and why a day is closed to them."""
    people = services.staff_of(centre.id, active_only=True)
    cells = {(p.id, d): [] for p in people for d in days}
    for s in shifts:
        key = (s.staff_member_id, local_date(s.starts_at))
        if key in cells:
            cells[key].append(s)
    off = {(p.id, d): services.ineligible_reason(p, d) for p in people for d in days}
    return people, cells, off


def _render_roster(centre, monday, form, status=200):
    days, checks, cells, gaps = _grid(centre, monday)
    people, staff_cells, off = _staff_grid(centre, days, weeks.week_shifts(centre.id, monday))
    return render_template(
        "rosters/roster.html", centre=centre, monday=monday, days=days, checks=checks,
        cells=cells, gaps=gaps, form=form, copy_form=CopyWeekForm(), delete_form=DeleteForm(),
        people=people, staff_cells=staff_cells, off=off, tpl=_cell_template(),
        prev_week=monday - timedelta(days=7), next_week=monday + timedelta(days=7),
        **_labels()), status


@bp.route("/staff/roster")
@permission_required("roster.read", own_centre=True)
def roster():
    centre = current_user.centre
    monday = _week_arg()
    form = _shift_form(centre)
    if not form.is_submitted():
        form.day.data = max(monday, today()) if monday <= today() < monday + timedelta(7) else monday
    return _render_roster(centre, monday, form)


@bp.post("/staff/roster/shifts")
@permission_required("roster.manage", own_centre=True)
def add_shift():
    centre = current_user.centre
    form = _shift_form(centre)
    if form.validate_on_submit():
        starts, ends = form.instants()
        if submit(form, lambda: services.add_shift(
                centre.id, staff_member_id=form.staff_member_id.data,
                group_id=form.group_id.data, starts_at=starts, ends_at=ends,
                actor=current_user), _("已排班"), fields=_SHIFT_FIELDS):
            return redirect(_week_url(form.day.data))
    shown = form.day.data if form.day.data and not form.day.errors else today()
    return _render_roster(centre, weeks.week_start(shown), form, 422)


def _week_url(day: date) -> str:
    """Back to the week; from the staff grid, keeping the template its cells add."""
    if request.form.get("tpl_starts"):
        tpl = _cell_template()
        return url_for("rosters.roster", week=day.isoformat(), tpl_starts=tpl["starts"],
                       tpl_ends=tpl["ends"], tpl_group=tpl["group"] or None, _anchor="staff-grid")
    return url_for("rosters.roster", week=day.isoformat())


@bp.post("/staff/roster/weekdays")
@permission_required("roster.manage", own_centre=True)
def weekday_shifts():
    """重复周一至周五 for one staff member, with the grid's template times and class."""
    form = CopyWeekForm()  # the CSRF token alone
    if not form.validate_on_submit():
        abort(400)
    monday = _week_arg()
    tpl = _cell_template()
    staff_id = request.form.get("staff_member_id", type=int)
    if staff_id is None:
        abort(400)
    _own_staff(staff_id)
    try:
        added, skipped = services.add_weekday_shifts(
            current_user.centre_id, staff_member_id=staff_id, group_id=tpl["group"],
            monday=monday, starts=time.fromisoformat(tpl["starts"]),
            ends=time.fromisoformat(tpl["ends"]), actor=current_user)
    except BookingError as err:
        flash(err.message, "error")
    else:
        flash(_("已排 %(n)s 天（周一至周五）", n=len(added)), "success")
        for reason in skipped:
            flash(_("未排：%(reason)s", reason=reason), "error")
    return redirect(_week_url(monday))


@bp.route("/staff/roster/shifts/<int:shift_id>", methods=["GET", "POST"])
@permission_required("roster.manage", own_centre=True)
def move_shift(shift_id):
    centre = current_user.centre
    try:
        shift = services.get_shift(centre.id, shift_id)
    except BookingError:
        abort(404)
    form = _shift_form(centre)
    if not form.is_submitted():
        form.staff_member_id.data = shift.staff_member_id
        form.group_id.data = shift.group_id
        form.day.data = local_date(shift.starts_at)
        form.starts.data = shift.starts_at.astimezone(LOCAL).time()
        form.ends.data = shift.ends_at.astimezone(LOCAL).time()
    if form.validate_on_submit():
        starts, ends = form.instants()
        if submit(form, lambda: services.move_shift(
                centre.id, shift.id, staff_member_id=form.staff_member_id.data,
                group_id=form.group_id.data, starts_at=starts, ends_at=ends,
                actor=current_user), _("已调整班次"), fields=_SHIFT_FIELDS):
            return redirect(url_for("rosters.roster", week=form.day.data.isoformat()))
    return render_template("rosters/shift_form.html", form=form, shift=shift,
                           delete_form=DeleteForm()), 422 if form.errors or form.form_errors else 200


@bp.post("/staff/roster/shifts/<int:shift_id>/delete")
@permission_required("roster.manage", own_centre=True)
def delete_shift(shift_id):
    centre = current_user.centre
    form = DeleteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        shift = services.get_shift(centre.id, shift_id)
    except BookingError:
        abort(404)
    day = local_date(shift.starts_at)
    services.delete_shift(centre.id, shift.id, actor=current_user)
    flash(_("已删除班次"), "success")
    return redirect(_week_url(day))


@bp.post("/staff/roster/copy")
@permission_required("roster.manage", own_centre=True)
def copy_week():
    form = CopyWeekForm()
    if not form.validate_on_submit():
        abort(400)
    monday = _week_arg()
    copied, skipped = services.copy_last_week(current_user.centre_id, monday, actor=current_user)
    flash(_("已从上周复制 %(n)s 个班次", n=copied), "success")
    for reason in skipped:
        flash(_("未复制：%(reason)s", reason=reason), "error")
    return redirect(url_for("rosters.roster", week=monday.isoformat()))


# -- gaps and exports ---------------------------------------------------------------------

@bp.route("/staff/roster/gaps")
@permission_required("roster.read", own_centre=True)
def gaps():
    centre = current_user.centre
    monday = _week_arg()
    return render_template("rosters/gaps.html", centre=centre, monday=monday,
                           checks=check_week(centre, monday), gap_runs=gap_runs,
                           prev_week=monday - timedelta(days=7),
                           next_week=monday + timedelta(days=7), **_labels())


@bp.route("/staff/roster.csv")
@permission_required("roster.read", own_centre=True)
def roster_csv():
    monday = _week_arg()
    return csv_download(exports.roster_csv(current_user.centre, monday),
                         f"roster-{monday.isoformat()}.csv")


@bp.route("/staff/roster/ratio.csv")
@permission_required("roster.read", own_centre=True)
def ratio_csv():
    monday = _week_arg()
    return csv_download(exports.ratio_csv(current_user.centre, monday),
                         f"ratio-{monday.isoformat()}.csv")


@bp.route("/staff/roster/print")
@permission_required("roster.read", own_centre=True)
def roster_print():
    centre = current_user.centre
    monday = _week_arg()
    days, checks, cells, gaps_ = _grid(centre, monday)
    return render_template("rosters/print.html", centre=centre, monday=monday, days=days,
                           checks=checks, cells=cells, gaps=gaps_, gap_runs=gap_runs,
                           **_labels())
