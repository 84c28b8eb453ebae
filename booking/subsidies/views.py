"""The centre's subsidy pages (docs/subsidies.md, "Centre subsidies and claims"): its claims by
month, one claim with its lines, and its receivables from the city. Directors and finance
staff of the centre (fees.read); only the director submits (the service checks)."""
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..clock import today
from ..fees.rules import month_end, month_key, parse_month, prev_month
from ..policy.services import segments
from ..web import page_status, submit
from . import claims
from .forms import STATUS_LABELS, GenerateForm, SubmitForm
from .receivables import receivables

bp = Blueprint("subsidies", __name__)


@bp.app_context_processor
def _helpers():
    return {"subsidy_claim_statuses": STATUS_LABELS}


def _index(form):
    return render_template("subsidies/index.html", claims=claims.of_centre(current_user.centre_id),
                           form=form), page_status(form)


@bp.get("/staff/subsidies")
@permission_required("fees.read", own_centre=True)
def index():
    form = GenerateForm(month=month_key(prev_month(today().replace(day=1))))
    return _index(form)


@bp.post("/staff/subsidies")
@permission_required("fees.read", own_centre=True)
def generate():
    form = GenerateForm()
    if form.validate_on_submit():
        result = submit(form, lambda: claims.generate(current_user.centre_id, form.month.data,
                                                      actor=current_user),
                        _("补贴申领已生成"))
        if result is not None:
            return redirect(url_for("subsidies.claim", claim_id=result[0].id))
    return _index(form)


def _claim_page(claim, form):
    first = parse_month(claim.month)
    rules = [s for s in segments(claim.centre.district.city, first, month_end(first))
             if s.policy is not None]
    return render_template("subsidies/claim.html", claim=claim, form=form, rules=rules,
                           may_submit=current_user.staff_role == "director"
                           and claim.status in claims.OPEN), page_status(form)


@bp.get("/staff/subsidies/<int:claim_id>")
@permission_required("fees.read", own_centre=True)
def claim(claim_id: int):
    return _claim_page(claims.for_centre(claim_id, current_user), SubmitForm())


@bp.post("/staff/subsidies/<int:claim_id>/submit")
@permission_required("fees.read", own_centre=True)
def submit_claim(claim_id: int):
    found = claims.for_centre(claim_id, current_user)
    form = SubmitForm()
    if form.validate_on_submit() and submit(form, lambda: claims.submit(claim_id, current_user),
                                            _("补贴申领已提交区卫健委审核")):
        return redirect(url_for("subsidies.claim", claim_id=claim_id))
    return _claim_page(found, form)


@bp.get("/staff/subsidies/receivables")
@permission_required("fees.read", own_centre=True)
def receivables_page():
    rows = receivables(current_user.centre_id)
    return render_template("subsidies/receivables.html", rows=rows,
                           total=rows[-1].running_fen if rows else 0)
