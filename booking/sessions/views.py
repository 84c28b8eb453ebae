"""Sessions on the web: parents find, book and cancel; staff publish, follow and record
attendance. Each button calls one service (services.py)."""
from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.permissions import permission_required
from ..centres.bands import AGE_BANDS, age_in_months, band_fits
from ..centres.models import District
from ..children.services import children_of
from ..clock import LOCAL, local_date, today
from ..clock import now as clock_now
from ..extensions import db
from ..slots.forms import to_fen
from ..web import attempt, page_status, submit
from . import exports, queries, services
from .forms import (AttendanceForm, BookForm, CalendarForm, SessionCancelForm, SessionChangeForm,
                    SessionForm)
from .labels import KIND_LABELS, STATUS_LABELS, STATUS_SYMBOLS, WEEKDAY_LABELS
from .models import CareSession, SessionBooking

bp = Blueprint("sessions", __name__)
# The service names the stored fields and its refusals; the forms ask in yuan, for a child.
_FIELDS = {"price_per_hour_fen": "price_per_hour"}
_ON_CHILD = {"age-out-of-band": "child_id", "already-reserved": "child_id"}


@bp.app_template_global()
def session_status(status):
    """(symbol, label) of a session booking's status."""
    return STATUS_SYMBOLS.get(status, "dot"), STATUS_LABELS.get(status, status)


@bp.app_template_filter("session_when")
def session_when(s: CareSession) -> str:
    start, end = s.starts_at.astimezone(LOCAL), s.ends_at.astimezone(LOCAL)
    return f"{start:%Y-%m-%d} {WEEKDAY_LABELS[start.isoweekday()]} {start:%H:%M}–{end:%H:%M}"


def _context():
    return {"KIND_LABELS": KIND_LABELS, "AGE_BANDS": AGE_BANDS, "price_for": services.price_for}


# --- parents (the calendar is public) -------------------------------------------------------

@bp.get("/sessions")
def calendar():
    """A week of bookable sessions, by day; a parent's home district first."""
    form = CalendarForm(formdata=request.args)
    districts = db.session.scalars(select(District).order_by(District.city, District.code)).all()
    form.district.choices = [("", _("全部区"))] + [(d.id, f"{d.city} · {d.name}") for d in districts]
    kids = children_of(current_user) if current_user.is_authenticated and \
        current_user.role == "parent" else []
    form.child.choices = [("", _("不限"))] + [(c.id, c.name) for c in kids]
    if not request.args and kids and current_user.district_id:
        form.district.data = current_user.district_id
    status = 200
    if not form.validate():
        status = 422
        for name in ("week", "district", "child", "band", "kind"):
            if getattr(form, name).errors:
                getattr(form, name).data = None
    first = form.week.data or today()
    first = first - timedelta(days=first.weekday())
    f = queries.CalendarFilters(district_id=form.district.data, date_from=first,
                                date_to=first + timedelta(days=6), age_band=form.band.data,
                                kind=form.kind.data)
    rows, _total = queries.public_sessions(f, 1, 500)
    child = next((c for c in kids if c.id == form.child.data), None)
    if child is not None:
        rows = [(s, n) for s, n in rows if band_fits(
            s.age_band, age_in_months(child.birth_date, local_date(s.starts_at)))]
    days = [{"day": first + timedelta(days=i), "label": WEEKDAY_LABELS[i + 1], "rows": []}
            for i in range(7)]
    for s, n in rows:
        days[local_date(s.starts_at).weekday()]["rows"].append(
            {"s": s, "booked": n, "left": max(s.capacity - n, 0)})
    args = {k: v for k, v in request.args.items() if k != "week"}
    return render_template("sessions/calendar.html", form=form, days=days, first=first,
                           prev_url=url_for("sessions.calendar", week=first - timedelta(days=7), **args),
                           next_url=url_for("sessions.calendar", week=first + timedelta(days=7), **args),
                           count=len(rows), **_context()), status


def _bookable(session_id: int) -> CareSession:
    s = db.session.get(CareSession, session_id)
    if s is None or s.centre.filing is None or s.centre.filing.status != "approved":
        abort(404)
    return s


@bp.route("/sessions/<int:session_id>/book", methods=["GET", "POST"])
@permission_required("session.book")
def book(session_id):
    s = _bookable(session_id)
    kids = children_of(current_user)
    form = BookForm()
    form.child_id.choices = [(c.id, c.name) for c in kids]
    if form.validate_on_submit() and submit(
            form, lambda: services.book(session_id=s.id, child_id=form.child_id.data,
                                        parent=current_user),
            lambda b: _("已为 %(child)s 预约 %(when)s 的场次。", child=b.child.name,
                        when=session_when(s)), fields=_ON_CHILD):
        return redirect(url_for("sessions.mine"), 303)
    booked = queries.live_count(s.id)
    return render_template("sessions/book.html", s=s, form=form, children=kids,
                           left=max(s.capacity - booked, 0),
                           cutoff=queries.cancel_cutoff(s), **_context()), page_status(form)


@bp.get("/sessions/mine")
@permission_required("family.read")
def mine():
    now = clock_now()
    rows = [{"b": b, "may_cancel": services.may_cancel_online(b, now),
             "cutoff": queries.cancel_cutoff(b.session)}
            for b in queries.family_bookings(current_user)]
    year = today().year
    home = db.session.get(District, current_user.district_id) if current_user.district_id else None
    quota, cutoff_hours = queries.policy_of(home.city if home else None)
    used = queries.quota_used(current_user, year)
    return render_template("sessions/mine.html", rows=rows, year=year, quota=quota, used=used,
                           left=max(quota - used, 0), cutoff_hours=cutoff_hours, now=now,
                           **_context())


@bp.get("/sessions/mine.ics")
@permission_required("family.read")
def mine_ical():
    return Response(exports.family_ical(current_user), mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="sessions.ics"'})


@bp.post("/sessions/bookings/<int:booking_id>/cancel")
@permission_required("session.cancel_booking")
def cancel(booking_id):
    attempt(lambda: services.cancel_booking(booking_id, current_user),
            lambda b: _("已取消 %(child)s 的场次预约。", child=b.child.name))
    return redirect(url_for("sessions.mine"), 303)


# --- staff ----------------------------------------------------------------------------------

def _own(session_id: int) -> CareSession:
    s = db.session.get(CareSession, session_id)
    if s is None or s.centre_id != current_user.centre_id:
        abort(404)
    return s


@bp.route("/staff/sessions", methods=["GET", "POST"])
@permission_required("session.manage", own_centre=True)
def staff_index():
    centre = current_user.centre
    form = SessionForm()
    form.group_id.choices = [("", _("不计入班级"))] + [
        (g.id, f"{g.name} · {AGE_BANDS[g.age_band].label}") for g in centre.groups]
    if form.validate_on_submit():
        spec = services.SessionSpec(
            kind=form.kind.data, age_band=form.age_band.data, on_date=form.on_date.data,
            start=form.start.data, end=form.end.data, capacity=form.capacity.data,
            price_per_hour_fen=to_fen(form.price_per_hour.data),
            subsidised=form.subsidised.data, group_id=form.group_id.data,
            weekdays=tuple(form.weekdays.data or ()), repeat_weeks=form.repeat_weeks.data)
        if submit(form, lambda: services.publish(centre, spec, actor=current_user),
                  lambda made: _("已发布 %(n)s 个场次。", n=len(made)), fields=_FIELDS):
            return redirect(url_for("sessions.staff_index"), 303)
    upcoming = queries.centre_sessions(centre.id, upcoming_from=clock_now())
    counts = queries.booked_counts([s.id for s in upcoming])
    rows = [{"s": s, "booked": counts[s.id]} for s in upcoming]
    page = max(request.args.get("done_page", 1, type=int), 1)
    finished, more = queries.finished_sessions(centre.id, clock_now(), page)
    return render_template("sessions/staff.html", centre=centre, form=form, rows=rows,
                           finished=finished, done_page=page, more_done=more,
                           **_context()), 422 if form.errors else 200


@bp.route("/staff/sessions/<int:session_id>", methods=["GET", "POST"])
@permission_required("session.manage", own_centre=True)
def staff_session(session_id):
    s = _own(session_id)
    form = SessionChangeForm()
    if not form.is_submitted():
        form.capacity.data = s.capacity
        form.price_per_hour.data = s.price_per_hour_fen / 100
    if form.validate_on_submit() and submit(
            form, lambda: services.change(s.id, actor=current_user, capacity=form.capacity.data,
                                          price_per_hour_fen=to_fen(form.price_per_hour.data)),
            lambda changed: _("已保存场次 %(when)s", when=session_when(changed)), fields=_FIELDS):
        return redirect(url_for("sessions.staff_session", session_id=s.id), 303)
    bookings = queries.session_bookings(s.id)
    return render_template("sessions/staff_session.html", s=s, form=form, bookings=bookings,
                           booked=queries.live_count(s.id), started=s.starts_at <= clock_now(),
                           cancel_form=SessionCancelForm(formdata=None),
                           **_context()), page_status(form)


@bp.post("/staff/sessions/<int:session_id>/cancel")
@permission_required("session.manage", own_centre=True)
def staff_cancel_session(session_id):
    s = _own(session_id)
    form = SessionCancelForm()
    if not form.validate():
        flash(_("取消原因最多 200 个字"), "error")
    else:
        attempt(lambda: services.cancel_session(s.id, actor=current_user, reason=form.reason.data),
                _("场次已取消，已通知预约的家庭。"))
    return redirect(url_for("sessions.staff_session", session_id=s.id), 303)


def _own_booking(booking_id: int) -> SessionBooking:
    b = db.session.get(SessionBooking, booking_id)
    if b is None or b.session.centre_id != current_user.centre_id:
        abort(404)
    return b


@bp.post("/staff/session-bookings/<int:booking_id>/attendance")
@permission_required("attendance.record", own_centre=True)
def staff_attendance(booking_id):
    b = _own_booking(booking_id)
    form = AttendanceForm()
    if not form.validate():
        flash(_("请选择出勤情况"), "error")
    else:
        attempt(lambda: services.mark_attendance(b.id, current_user, form.status.data),
                lambda r: _("已登记 %(child)s：%(s)s", child=r.child.name,
                            s=STATUS_LABELS[r.status]))
    return redirect(url_for("sessions.staff_session", session_id=b.session_id), 303)


@bp.post("/staff/session-bookings/<int:booking_id>/cancel")
@permission_required("session.cancel_booking", own_centre=True)
def staff_cancel_booking(booking_id):
    b = _own_booking(booking_id)
    attempt(lambda: services.cancel_booking(b.id, current_user),
            lambda r: _("已取消 %(child)s 的场次预约，并通知了家长。", child=r.child.name))
    return redirect(url_for("sessions.staff_session", session_id=b.session_id), 303)
