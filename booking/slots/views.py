"""Staff: their centre's slots, publishing one, changing capacity or fee."""
from decimal import Decimal

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.permissions import permission_required
from ..centres.bands import AGE_BANDS
from ..extensions import db
from ..reservations.queries import counts_by_slot
from ..waitlists.queries import waiting_counts
from ..web import submit
from . import services
from .forms import SlotChangeForm, SlotForm, to_fen
from .labels import slot_label
from .models import Slot

bp = Blueprint("slots", __name__)
bp.add_app_template_filter(slot_label, "slot_label")
# The service names the stored field (fen); the form asks in yuan.
_FIELDS = {"monthly_fee_fen": "monthly_fee"}


def _own_slot(slot_id: int) -> Slot:
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.centre_id != current_user.centre_id:
        abort(404)
    return slot


def _rows(slots):
    """Each slot with its places held, enrolled, still available, and families waiting."""
    ids = [s.id for s in slots]
    counts, waiting = counts_by_slot(ids), waiting_counts(ids)
    rows = []
    for s in slots:
        c = counts[s.id]
        rows.append({"slot": s, "held": c["held"], "enrolled": c["enrolled"],
                     "available": max(s.capacity - c["held"] - c["enrolled"], 0),
                     "waiting": waiting[s.id]})
    return rows


@bp.route("/staff/slots", methods=["GET", "POST"])
@permission_required("slot.manage", own_centre=True)
def index():
    centre = current_user.centre
    form = SlotForm()
    form.group_id.choices = [("", _("不指定班级"))] + [
        (g.id, f"{g.name} · {AGE_BANDS[g.age_band].label}") for g in centre.groups]
    if form.validate_on_submit() and submit(
            form, lambda: services.create_slot(
                centre=centre, group_id=form.group_id.data, age_band=form.age_band.data,
                care_type=form.care_type.data, category=form.category.data,
                capacity=form.capacity.data, monthly_fee_fen=to_fen(form.monthly_fee.data),
                starts_on=form.starts_on.data, actor=current_user),
            lambda made: _("已发布托位：%(s)s", s=slot_label(made)), fields=_FIELDS):
        return redirect(url_for("slots.index"))
    slots = db.session.scalars(select(Slot).where(Slot.centre_id == centre.id)
                               .order_by(Slot.starts_on, Slot.age_band, Slot.id)).all()
    return render_template("slots/index.html", centre=centre, form=form, rows=_rows(slots)), \
        422 if form.errors else 200


@bp.route("/staff/slots/<int:slot_id>", methods=["GET", "POST"])
@permission_required("slot.manage", own_centre=True)
def edit(slot_id):
    slot = _own_slot(slot_id)
    form = SlotChangeForm()
    if not form.is_submitted():
        form.capacity.data = slot.capacity
        form.monthly_fee.data = Decimal(slot.monthly_fee_fen) / 100
    if form.validate_on_submit() and submit(
            form, lambda: services.change_slot(
                slot.id, capacity=form.capacity.data,
                monthly_fee_fen=to_fen(form.monthly_fee.data), actor=current_user),
            lambda changed: _("已保存托位：%(s)s", s=slot_label(changed)), fields=_FIELDS):
        return redirect(url_for("slots.index"))
    return render_template("slots/edit.html", slot=slot, form=form, row=_rows([slot])[0]), \
        422 if form.errors else 200
