"""Absence pages: a guardian reports and withdraws absences (phone-first); the staff's
morning list of who is away and who is unexplained, the follow-up call, and the director's
follow-up time (docs/absences.md)."""
from datetime import time

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..children import services as children
from ..clock import today
from ..pickup.services import guardians
from ..web import attempt, flash_errors, page_status, submit
from . import followup, queries, services
from .forms import AbsenceForm, FollowUpForm, FollowUpTimeForm
from .labels import REASON_LABELS, SOURCE_LABELS, SYMPTOM_LABELS, symptom_text

bp = Blueprint("absences", __name__)


@bp.app_template_global()
def absence_words(absence) -> str:
    """"病假：发热、咳嗽" — the reason, and for an illness its symptoms."""
    reason = str(REASON_LABELS.get(absence.reason, absence.reason))
    symptoms = symptom_text(absence)
    return f"{reason}{_('：')}{symptoms}" if symptoms else reason


def _labels():
    return {"reasons": REASON_LABELS, "sources": SOURCE_LABELS, "symptoms": SYMPTOM_LABELS}


@bp.get("/absences")
@permission_required("absence.report")
def mine():
    """The family's children, each with its absences and pickup list."""
    return render_template("absences/mine.html",
                           rows=services.children_with_care(current_user))


@bp.route("/children/<int:child_id>/absences", methods=["GET", "POST"])
@permission_required("absence.report")
def child(child_id: int):
    kid = children.child_for_guardian(current_user, child_id)
    form = AbsenceForm()
    if form.validate_on_submit():
        done = submit(form, lambda: services.report(
            kid.id, current_user, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            reason=form.reason.data, symptoms=form.symptoms.data or [],
            symptom_other=form.symptom_other.data, note=form.note.data),
            _("已请假，老师会在考勤表上看到"))
        if done is not None:
            return redirect(url_for("absences.child", child_id=kid.id))
    elif request.method == "GET":
        form.starts_on.data = today()
    return render_template("absences/child.html", child=kid, form=form,
                           absences=queries.absences_of(kid.id), today=today(),
                           enrolment=queries.enrolment_on(kid.id, today()),
                           **_labels()), page_status(form)


@bp.post("/children/<int:child_id>/absences/<int:absence_id>/withdraw")
@permission_required("absence.report")
def withdraw(child_id: int, absence_id: int):
    services.absence_for(absence_id, current_user, child_id)  # 404 before any flash
    attempt(lambda: services.withdraw(absence_id, current_user, child_id=child_id),
            lambda a: _("已撤回请假") if a.withdrawn_at else _("已撤回今天之后的请假"))
    return redirect(url_for("absences.child", child_id=child_id))


@bp.get("/staff/absences")
@permission_required("absence.follow_up", own_centre=True)
def staff_today():
    """This morning: who is away and why, and after the follow-up time who is unexplained."""
    centre_id = current_user.centre_id
    day = today()
    away = queries.on_day(centre_id, day)
    due = followup.is_due(centre_id)
    return render_template(
        "absences/staff.html", day=day, away=away, due=due,
        unexplained=followup.unexplained(centre_id, day) if due else [],
        follow_up_at=followup.follow_up_time(centre_id),
        settings=FollowUpTimeForm(formdata=None,
                                  follow_up_at=followup.follow_up_time(centre_id)
                                  .strftime("%H:%M")), **_labels())


@bp.route("/staff/absences/<int:reservation_id>/follow-up", methods=["GET", "POST"])
@permission_required("absence.follow_up", own_centre=True)
def follow_up(reservation_id: int):
    """The call to a family whose child neither came nor was reported absent."""
    r = followup.reservation_for_call(reservation_id, current_user)
    form = FollowUpForm()
    if form.validate_on_submit():
        done = submit(form, lambda: followup.record_follow_up(
            r.id, current_user, reached=form.reached.data == "yes", reason=form.reason.data,
            symptoms=form.symptoms.data or [], symptom_other=form.symptom_other.data,
            note=form.note.data), _("已登记追踪结果"))
        if done is not None:
            return redirect(url_for("absences.staff_today"))
    return render_template("absences/follow_up.html", r=r, form=form,
                           guardians=guardians(r.child_id),
                           standing=queries.standing(r.child_id, today())), \
        page_status(form)


@bp.post("/staff/absences/settings")
@permission_required("absence.settings", own_centre=True)
def settings():
    form = FollowUpTimeForm()
    if form.validate_on_submit():
        hours, minutes = (int(x) for x in form.follow_up_at.data.split(":"))
        attempt(lambda: followup.set_follow_up_time(current_user.centre_id, current_user,
                                                    time(hours, minutes)),
                _("追踪时间已保存"))
    else:
        flash_errors(form)
    return redirect(url_for("absences.staff_today"))
