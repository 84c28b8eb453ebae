"""Waitlists on the web: a parent joins, follows and leaves; staff check claimed priority
evidence and order their centre's priority tiers."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..children.services import children_of
from ..web import attempt, page_status, refusal, submit
from ..extensions import db
from ..slots.models import Slot
from . import queries, ranking, services
from .forms import join_form
from .labels import TIER_LABELS, status_pair
from .models import DEFAULT_TIERS

bp = Blueprint("waitlists", __name__)
# Refusals about the chosen child are shown on its field.
_ON_CHILD = {"age-out-of-band": "child_id", "already-reserved": "child_id"}


@bp.app_template_filter("tier_label")
def tier_label(code):
    return TIER_LABELS.get(code, code)


@bp.app_template_global()
def waitlist_status(status):
    """(symbol, label) of a waitlist entry's status."""
    return status_pair(status)


# --- parents ---------------------------------------------------------------------------

@bp.route("/slots/<int:slot_id>/waitlist", methods=["GET", "POST"])
@permission_required("waitlist.join")
def join(slot_id):
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.centre.filing is None or slot.centre.filing.status != "approved":
        abort(404)
    children = children_of(current_user)
    if request.method == "POST":
        form = join_form(slot, children, formdata=request.form)
    else:
        form = join_form(slot, children, child_id=request.args.get("child", type=int))
    entries = form.validate_on_submit() and submit(
        form, lambda: services.join(slot_id=slot.id, child_id=form.child_id.data,
                                    parent=current_user, tier=form.tier.data,
                                    evidence=form.evidence.data,
                                    employer_id=form.employer_id.data), fields=_ON_CHILD)
    if entries:
        entry = next(e for e in entries if e.child_id == form.child_id.data)
        if entry.status == "offered":
            flash(_("有空位：已为 %(child)s 保留托位，请尽快完成入托体检。",
                    child=entry.child.name), "success")
            return redirect(url_for("reservations.mine"))
        flash(_("%(child)s 已加入候补，目前排第 %(n)s 位。", child=entry.child.name,
                n=services.position(entry)), "success")
        return redirect(url_for("waitlists.mine"))
    return render_template("waitlists/join.html", slot=slot, form=form,
                           children=children), page_status(form)


@bp.get("/waitlist")
@permission_required("family.read")
def mine():
    return render_template("waitlists/mine.html", families=queries.choices_of(current_user))


@bp.post("/waitlist/<int:entry_id>/move")
@permission_required("waitlist.join")
def move(entry_id):
    """The 上移/下移 buttons: one wait one place up or down among its child's waits."""
    entry = attempt(lambda: ranking.move(entry_id, current_user,
                                         request.form.get("direction", "")),
                    lambda entry: _("%(child)s 的志愿顺序已更新。", child=entry.child.name))
    anchor = f"child-{entry.child_id}" if entry is not None else None
    return redirect(url_for("waitlists.mine", _anchor=anchor), 303)


@bp.post("/children/<int:child_id>/waits")
@permission_required("waitlist.join")
def rank(child_id):
    """A whole order at once (static/js/waits.js posts it after a drag)."""
    attempt(lambda: ranking.rerank(child_id, current_user,
                                   request.form.getlist("entry_ids", type=int)),
            _("志愿顺序已更新。"))
    return redirect(url_for("waitlists.mine", _anchor=f"child-{child_id}"), 303)


@bp.post("/waitlist/<int:entry_id>/withdraw")
@permission_required("waitlist.join")
def withdraw(entry_id):
    attempt(lambda: services.leave(entry_id, current_user),
            lambda entry: _("%(child)s 已退出候补。", child=entry.child.name))
    return redirect(url_for("waitlists.mine"), 303)


# --- staff -----------------------------------------------------------------------------

@bp.post("/staff/waitlist/<int:entry_id>/evidence")
@permission_required("waitlist.manage", own_centre=True)
def evidence(entry_id):
    decision = request.form.get("decision")
    if decision not in ("accept", "reject"):
        abort(400)
    entry = services.check_evidence(entry_id, current_user, accepted=decision == "accept")
    if decision == "accept":
        flash(_("已认可 %(child)s 的优先类别证明。", child=entry.child.name), "success")
    else:
        flash(_("已驳回 %(child)s 的优先类别申报，按记录可证明的类别排序，并已通知家长。",
                child=entry.child.name), "success")
    args = {k: v for k, v in (("slot", request.form.get("slot")),
                              ("status", request.form.get("status"))) if v}
    return redirect(url_for("reservations.staff_list", **args), 303)


def _moved(codes: list[str], form) -> list[str]:
    """The submitted order with one tier moved up or down (the buttons' values)."""
    codes = list(codes)
    for key, step in (("up", -1), ("down", 1)):
        code = form.get(key)
        if code in codes:
            i = codes.index(code)
            j = i + step
            if 0 <= j < len(codes):
                codes[i], codes[j] = codes[j], codes[i]
    return codes


@bp.route("/staff/policy", methods=["GET", "POST"])
@permission_required("waitlist.manage", own_centre=True)
def policy():
    centre_id = current_user.centre_id
    if request.method == "POST":
        if "reset" in request.form:
            codes = list(DEFAULT_TIERS)
        else:
            codes = _moved(request.form.getlist("tiers"), request.form)
        attempt(lambda: services.set_policy(centre_id, codes, actor=current_user),
                _("优先规则已保存，新的候补按此顺序排序。"))
        if refusal() is None:
            return redirect(url_for("waitlists.policy"), 303)
        return render_template("waitlists/policy.html", tiers=services.policy_of(centre_id),
                               centre=current_user.centre), page_status()
    return render_template("waitlists/policy.html", tiers=services.policy_of(centre_id),
                           centre=current_user.centre)
