"""Fee pages: a parent's monthly statement; a centre's balances, payments and refunds."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.models import User
from ..auth.permissions import permission_required
from ..clock import today
from ..extensions import db
from ..slots.forms import to_fen
from ..web import attempt, submit
from . import balances, services
from .forms import PaymentForm
from .models import LedgerEntry
from .rules import month_key, parse_month
from .statement import statement

bp = Blueprint("fees", __name__)
# The service counts in fen, the form in yuan; over the prepaid limit is about the amount.
_FIELDS = {"amount_fen": "amount", "prepaid-limit": "amount"}

@bp.app_context_processor
def _labels():
    from .labels import KIND_LABELS
    return {"ledger_kind_labels": KIND_LABELS}


@bp.get("/fees")
@permission_required("statement.read")
def mine():
    first = parse_month(request.args.get("month", "")) or today().replace(day=1)
    return render_template("fees/mine.html", s=statement(current_user.id, first))


def _families(centre_id: int) -> list[tuple[int, str]]:
    from ..reservations.models import Reservation
    from ..slots.models import Slot
    users = db.session.scalars(select(User).where(User.id.in_(
        select(Reservation.parent_id).join(Slot).where(Slot.centre_id == centre_id)))
        .order_by(User.name, User.id)).all()
    return [(u.id, f"{u.name}（{u.email or u.phone}）" if (u.email or u.phone) else u.name) for u in users]


@bp.route("/staff/fees", methods=["GET", "POST"])
@permission_required("fees.read", own_centre=True)
def staff():
    centre = current_user.centre
    form = PaymentForm()
    form.parent_id.choices = [("", _("请选择家庭"))] + _families(centre.id)
    if form.validate_on_submit() and submit(
            form, lambda: services.record_payment(
                centre.id, form.parent_id.data, to_fen(form.amount.data), current_user,
                method=form.method.data, received_on=form.received_on.data),
            lambda entry: _("已登记收款 %(a)s", a=f"¥{entry.amount_fen / 100:,.2f}"),
            fields=_FIELDS):
        return redirect(url_for("fees.staff"))
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.centre_id == centre.id)
                                 .order_by(LedgerEntry.id.desc()).limit(50)).all()
    return render_template("fees/staff.html", centre=centre, form=form,
                           families=balances.family_balances(centre),
                           refunds=balances.refunds_at(centre.id), entries=entries,
                           month=month_key(today().replace(day=1))), 422 if form.errors else 200


@bp.post("/staff/fees/charges")
@permission_required("fees.record", own_centre=True)
def post_charges():
    attempt(lambda: services.post_monthly_charges(centre_id=current_user.centre_id,
                                                  actor=current_user),
            lambda n: _("已记入本月托费 %(n)s 笔（已记过的不会重复）", n=n))
    return redirect(url_for("fees.staff"))


@bp.post("/staff/fees/refunds/<int:entry_id>/paid")
@permission_required("fees.record", own_centre=True)
def refund_paid(entry_id):
    due = db.session.get(LedgerEntry, entry_id)
    if due is None or due.centre_id != current_user.centre_id:
        abort(404)
    attempt(lambda: services.mark_refund_paid(entry_id, current_user,
                                              method=request.form.get("method", "")[:40]),
            _("已登记退款"))
    return redirect(url_for("fees.staff"))
