"""Allocation rounds on the web (docs/allocation.md): everyone reads a round and its results;
families apply, re-rank, withdraw and answer offers on a phone; regulators set rounds up, open,
close and draw them; centres see their slots' results and check claimed tiers' evidence."""
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.permissions import permission_required
from ..centres.models import Centre, District
from ..children.services import children_of
from ..clock import now as clock_now
from ..extensions import db
from ..regulator.jurisdiction import district_clause
from ..slots.labels import slot_label
from ..slots.models import Slot
from ..web import attempt, page_status, submit
from . import answers, applications, drawing, results, rounds
from .forms import apply_form, choices_form, local_instant, round_form
from .models import Application, ApplicationChoice, AppStatus, Round, RoundSlot

bp = Blueprint("allocation", __name__)
PER_PAGE = 100


def _slots_of(rnd: Round) -> list[tuple[Slot, str]]:
    slots = db.session.scalars(select(Slot).join(RoundSlot, RoundSlot.slot_id == Slot.id)
                               .where(RoundSlot.round_id == rnd.id)
                               .order_by(Slot.centre_id, Slot.id)).all()
    return [(s, f"{s.centre.name} · {slot_label(s)}") for s in slots]


def _context(rnd: Round) -> dict:
    now = clock_now()
    return {"rnd": rnd, "state": rounds.status_at(rnd, now),
            "window_open": rounds.window_open(rnd, now), "tiers": rounds.tiers_of(rnd),
            "manages": current_user.is_authenticated and rounds.manages(current_user, rnd)}


# --- everyone ---------------------------------------------------------------------------

@bp.get("/rounds")
def index():
    user = current_user if current_user.is_authenticated else None
    return render_template("allocation/index.html", rounds=rounds.rounds_for(user, clock_now()),
                           status_at=rounds.status_at, now=clock_now())


@bp.get("/rounds/<int:round_id>")
def show(round_id):
    user = current_user if current_user.is_authenticated else None
    rnd = rounds.visible_round(round_id, user)
    mine = []
    if user is not None and user.role == "parent":
        mine = applications.applications_of(user, rnd.id)
    explained = {a.id: results.explanations(rnd, a) for a in mine
                 if rnd.status == "drawn" and a.lottery is not None}
    cutoffs = {}
    if rnd.status == "drawn":
        cutoffs = {c["slot_id"]: c for c in results.publication(rnd)["results"]["cutoffs"]}
    shown = {a.id: applications.shown_status(a, clock_now()) for a in mine}
    return render_template("allocation/round.html", slots=_slots_of(rnd), mine=mine, shown=shown,
                           explained=explained, cutoffs=cutoffs,
                           tier_name=lambda p: results.tier_name(rnd, p), **_context(rnd))


@bp.get("/rounds/<int:round_id>/results")
def results_page(round_id):
    rnd = rounds.visible_round(round_id, current_user if current_user.is_authenticated else None)
    if rnd.status != "drawn":
        abort(404)
    data = results.results(rnd)
    page = max(1, request.args.get("page", 1, type=int))
    items = data["items"]
    pages = max(1, -(-len(items) // PER_PAGE))
    page = min(page, pages)
    labels = dict((s.id, label) for s, label in _slots_of(rnd))
    return render_template("allocation/results.html", data=data, labels=labels,
                           items=items[(page - 1) * PER_PAGE:page * PER_PAGE], page=page,
                           pages=pages, total=len(items),
                           tier_name=lambda p: results.tier_name(rnd, p), **_context(rnd))


@bp.get("/rounds/<int:round_id>/publication.json")
def publication(round_id):
    rnd = rounds.visible_round(round_id, current_user if current_user.is_authenticated else None)
    if rnd.status != "drawn":
        abort(404)
    return Response(rnd.publication, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename=round-{rnd.id}.json"})


# --- families ---------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/apply", methods=["GET", "POST"])
@permission_required("round.apply")
def apply(round_id):
    rnd = rounds.visible_round(round_id, current_user)
    slots = _slots_of(rnd)
    kids = children_of(current_user)
    if request.method == "POST":
        form = apply_form(rnd, slots, kids, formdata=request.form)
    else:
        form = apply_form(rnd, slots, kids, first=request.args.get("slot", type=int),
                          child_id=request.args.get("child", type=int))
    app = form.validate_on_submit() and submit(
        form, lambda: applications.apply(rnd.id, current_user, child_id=form.child_id.data,
                                         choices=form.choices_chosen(), tier=form.tier.data,
                                         evidence=form.evidence.data),
        lambda a: _("已提交申请：%(n)s 个志愿，优先类别 %(tier)s。截止前可以修改。",
                    n=len(a.choices), tier=results.tier_name(rnd, a.priority)),
        fields={"choices": "choice_1", "round-closed": "child_id", "conflict": "child_id"})
    if app:
        return redirect(url_for("allocation.show", round_id=rnd.id, _anchor="mine"), 303)
    return render_template("allocation/apply.html", form=form, children=kids,
                           **_context(rnd)), page_status(form)


@bp.route("/rounds/<int:round_id>/applications/<int:app_id>", methods=["GET", "POST"])
@permission_required("round.apply")
def edit(round_id, app_id):
    app = applications.visible_application(app_id, current_user)
    rnd = app.round
    if rnd.id != round_id:
        abort(404)
    slots = _slots_of(rnd)
    if request.method == "POST":
        form = choices_form(rnd, slots, formdata=request.form)
    else:
        form = choices_form(rnd, slots, current=app.choice_ids)
    done = form.validate_on_submit() and submit(
        form, lambda: applications.change_choices(rnd.id, app.id, current_user,
                                                  form.choices_chosen()),
        _("志愿已更新"), fields={"choices": "choice_1"})
    if done:
        return redirect(url_for("allocation.show", round_id=rnd.id, _anchor="mine"), 303)
    return render_template("allocation/edit.html", form=form, app=app,
                           **_context(rnd)), page_status(form)


@bp.post("/rounds/<int:round_id>/applications/<int:app_id>/<any(withdraw, accept, decline):act>")
@permission_required("round.apply")
def answer(round_id, app_id, act):
    call = {"withdraw": applications.withdraw, "accept": answers.accept,
            "decline": answers.decline}[act]
    said = {"withdraw": _("申请已撤回"),
            "accept": _("已接受派位结果。请完成入托体检，并等待机构确认入托。"),
            "decline": _("已放弃派位的托位，它将按派位顺序提供给下一个家庭。")}[act]
    attempt(lambda: call(round_id, app_id, current_user), said)
    return redirect(url_for("allocation.show", round_id=round_id, _anchor="mine"), 303)


# --- regulators -------------------------------------------------------------------------

def _eligible_slots():
    """The public and affordable slots in the signed-in regulator's jurisdiction."""
    return db.session.scalars(
        select(Slot).join(Centre, Centre.id == Slot.centre_id)
        .join(District, District.id == Centre.district_id)
        .where(district_clause(current_user), Slot.category.in_(rounds.ROUND_CATEGORIES))
        .order_by(Slot.starts_on, Centre.name, Slot.id).limit(2000)).all()


@bp.route("/regulator/rounds", methods=["GET", "POST"])
@permission_required("round.manage")
def manage_index():
    slots = _eligible_slots()
    form = round_form(slots, formdata=request.form if request.method == "POST" else None)
    rnd = form.validate_on_submit() and submit(
        form, lambda: rounds.create_round(
            current_user, name=form.name.data, slot_ids=form.slot_ids.data,
            opens_at=local_instant(form.opens_at.data),
            closes_at=local_instant(form.closes_at.data), max_choices=form.max_choices.data,
            tiers=form.tiers.data, offer_days=form.offer_days.data),
        _("已创建草稿，检查无误后开放申请"), fields={"conflict": "slot_ids"})
    if rnd:
        return redirect(url_for("allocation.manage", round_id=rnd.id), 303)
    mine = [r for r in rounds.rounds_for(current_user, clock_now()) if rounds.manages(current_user, r)]
    return render_template("allocation/manage_index.html", form=form, slots=slots,
                           rounds=mine, status_at=rounds.status_at,
                           now=clock_now()), page_status(form)


@bp.get("/regulator/rounds/<int:round_id>")
@permission_required("round.manage")
def manage(round_id):
    rnd = rounds.visible_round(round_id, current_user)
    if not rounds.manages(current_user, rnd):
        abort(404)
    pending = db.session.scalars(select(Application).where(
        Application.round_id == rnd.id, Application.evidence_status == "pending",
        Application.status == AppStatus.SUBMITTED).order_by(Application.id).limit(200)).all()
    return render_template("allocation/manage.html", slots=_slots_of(rnd),
                           counts=results.per_slot_tier(rnd), pending=pending,
                           claim_open=lambda _a: rounds.window_open(rnd, clock_now()),
                           **_context(rnd))


@bp.post("/regulator/rounds/<int:round_id>/<any(open, close, draw):act>")
@permission_required("round.manage")
def act(round_id, act):
    call = {"open": rounds.open_round, "close": rounds.close_round,
            "draw": drawing.draw_round}[act]
    said = {"open": _("已开放申请，种子的 SHA-256 已公布"), "close": _("申请已截止"),
            "draw": _("派位完成，结果已公布")}[act]
    attempt(lambda: call(round_id, current_user), said)
    return redirect(url_for("allocation.manage", round_id=round_id), 303)


@bp.post("/rounds/applications/<int:app_id>/evidence")
@permission_required("round.evidence")
def evidence(app_id):
    accepted = request.form.get("accepted") == "1"
    attempt(lambda: applications.check_evidence(app_id, current_user, accepted),
            _("已核验") if accepted else _("已退回申报，按记录可证明的类别排序"))
    if current_user.role == "staff":
        return redirect(url_for("allocation.staff"), 303)
    return redirect(url_for("allocation.manage", round_id=request.form.get("round_id", 0,
                                                                            type=int)), 303)


# --- centres ----------------------------------------------------------------------------

@bp.get("/staff/rounds")
@permission_required("round.evidence", own_centre=True)
def staff():
    centre_id = current_user.centre_id
    found = db.session.scalars(select(Round).join(RoundSlot, RoundSlot.round_id == Round.id)
                               .join(Slot, Slot.id == RoundSlot.slot_id)
                               .where(Slot.centre_id == centre_id, Round.status != "draft")
                               .distinct().order_by(Round.id.desc())).all()
    rows = []
    for rnd in found:
        cut = {}
        if rnd.status == "drawn":
            cut = {c["slot_id"]: c for c in results.publication(rnd)["results"]["cutoffs"]}
        mine = [(s, label) for s, label in _slots_of(rnd) if s.centre_id == centre_id]
        admitted = dict(db.session.execute(
            select(Application.slot_id, db.func.count()).where(
                Application.round_id == rnd.id, Application.slot_id.in_([s.id for s, _l in mine]))
            .group_by(Application.slot_id)).all())
        seats = {rs.slot_id: rs.seats for rs in rnd.slots}
        rows.append((rnd, [(s, label, seats.get(s.id), admitted.get(s.id, 0), cut.get(s.id))
                           for s, label in mine]))
    first_here = select(ApplicationChoice.application_id).join(
        Slot, Slot.id == ApplicationChoice.slot_id).where(
        ApplicationChoice.rank == 1, Slot.centre_id == centre_id)
    pending = db.session.scalars(select(Application).where(
        Application.id.in_(first_here), Application.evidence_status == "pending",
        Application.status == AppStatus.SUBMITTED).order_by(Application.id).limit(200)).all()
    return render_template("allocation/staff.html", rows=rows, pending=pending,
                           tier_name=lambda rnd, p: results.tier_name(rnd, p),
                           claim_open=lambda a: rounds.window_open(a.round, clock_now()))
