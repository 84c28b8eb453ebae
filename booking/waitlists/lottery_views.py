"""The lottery's public page (anyone can check a draw) and the staff's publish/draw buttons."""
import json
import re

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.permissions import permission_required
from ..extensions import db
from ..slots.models import Slot
from ..web import attempt
from . import lottery
from .lottery_words import words_for
from .models import LotteryDraw

bp = Blueprint("lottery", __name__)


@bp.route("/lottery/<int:draw_id>", methods=["GET", "POST"])
def show(draw_id):
    draw = db.session.get(LotteryDraw, draw_id)
    if draw is None:
        abort(404)
    result = json.loads(draw.result) if draw.result else None
    check = None
    if request.method == "POST":  # anyone re-runs the draw from a seed and a list of ids
        seed = (request.form.get("seed") or "").strip()[:64]
        ids = [int(x) for x in re.findall(r"\d+", request.form.get("ids") or "")[:10000]]
        check = {"seed": seed, "ids": ids, "order": lottery.order(seed, ids),
                 "sha256": lottery.participants_digest(ids)}
    frozen = lottery.frozen_ids(draw)
    return render_template("waitlists/lottery.html", draw=draw, result=result, check=check,
                           frozen=frozen, slot=db.session.get(Slot, draw.slot_id),
                           words=words_for(frozen, current_user))


@bp.get("/slots/<int:slot_id>/lotteries")
def for_slot(slot_id):
    draws = db.session.scalars(select(LotteryDraw).where(LotteryDraw.slot_id == slot_id)
                               .order_by(LotteryDraw.id.desc())).all()
    return render_template("waitlists/lotteries.html", draws=draws, slot_id=slot_id,
                           slot=db.session.get(Slot, slot_id))


@bp.post("/staff/slots/<int:slot_id>/lottery")
@permission_required("waitlist.manage", own_centre=True)
def publish(slot_id):
    draw = attempt(lambda: lottery.publish(slot_id, current_user),
                   lambda draw: _("摇号种子已公布：%(seed)s", seed=draw.seed))
    if draw is None:
        return redirect(url_for("lottery.for_slot", slot_id=slot_id))
    return redirect(url_for("lottery.show", draw_id=draw.id))


@bp.post("/staff/lottery/<int:draw_id>/draw")
@permission_required("waitlist.manage", own_centre=True)
def draw(draw_id):
    attempt(lambda: lottery.run(draw_id, current_user), _("已开奖，候补顺序已按结果更新"))
    return redirect(url_for("lottery.show", draw_id=draw_id))
