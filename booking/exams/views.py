"""入托体检 pages (docs/exams.md): regulators register institutions and their accounts and
read the counts; the institution publishes and runs its sessions; the family books, moves
and cancels. Each button calls one service."""
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..children.services import child_for_guardian, children_of
from ..clock import LOCAL, local_date, today
from ..clock import now as clock_now
from ..errors import NotFound
from ..extensions import db
from ..web import attempt, page_status, submit
from . import appointments, exam_sessions, institutions, stats
from .api import reason_of
from .forms import (AccountForm, BookForm, CancelSessionForm, ExamSessionForm,
                    InstitutionForm, MarkForm, MoveForm, PlainForm)
from .labels import ITEM_LABELS, KIND_LABELS, ROLE_LABELS, STATUS_LABELS
from .models import ExamSession, HealthInstitution

bp = Blueprint("exams", __name__)


@bp.app_template_filter("exam_when")
def exam_when(s: ExamSession) -> str:
    return appointments.when(s)


def _context(**kw):
    return {"KIND_LABELS": KIND_LABELS, "ROLE_LABELS": ROLE_LABELS, "ITEM_LABELS": ITEM_LABELS,
            "STATUS_LABELS": STATUS_LABELS, "cutoff_of": exam_sessions.cancel_cutoff,
            "LOCAL": LOCAL, **kw}


def _found(call):
    try:
        return call()
    except NotFound:
        abort(404)


# --- regulators and admins: institutions and their accounts ----------------------------------

def _institution_form(form):
    form.district_id.choices = [(d.id, f"{d.city} · {d.name}")
                                for d in institutions.districts_for(current_user)]


def _spec(form) -> institutions.InstitutionSpec:
    return institutions.InstitutionSpec(
        name=form.name.data or "", kind=form.kind.data, district_id=form.district_id.data,
        address=form.address.data, phone=form.phone.data,
        cancel_cutoff_hours=form.cancel_cutoff_hours.data)


@bp.route("/regulator/institutions", methods=["GET", "POST"])
@permission_required("institution.manage")
def institution_list():
    form = InstitutionForm()
    _institution_form(form)
    if form.validate_on_submit():
        made = submit(form, lambda: institutions.register(_spec(form), actor=current_user),
                      lambda i: _("已登记 %(name)s。", name=i.name))
        if made:
            return redirect(url_for("exams.institution_detail", institution_id=made.id), 303)
    return render_template("exams/institutions.html", form=form,
                           rows=institutions.listed(current_user),
                           **_context()), page_status(form)


@bp.route("/regulator/institutions/<int:institution_id>", methods=["GET", "POST"])
@permission_required("institution.manage")
def institution_detail(institution_id):
    inst = _found(lambda: institutions.visible_institution(institution_id, current_user))
    form = InstitutionForm(obj=inst if request.method == "GET" else None)
    _institution_form(form)
    account_form = AccountForm(formdata=None)
    if form.validate_on_submit() and submit(
            form, lambda: institutions.edit(inst.id, _spec(form), actor=current_user,
                                            active=form.active.data),
            _("已保存。")):
        return redirect(url_for("exams.institution_detail", institution_id=inst.id), 303)
    return _detail(inst, form, account_form, page_status(form))


def _detail(inst, form, account_form, status):
    return render_template("exams/institution.html", inst=inst, form=form,
                           account_form=account_form, plain=PlainForm(formdata=None),
                           accounts=institutions.accounts_of(inst), **_context()), status


@bp.post("/regulator/institutions/<int:institution_id>/accounts")
@permission_required("institution.manage")
def institution_account(institution_id):
    inst = _found(lambda: institutions.visible_institution(institution_id, current_user))
    account_form = AccountForm()
    if account_form.validate() and submit(
            account_form, lambda: institutions.create_account(
                inst.id, actor=current_user, name=account_form.name.data,
                role=account_form.role.data, password=account_form.password.data,
                email=account_form.email.data, phone=account_form.phone.data),
            lambda u: _("已为 %(name)s 开通账号。", name=u.name),
            fields={"institution_role": "role"}):
        return redirect(url_for("exams.institution_detail", institution_id=inst.id), 303)
    form = InstitutionForm(obj=inst, formdata=None)
    _institution_form(form)
    return _detail(inst, form, account_form, page_status(account_form))


@bp.post("/regulator/institutions/<int:institution_id>/accounts/<int:user_id>/deactivate")
@permission_required("institution.manage")
def institution_account_deactivate(institution_id, user_id):
    _found(lambda: institutions.member_account(institution_id, user_id, current_user))
    if PlainForm().validate():
        attempt(lambda: institutions.deactivate_account(institution_id, user_id,
                                                        actor=current_user),
                lambda u: _("已停用 %(name)s 的账号。", name=u.name))
    return redirect(url_for("exams.institution_detail", institution_id=institution_id), 303)


@bp.get("/regulator/exams")
@permission_required("exam.stats")
def regulator_stats():
    return render_template("exams/stats.html", data=stats.exam_stats(current_user),
                           **_context())


# --- the institution ----------------------------------------------------------------------

@bp.route("/institution", methods=["GET", "POST"])
@permission_required("exam.schedule")
def institution_home():
    inst = db.session.get(HealthInstitution, current_user.institution_id or 0)
    if inst is None:
        abort(403)
    form = ExamSessionForm()
    if form.validate_on_submit():
        spec = exam_sessions.ExamSessionSpec(
            on_date=form.on_date.data, start=form.start.data, end=form.end.data,
            capacity=form.capacity.data, items=list(form.items.data or ()),
            bring=form.bring.data, days=form.days.data)
        if submit(form, lambda: exam_sessions.publish(inst.id, spec, actor=current_user),
                  lambda made: _("已发布 %(n)s 个场次。", n=len(made))):
            return redirect(url_for("exams.institution_home"), 303)
    now = clock_now()
    upcoming = exam_sessions.institution_sessions(inst.id, since=now - timedelta(hours=12),
                                                  until=now + timedelta(days=60))
    counts = exam_sessions.booked_counts(s.id for s in upcoming)
    day = today()
    rows = [{"s": s, "booked": counts[s.id], "today": local_date(s.starts_at) == day}
            for s in upcoming]
    return render_template("exams/institution_home.html", inst=inst, form=form, rows=rows,
                           day=day, **_context()), page_status(form)


@bp.get("/institution/sessions/<int:exam_session_id>")
@permission_required("exam.attendance")
def institution_session(exam_session_id):
    s = _found(lambda: exam_sessions.own_session(exam_session_id, current_user,
                                                 "exam.attendance"))
    now = clock_now()
    return render_template("exams/institution_session.html", s=s,
                           rows=exam_sessions.session_appointments(s.id, now),
                           closed=exam_sessions.closed_counts(s.id),
                           booked=exam_sessions.booked_count(s.id),
                           on_the_day=local_date(s.starts_at) <= local_date(now),
                           over=s.ends_at <= now, started=s.starts_at <= now,
                           cancel_form=CancelSessionForm(formdata=None),
                           plain=PlainForm(formdata=None), **_context())


@bp.post("/institution/sessions/<int:exam_session_id>/cancel")
@permission_required("exam.schedule")
def institution_cancel_session(exam_session_id):
    s = _found(lambda: exam_sessions.own_session(exam_session_id, current_user))
    form = CancelSessionForm()
    if not form.validate():
        flash(_("取消原因最多 200 个字"), "error")
    else:
        attempt(lambda: exam_sessions.cancel_session(s.id, actor=current_user,
                                                     reason=form.reason.data),
                _("场次已取消，已通知预约的家庭。"))
    return redirect(url_for("exams.institution_session", exam_session_id=s.id), 303)


@bp.post("/institution/appointments/<int:appointment_id>/mark")
@permission_required("exam.attendance")
def institution_mark(appointment_id):
    a = _found(lambda: appointments.visible(appointment_id, current_user))
    form = MarkForm()
    if not form.validate():
        flash(_("请选择到场或爽约"), "error")
    else:
        attempt(lambda: appointments.mark(a.id, actor=current_user, status=form.status.data),
                lambda r: _("已登记 %(child)s：%(s)s", child=r.child.name,
                            s=_("已到场") if r.status == "booked" else STATUS_LABELS[r.status]))
    return redirect(url_for("exams.institution_session", exam_session_id=a.session_id), 303)


# --- families ---------------------------------------------------------------------------------

@bp.get("/exams")
@permission_required("exam.book")
def family():
    now = clock_now()
    kids = [{"child": c, "rows": [{"a": a, "may_change": appointments.may_change_online(a, now)}
                                  for a in appointments.for_child(current_user, c.id)[:5]]}
            for c in children_of(current_user)]
    return render_template("exams/family.html", kids=kids, **_context())


def _child_page(child_id, form, status=200):
    reservation_id = request.values.get("reservation_id", type=int)
    child = _found(lambda: child_for_guardian(current_user, child_id))
    sug = _found(lambda: appointments.suggest(current_user, child.id, reservation_id))
    now = clock_now()
    rows, _total = exam_sessions.open_sessions(now=now, date_from=local_date(now),
                                               per_page=200)
    by_inst: dict = {}
    for s, n in rows:
        by_inst.setdefault(s.institution_id, {"inst": s.institution, "sessions": []})[
            "sessions"].append({"s": s, "booked": n, "left": max(s.capacity - n, 0),
                                "valid": local_date(s.starts_at) >= sug["earliest"] and (
                                    sug["latest"] is None
                                    or local_date(s.starts_at) < sug["latest"])})
    groups = sorted(by_inst.values(), key=lambda g: (
        g["inst"].district_id != sug["district_id"], g["inst"].name))
    live = appointments.live_of(child.id)
    return render_template("exams/child.html", child=child, sug=sug, reason=reason_of(sug),
                           groups=groups, live=live, form=form,
                           may_change=live is not None and appointments.may_change_online(
                               live, now),
                           reservation_id=reservation_id, **_context()), status


@bp.get("/children/<int:child_id>/exams")
@permission_required("exam.book")
def child_page(child_id):
    return _child_page(child_id, BookForm(formdata=None))


@bp.post("/children/<int:child_id>/exams")
@permission_required("exam.book")
def book(child_id):
    form = BookForm()
    _found(lambda: child_for_guardian(current_user, child_id))
    reservation_id = int(form.reservation_id.data) if (form.reservation_id.data or "").isdigit() \
        else None
    if form.validate() and _found(lambda: submit(
            form, lambda: appointments.book(child_id=child_id, session_id=form.session_id.data,
                                            parent=current_user, reservation_id=reservation_id),
            lambda a: _("已为 %(child)s 预约 %(inst)s %(when)s 的入托体检。", child=a.child.name,
                        inst=a.session.institution.name, when=appointments.when(a.session)),
            fields={"conflict": "session_id", "session-full": "session_id"})):
        return redirect(url_for("exams.child_page", child_id=child_id), 303)
    return _child_page(child_id, form, page_status(form))


@bp.post("/exams/appointments/<int:appointment_id>/cancel")
@permission_required("exam.book")
def cancel(appointment_id):
    a = _found(lambda: appointments.visible(appointment_id, current_user))
    if PlainForm().validate():
        _found(lambda: attempt(lambda: appointments.cancel(a.id, parent=current_user),
                               lambda r: _("已取消 %(child)s 的体检预约。", child=r.child.name)))
    return redirect(url_for("exams.child_page", child_id=a.child_id), 303)


@bp.route("/exams/appointments/<int:appointment_id>/move", methods=["GET", "POST"])
@permission_required("exam.book")
def move(appointment_id):
    a = _found(lambda: appointments.visible(appointment_id, current_user))
    now = clock_now()
    rows, _total = exam_sessions.open_sessions(now=now, has_places=True, per_page=200)
    form = MoveForm()
    form.session_id.choices = [(s.id, f"{s.institution.name} · {appointments.when(s)}")
                               for s, _n in rows if s.id != a.session_id]
    if form.validate_on_submit() and _found(lambda: submit(
            form, lambda: appointments.move(a.id, session_id=form.session_id.data,
                                            parent=current_user),
            lambda r: _("已改约到 %(inst)s %(when)s。", inst=r.session.institution.name,
                        when=appointments.when(r.session)),
            fields={"conflict": "session_id", "session-full": "session_id"})):
        return redirect(url_for("exams.child_page", child_id=a.child_id), 303)
    return render_template("exams/move.html", a=a, form=form,
                           may_change=appointments.may_change_online(a, now),
                           cutoff=exam_sessions.cancel_cutoff(a.session),
                           **_context()), page_status(form)
