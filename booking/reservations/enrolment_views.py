"""Ending an enrolment (离园) in the browser: its parent or its centre's staff."""
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import allowed, permission_required
from ..clock import today
from ..web import submit
from . import leaving, services
from .forms import LeavingChangeForm, WithdrawForm

bp = Blueprint("enrolment", __name__)


@bp.route("/reservations/<int:reservation_id>/withdraw", methods=["GET", "POST"])
@permission_required("reservation.withdraw")
def withdraw(reservation_id: int):
    r = services.visible_reservation(reservation_id, current_user)
    form = WithdrawForm()
    if not form.is_submitted():
        form.on_date.data = today()
    if form.validate_on_submit():
        done = submit(form, lambda: leaving.end_care(r.id, current_user, form.on_date.data,
                                                      form.reason.data), _withdrawn)
        if done is not None:
            if current_user.role == "staff":
                return redirect(url_for("health.attendance_page"))
            return redirect(url_for("public.home"))
    return _page(r, form=form)


def _withdrawn(r) -> str:
    if r.status == "enrolled":  # in care until the leaving day, the place kept till then
        return _("已办理退托：%(d)s 为最后一天在园，之后托位将提供给候补家庭",
                 d=r.leaves_on.isoformat())
    return _("已办理退托，托位将提供给候补家庭")


def _page(r, *, form=None, change=None):
    """The leaving page: the withdrawal form, or (staff, a leaving date still ahead) the form
    that corrects or undoes it."""
    may_change = (allowed(current_user, "reservation.leaving_change") and r.status == "enrolled"
                  and r.leaves_on is not None and r.leaves_on >= today())
    if may_change and change is None:
        change = LeavingChangeForm(formdata=None)
        change.on_date.data = r.leaves_on
    errors = (form is not None and form.errors) or (change is not None and change.errors)
    return render_template("reservations/withdraw.html",
                           form=form or WithdrawForm(formdata=None), reservation=r,
                           change=change if may_change else None), 422 if errors else 200


@bp.post("/reservations/<int:reservation_id>/leaving")
@permission_required("reservation.leaving_change")
def change_leaving(reservation_id: int):
    """Correct a leaving date still ahead, or undo it (the child stays)."""
    r = services.visible_reservation(reservation_id, current_user)
    change = LeavingChangeForm()
    if change.validate_on_submit():
        done = submit(change, lambda: leaving.change_leaving(
            r.id, current_user, None if change.stays.data else change.on_date.data,
            change.reason.data), _leaving_changed)
        if done is not None:
            return redirect(url_for("enrolment.withdraw", reservation_id=r.id))
    return _page(r, change=change)


def _leaving_changed(r) -> str:
    return (_("已撤销离园，孩子继续在园") if r.leaves_on is None else
            _("离园日期已改为 %(d)s", d=r.leaves_on.isoformat()))
