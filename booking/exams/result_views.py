"""The examination's pages (docs/exams.md, "Results"): the institution's entry page per
appointment (the nurse and the doctor save a draft, only the doctor signs), the doctor's list
of drafts awaiting a signature, and the family's phone-first result pages."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import User
from ..auth.permissions import allowed, permission_required
from ..centres.bands import age_in_months
from ..clock import today
from ..errors import BookingError
from ..extensions import db
from ..web import page_status, submit
from . import results
from .access import guardian_child
from .result_forms import FIELD_OF, ExamResultForm, SignForm
from .result_labels import (CONCLUSION_LABELS, SCREENING_LABELS, SESSION_ITEM_LABELS,
                            STATUS_LABELS, SYSTEM_LABELS)

bp = Blueprint("exam_results", __name__)


@bp.context_processor
def _labels():
    return {"conclusion_labels": CONCLUSION_LABELS, "screening_labels": SCREENING_LABELS,
            "system_labels": SYSTEM_LABELS, "session_item_labels": SESSION_ITEM_LABELS,
            "result_status_labels": STATUS_LABELS}


def _entry_page(appointment, result, form, status=200):
    child = appointment.child
    return render_template("exams/results/entry.html", appointment=appointment, result=result,
                           child=child, age_months=age_in_months(child.birth_date, today()),
                           form=form, sign_form=SignForm(),
                           may_sign=allowed(current_user, "exam.sign")), status


@bp.route("/institution/appointments/<int:appointment_id>/exam", methods=["GET", "POST"])
@permission_required("exam.record")
def entry(appointment_id: int):
    """The exam of one open appointment, grouped as the national form."""
    appointment, result = results.open_record(appointment_id, current_user)
    form = ExamResultForm()
    if form.validate_on_submit():
        saved = submit(form, lambda: results.save_draft(appointment_id, current_user,
                                                        **form.values()),
                       _("已保存体检结果草稿"), fields=FIELD_OF)
        if saved is not None:
            return redirect(url_for("exam_results.entry", appointment_id=appointment_id))
    elif not form.is_submitted():
        if result is not None:
            form.fill(result)
        else:
            form.examined_on.data = today()
    return _entry_page(appointment, result, form, page_status(form))


@bp.post("/institution/appointments/<int:appointment_id>/exam/sign")
@permission_required("exam.sign")
def sign(appointment_id: int):
    """The doctor's signature: final; the child's verified intake check."""
    sign_form = SignForm()
    if not sign_form.validate_on_submit():
        flash(_("页面已过期，请重新提交"), "error")
        return redirect(url_for("exam_results.entry", appointment_id=appointment_id))
    form = ExamResultForm(formdata=None)
    done = submit(form, lambda: results.sign(appointment_id, current_user),
                  lambda r: _("已签名：%(child)s 的入托体检结果已发送给家长",
                              child=r.appointment.child.name),
                  fields=FIELD_OF)
    if done is not None:
        return redirect(url_for("exam_results.pending"))
    try:
        appointment, result = results.open_record(appointment_id, current_user)
    except BookingError as err:
        if err.status != 404:
            raise
        # Signed meanwhile (by another doctor's click): nothing left to show here.
        for message in form.form_errors:
            flash(message, "error")
        return redirect(url_for("exam_results.pending"))
    errors = {f.name: f.errors for f in form if f.errors}
    form.fill(result)
    for name, messages in errors.items():
        getattr(form, name).errors = messages
    return _entry_page(appointment, result, form, page_status())


@bp.get("/institution/exams/pending")
@permission_required("exam.sign")
def pending():
    return render_template("exams/results/pending.html",
                           rows=results.pending_for(current_user))


@bp.get("/children/<int:child_id>/exam-results")
@permission_required("family.read")
def family_list(child_id: int):
    rows = results.results_of_child(child_id, current_user)
    child = guardian_child(current_user, child_id)
    return render_template("exams/results/family_list.html", child=child, rows=rows)


@bp.get("/children/<int:child_id>/exam-results/<int:result_id>")
@permission_required("family.read")
def family_result(child_id: int, result_id: int):
    result = results.result_for_family(child_id, result_id, current_user)
    return render_template("exams/results/family_result.html", result=result,
                           child=result.appointment.child,
                           signer=db.session.get(User, result.signed_by))
