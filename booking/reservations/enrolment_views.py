"""Ending an enrolment (离园) in the browser: its parent or its centre's staff."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..auth.views import apply_errors
from ..clock import today
from ..errors import BookingError
from ..health.forms import WithdrawForm
from . import services

bp = Blueprint("enrolment", __name__)


@bp.route("/reservations/<int:reservation_id>/withdraw", methods=["GET", "POST"])
@permission_required("reservation.withdraw")
def withdraw(reservation_id: int):
    r = services.visible_reservation(reservation_id, current_user)
    form = WithdrawForm()
    if not form.is_submitted():
        form.on_date.data = today()
    if form.validate_on_submit():
        try:
            r = services.withdraw(r.id, current_user, form.on_date.data, form.reason.data)
        except BookingError as err:
            apply_errors(form, err)
        else:
            if r.status == "enrolled":  # in care until the leaving day, the place kept till then
                flash(_("已办理离园：%(d)s 为最后一天在园，之后托位将提供给候补家庭",
                        d=r.leaves_on.isoformat()), "success")
            else:
                flash(_("已办理离园，托位将提供给候补家庭"), "success")
            if current_user.role == "staff":
                return redirect(url_for("health.attendance_page"))
            return redirect(url_for("public.home"))
    return render_template("health/withdraw.html", form=form, reservation=r), \
        422 if form.errors else 200
