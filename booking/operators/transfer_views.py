"""Pages of transfers between an operator's centres (docs/operators.md): the family's list
and request form, the staff list (the directors of both centres read; the 运营负责人
approves or refuses)."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..children import services as children
from ..children.models import Child
from ..clock import now
from ..extensions import db
from ..reservations.models import Reservation, in_care_at
from ..slots.models import Slot
from ..web import attempt, submit
from . import transfers
from .assignments import managed_operator_id
from .transfer_forms import ActionForm, RefuseForm, TransferForm
from .transfer_labels import STATUS_LABELS

bp = Blueprint("operator_transfers", __name__)


def _in_care_kids():
    """The children the actor may ask a transfer for: a guardian's in care anywhere, a
    director's in care at its centre."""
    moment = now()
    if current_user.role == "parent":
        kids = children.children_of(current_user)
    else:
        kids = db.session.scalars(db.select(Child).join(
            Reservation, Reservation.child_id == Child.id).join(
            Slot, Slot.id == Reservation.slot_id).where(
            Slot.centre_id == current_user.centre_id, in_care_at(moment))
            .order_by(Child.name)).all()
    return [k for k in kids if transfers.current_place(k.id, moment) is not None]


def _form(formdata=None):
    kids = _in_care_kids()
    want = request.args.get("child_id", type=int)
    if want:
        kids = [k for k in kids if k.id == want] or kids
    slots, seen = [], set()
    for k in kids:
        for s in transfers.targets(k.id, now()):
            if s.id not in seen:
                seen.add(s.id)
                slots.append(s)
    kw = {} if formdata is None else {"formdata": formdata}
    return TransferForm(kids, slots, **kw)


def _list_page(template, rows, status=200, refuse_forms=None):
    return render_template(template, rows=rows, labels=STATUS_LABELS, action=ActionForm(),
                           refuse_forms=refuse_forms or {},
                           manages=managed_operator_id(current_user)), status


@bp.get("/transfers")
@permission_required("transfer.read")
def mine():
    if current_user.role != "parent":
        return redirect(url_for("operator_transfers.staff_list"))
    return _list_page("operators/transfers_family.html", transfers.listing(current_user))


@bp.route("/transfers/new", methods=["GET", "POST"])
@permission_required("transfer.request")
def new():
    if request.method == "GET":
        return render_template("operators/transfers_new.html", form=_form(formdata=None))
    form = _form()
    if form.validate_on_submit() and submit(
            form, lambda: transfers.request(current_user, form.child_id.data,
                                            form.slot_id.data, form.starts_on.data),
            _("已提交转园申请，等待举办者审批")):
        return redirect(url_for("operator_transfers.mine"))
    return render_template("operators/transfers_new.html", form=form), 422


@bp.post("/transfers/<int:transfer_id>/withdraw")
@permission_required("transfer.request")
def withdraw(transfer_id):
    form = ActionForm()
    if form.validate_on_submit():
        attempt(lambda: transfers.withdraw(current_user, transfer_id), _("已撤回转园申请"))
    return redirect(url_for("operator_transfers.mine"))


@bp.get("/staff/transfers")
@permission_required("transfer.read", own_centre=True)
def staff_list():
    return _list_page("operators/transfers_staff.html", transfers.listing(current_user))


@bp.post("/staff/transfers/<int:transfer_id>/approve")
@permission_required("transfer.decide", own_centre=True)
def approve(transfer_id):
    if ActionForm().validate_on_submit():
        attempt(lambda: transfers.approve(current_user, transfer_id), _("已批准转园"))
    return redirect(url_for("operator_transfers.staff_list"))


@bp.post("/staff/transfers/<int:transfer_id>/refuse")
@permission_required("transfer.decide", own_centre=True)
def refuse(transfer_id):
    transfers.decidable(current_user, transfer_id)  # 404 outside the reach, before the form
    form = RefuseForm()
    if form.validate_on_submit() and submit(
            form, lambda: transfers.refuse(current_user, transfer_id, form.reason.data),
            _("已告知家长不批准的原因")):
        return redirect(url_for("operator_transfers.staff_list"))
    return _list_page("operators/transfers_staff.html", transfers.listing(current_user),
                      status=422, refuse_forms={transfer_id: form})
