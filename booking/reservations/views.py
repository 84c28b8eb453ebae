"""Reservations on the web: a parent holds a place and follows it; staff confirm and cancel,
and export their list."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.permissions import permission_required
from ..children.services import children_of
from ..clock import local_date
from ..clock import now as clock_now
from ..errors import AlreadyPlaced, HealthCheckRequired, SlotFull
from ..web import attempt, csv_bytes, csv_download, flash_errors, page_status, submit
from ..extensions import db
from ..health.services import intake_readiness
from ..i18n import local_dt
from ..slots.labels import slot_label
from ..slots.models import Slot
from ..waitlists.forms import join_form
from ..waitlists.queries import queues, waiting_counts, waitlist_offer_of
from ..waitlists.services import CLAIMED_TIERS
from . import choices, enrolment, far_off, queries, services
from .forms import CancelForm, ExtendForm, ReserveForm, StaffCancelForm, StaffFilterForm
from .labels import status_label, status_pair
from .models import is_live

bp = Blueprint("reservations", __name__)
# Refusals about the chosen child are shown on its field.
_ON_CHILD = {"age-out-of-band": "child_id", "already-reserved": "child_id"}


@bp.app_template_global()
def reservation_status(status):
    """(symbol, label) of a reservation status."""
    return status_pair(status)


@bp.app_template_global("server_now")
def server_now():
    return clock_now()


def _bookable_slot(slot_id: int) -> Slot:
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.centre.filing is None or slot.centre.filing.status != "approved":
        abort(404)
    return slot


# --- parents ---------------------------------------------------------------------------

@bp.route("/slots/<int:slot_id>/reserve", methods=["GET", "POST"])
@permission_required("reservation.create")
def reserve(slot_id):
    """The centre page's 预约 button posts here; the page also stands alone (and shows the
    waitlist form when the slot is full or families wait for it)."""
    slot = _bookable_slot(slot_id)
    children = children_of(current_user)
    form = ReserveForm()
    form.child_id.choices = [(c.id, c.name) for c in children]
    full, placed = None, None
    if form.validate_on_submit():
        try:
            if submit(form, lambda: services.place_hold(slot_id=slot.id,
                                                        child_id=form.child_id.data,
                                                        parent=current_user,
                                                        transfer=form.is_transfer),
                      _held, fields=_ON_CHILD, reraise=(SlotFull, AlreadyPlaced)):
                return redirect(url_for("reservations.mine"))
        except SlotFull as err:  # no fault of the form: the page offers the waitlist instead
            full, status = err.message, err.status
        except AlreadyPlaced as err:
            # One child, one place: say where, and what the family can do (a transfer, or
            # cancel the other hold first).
            placed, status = err, err.status
    if not (full or placed):
        status = page_status(form)
    waitlist = join_form(slot, children, child_id=form.child_id.data) if full else None
    return render_template("reservations/reserve.html", slot=slot, form=form, full=full,
                           placed=placed, waitlist=waitlist, children=children), status


def _held(hold) -> str:
    if hold.together:  # twins and other multiples, held together
        return _("已为 %(children)s 一起保留托位，请在 %(t)s 前完成入托体检并等待机构确认。",
                 children="、".join(h.child.name for h in [hold, *hold.together]),
                 t=local_dt(hold.expires_at))
    if hold.replaces_id is not None and hold.replaces is not None \
            and hold.replaces.status == "enrolled":
        return _("已为 %(child)s 申请转托并保留托位，请在 %(t)s 前完成入托体检并等待机构确认；"
                 "确认后原托位在新托位开始前一天结束。",
                 child=hold.child.name, t=local_dt(hold.expires_at))
    return _("已为 %(child)s 保留托位，请在 %(t)s 前完成入托体检并等待机构确认。",
             child=hold.child.name, t=local_dt(hold.expires_at))


@bp.get("/reservations")
@permission_required("family.read")
def mine():
    now = clock_now()
    rows = []
    for r in queries.for_guardian(current_user):
        status = queries.shown_status(r, now)
        readiness = intake_readiness(r.child_id, r.slot) if status == "held" else None
        # A hold that would replace the child's other live place: the family's choice.
        replaces = r.replaces if status == "held" and r.replaces_id is not None \
            and is_live(r.replaces, now) else None
        rows.append({"r": r, "status": status, "readiness": readiness, "replaces": replaces,
                     "offered": replaces is not None and waitlist_offer_of(r.id) is not None,
                     # a far-off start: the hold may be kept until its check is due
                     "keep": far_off.keepable(r, r.slot) if status == "held" and not replaces
                     else None})
    return render_template("reservations/mine.html", rows=rows)


@bp.post("/reservations/<int:reservation_id>/keep")
@permission_required("reservation.cancel")
def keep(reservation_id):
    attempt(lambda: far_off.keep_until_due(reservation_id, current_user),
            lambda r: _("已为 %(child)s 保留托位至 %(t)s：请在此之前完成入托体检并交机构核验。",
                        child=r.child.name, t=local_dt(r.expires_at)))
    return redirect(url_for("reservations.mine"), 303)


@bp.post("/reservations/<int:reservation_id>/take")
@permission_required("reservation.cancel")
def take(reservation_id):
    attempt(lambda: choices.take_offer(reservation_id, current_user),
            lambda r: _("已选择 %(centre)s 的托位，原来保留的托位已释放。", centre=r.slot.centre.name))
    return redirect(url_for("reservations.mine"), 303)


@bp.post("/reservations/<int:reservation_id>/decline")
@permission_required("reservation.cancel")
def decline(reservation_id):
    keep = request.form.get("keep_waiting") == "1"
    attempt(lambda: choices.decline_offer(reservation_id, current_user, keep_waiting=keep),
            _("已放弃这个托位，继续候补。") if keep else _("已放弃这个托位。"))
    return redirect(url_for("reservations.mine"), 303)


@bp.route("/reservations/<int:reservation_id>/cancel", methods=["GET", "POST"])
@permission_required("reservation.cancel")
def cancel(reservation_id):
    """A page that says what cancelling does, then the cancel: one tap must not free a place."""
    form = CancelForm()
    if form.validate_on_submit() and submit(
            form, lambda: services.cancel(reservation_id, current_user, reason=form.reason.data),
            lambda r: _("已取消 %(child)s 的预约，托位已释放。", child=r.child.name)):
        return redirect(url_for("reservations.mine"), 303)
    return _cancel_page(reservation_id, form, back=url_for("reservations.mine"))


def _cancel_page(reservation_id, form, *, back, staff=False):
    r = services.visible_reservation(reservation_id, current_user)  # a stranger's: 404
    if not services.is_live_hold(r, clock_now()) and not form.errors:
        flash(_("只有保留中的预约可以取消（当前状态：%(s)s）", s=services.shown(r)), "error")
        return redirect(back, 303)
    return render_template("reservations/cancel.html", r=r, form=form, staff=staff, back=back,
                           waiting=waiting_counts([r.slot_id])[r.slot_id]), page_status(form)


# --- staff -----------------------------------------------------------------------------

def _filters():
    """The staff list's filters from the query string, with the centre's slots as choices."""
    slots = db.session.scalars(select(Slot).where(Slot.centre_id == current_user.centre_id)
                               .order_by(Slot.starts_on, Slot.age_band, Slot.id)).all()
    form = StaffFilterForm(formdata=request.args)
    form.slot.choices = [("", _("全部托位"))] + [(s.id, slot_label(s)) for s in slots]
    if not form.validate():
        return form, slots, None
    return form, slots, {"slot_id": form.slot.data, "status": form.status.data}


@bp.get("/staff/reservations")
@permission_required("reservation.read", own_centre=True)
def staff_list():
    form, slots, f = _filters()
    if f is None:
        return render_template("reservations/staff.html", form=form, groups=[], queue={},
                               filters=None, claimed_tiers=CLAIMED_TIERS), 422
    now = clock_now()
    rows = queries.for_centre(current_user.centre_id, slot_id=f["slot_id"], status=f["status"],
                              now=now)
    shown = [s for s in slots if f["slot_id"] in (None, s.id)]
    groups = [(s, [(r, queries.shown_status(r, now)) for r in rows if r.slot_id == s.id])
              for s in shown]
    readiness = {r.id: intake_readiness(r.child_id, r.slot)
                 for _s, pairs in groups for r, status in pairs if status == "held"}
    return render_template("reservations/staff.html", form=form, groups=groups,
                           readiness=readiness, extend_form=ExtendForm(),
                           queue=queues([s.id for s in shown]), filters=f,
                           claimed_tiers=CLAIMED_TIERS)


def _back():
    """Back to the list with the filters the staff member was using."""
    args = {k: v for k, v in (("slot", request.form.get("slot")),
                              ("status", request.form.get("status"))) if v}
    return redirect(url_for("reservations.staff_list", **args), 303)


@bp.post("/staff/reservations/<int:reservation_id>/confirm")
@permission_required("reservation.confirm", own_centre=True)
def confirm(reservation_id):
    r = attempt(lambda: enrolment.confirm(reservation_id, current_user),
                lambda r: _("已确认 %(child)s 入托。", child=r.child.name),
                refused=lambda err: _("无法确认入托：%(msg)s。", msg=err.message)
                if isinstance(err, HealthCheckRequired) else None)
    if r is not None and r.ratio_warning:  # 设置标准 art. 20: short of carers with the new child
        w = r.ratio_warning
        flash(_("注意：按当前排班，%(date)s 该班有 %(n)s 个时段保育人员不足，最多缺 %(m)s 人，请调整排班。",
                date=w["on_date"].isoformat(), n=w["hours_short"], m=w["most_missing"]), "error")
    return _back()


@bp.post("/staff/reservations/<int:reservation_id>/extend")
@permission_required("reservation.extend", own_centre=True)
def extend(reservation_id):
    form = ExtendForm()
    if not form.validate():
        flash_errors(form)
        return _back()
    attempt(lambda: services.extend_hold_to_day(reservation_id, current_user, form.until.data),
            lambda r: _("已将 %(child)s 的托位保留至 %(t)s，已通知家长。", child=r.child.name,
                        t=form.until.data.isoformat()))
    return _back()


@bp.route("/staff/reservations/<int:reservation_id>/cancel", methods=["GET", "POST"])
@permission_required("reservation.cancel", own_centre=True)
def staff_cancel(reservation_id):
    form = StaffCancelForm()
    if form.validate_on_submit() and submit(
            form, lambda: services.cancel(reservation_id, current_user, reason=form.reason.data),
            lambda r: _("已取消 %(child)s 的预约，已通知家长。", child=r.child.name)):
        return _back()
    return _cancel_page(reservation_id, form, back=url_for("reservations.staff_list"), staff=True)


@bp.get("/staff/reservations.csv")
@permission_required("reservation.read", own_centre=True)
def staff_csv():
    form, _slots, f = _filters()
    if f is None:
        abort(400)
    now = clock_now()
    rows = queries.for_centre(current_user.centre_id, slot_id=f["slot_id"], status=f["status"],
                              now=now)
    header = [_("孩子姓名"), _("托位"), _("状态"), _("预约时间"), _("保留至"), _("入托确认时间")]
    body = csv_bytes([header] + [[
        r.child.name, slot_label(r.slot), status_label(queries.shown_status(r, now)),
        local_dt(r.created_at), local_dt(r.expires_at) if r.expires_at else "",
        local_dt(r.enrolled_at) if r.enrolled_at else ""] for r in rows])
    stamp = local_date(now).strftime("%Y%m%d")
    return csv_download(body, f"reservations-{stamp}.csv", private=True)
