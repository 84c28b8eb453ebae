"""The director's employers and a slot's quotas (docs/employers.md)."""
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..extensions import db
from ..slots.models import Slot
from ..web import submit
from . import queries, services
from .forms import EmployerForm, QuotaForm

bp = Blueprint("employers", __name__)


@bp.route("/staff/employers", methods=["GET", "POST"])
@permission_required("employer.manage", own_centre=True)
def index():
    centre = current_user.centre
    form = EmployerForm()
    if form.validate_on_submit() and submit(
            form, lambda: services.register_employer(
                current_user, centre.id, name=form.name.data, credit_code=form.credit_code.data,
                contact_name=form.contact_name.data, contact_phone=form.contact_phone.data),
            _("已登记用人单位")):
        return redirect(url_for("employers.index"))
    return render_template("employers/index.html", centre=centre, form=form,
                           totals=queries.employer_totals(centre.id)), \
        422 if form.errors else 200


@bp.route("/staff/slots/<int:slot_id>/quotas", methods=["GET", "POST"])
@permission_required("employer.manage", own_centre=True)
def quotas(slot_id):
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.centre_id != current_user.centre_id:
        abort(404)
    rows = queries.quota_use(slot.id)
    form = QuotaForm(queries.employers_of(slot.centre_id))
    if form.validate_on_submit():
        # The form sets one employer's quota; the service takes the slot's whole set.
        kept = [{"employer_id": r["employer"].id, "places": r["places"],
                 "reserved_until": r["quota"].reserved_until}
                for r in rows if r["employer"].id != form.employer_id.data]
        if form.places.data:
            kept.append({"employer_id": form.employer_id.data, "places": form.places.data,
                         "reserved_until": form.reserved_until.data})
        if submit(form, lambda: services.set_quotas(current_user, slot.id, kept),
                  _("已保存用人单位名额"), fields=_quota_fields(len(kept) - 1)) is not None:
            return redirect(url_for("employers.quotas", slot_id=slot.id))
    return render_template("employers/quotas.html", slot=slot, form=form, rows=rows), \
        422 if form.errors else 200


def _quota_fields(last: int) -> dict:
    """The service's errors on the quota just typed (the last of the set) go to the form."""
    return {"quotas": "places", f"quotas.{last}.places": "places",
            f"quotas.{last}.employer_id": "employer_id",
            f"quotas.{last}.reserved_until": "reserved_until"}
