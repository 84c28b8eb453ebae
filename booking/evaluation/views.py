"""Dynamic evaluation pages (docs/evaluation.md): the director's self-assessment and fix
reports; the regulator's item-level inspection (the centre's self score beside each item),
fix items and their follow-up, and the list of fixes due; the public grade history is drawn
on the centre page (`grade_history` below)."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..web import attempt, flash_errors, page_status, refusal, submit
from . import fixes, queries, services
from .checklist import BASIC, BY_CODE, dimensions
from .forms import FixForm, InspectForm, ReportForm, ReturnForm, SelfForm, VerifyForm
from .labels import FIX_STATE_LABELS, KIND_LABELS, STATUS_LABELS

bp = Blueprint("evaluation", __name__)


@bp.app_context_processor
def _helpers():
    return {"grade_history": queries.grade_history, "checklist_item": BY_CODE.get,
            "fix_state": fixes.state, "fix_due_counts": fixes.due_counts, "fix_state_labels": FIX_STATE_LABELS,
            "evaluation_kinds": KIND_LABELS, "evaluation_statuses": STATUS_LABELS}


def _scores(form) -> tuple[dict, dict, list]:
    """Item scores (int where the text is a whole number, else the text for the service to
    refuse), notes and the basic items marked failed, from the posted form."""
    items, notes = {}, {}
    for code in BY_CODE:
        raw = (form.get(f"item-{code}") or "").strip()
        try:
            items[code] = int(raw) if raw else None
        except ValueError:
            items[code] = raw
        notes[code] = (form.get(f"note-{code}") or "").strip()
    failed = [c for c in BASIC if form.get(f"failed-{c}")]
    return items, notes, failed


def _item_errors() -> dict:
    err = refusal()
    return dict(err.errors or {}) if err is not None else {}


def _staff_page(form=None, posted=None, status=200):
    centre_id = current_user.centre_id
    draft = services.open_draft(centre_id)
    shown = draft or services.latest_self(centre_id)
    return render_template(
        "evaluation/staff.html", dimensions=dimensions(), draft=draft, shown=shown,
        values=posted or services.item_map(shown), posted=posted is not None,
        item_errors=_item_errors(), form=form or SelfForm(formdata=None),
        fixes=fixes.of_centre(centre_id), report_form=ReportForm(formdata=None),
        history=queries.grade_history(centre_id),
        inspections=queries.of_centre(centre_id, "inspection"),
        evaluations=queries.of_centre(centre_id, "self")), status


@bp.get("/staff/evaluation")
@permission_required("evaluation.self", own_centre=True)
def staff_page():
    return _staff_page()


@bp.post("/staff/evaluation")
@permission_required("evaluation.self", own_centre=True)
def save_self():
    form = SelfForm()
    items, notes, failed = _scores(request.form)
    done = request.form.get("action") == "submit"
    if form.validate_on_submit() and submit(form, lambda: services.save_self(
            current_user.centre_id, current_user, items=items, notes=notes, failed=failed,
            submit=done), _("自评已提交") if done else _("自评草稿已保存")):
        return redirect(url_for("evaluation.staff_page"))
    posted = {c: {"points": items[c], "note": notes[c], "failed": c in failed} for c in BY_CODE}
    return _staff_page(form, posted, page_status(form))


@bp.get("/staff/evaluations/<int:evaluation_id>")
@permission_required("evaluation.self", own_centre=True)
def staff_detail(evaluation_id: int):
    """The centre's view of an inspection: the inspector's score beside its own, item by
    item, and the fix items (reported from the self-assessment page)."""
    ev = services.readable(evaluation_id, current_user)
    if ev.kind != "inspection":
        return redirect(url_for("evaluation.staff_page"))
    return _detail(ev, acting=False)


@bp.post("/staff/evaluation/fixes/<int:fix_id>/report")
@permission_required("evaluation.self", own_centre=True)
def report_fix(fix_id: int):
    fixes.for_director(fix_id, current_user)
    form = ReportForm()
    if form.validate_on_submit():
        attempt(lambda: fixes.report_fix(fix_id, current_user, fixed_on=form.fixed_on.data,
                                         note=form.note.data),
                _("已报告整改完成，等待监管部门核验"))
    else:
        flash_errors(form)
    return redirect(url_for("evaluation.staff_page"))


def _inspect_page(centre, form=None, posted=None, status=200):
    mine = services.latest_self(centre.id)
    return render_template(
        "evaluation/inspect.html", centre=centre, dimensions=dimensions(),
        self_items=services.item_map(mine), self_eval=mine, values=posted or {},
        posted=posted is not None, item_errors=_item_errors(),
        form=form or InspectForm(formdata=None),
        evaluations=queries.of_centre(centre.id, "inspection")), status


@bp.get("/regulator/centres/<int:centre_id>/evaluation")
@permission_required("evaluation.inspect")
def inspect_page(centre_id: int):
    return _inspect_page(services.regulators_centre(centre_id, current_user))


@bp.post("/regulator/centres/<int:centre_id>/evaluation")
@permission_required("evaluation.inspect")
def inspect(centre_id: int):
    centre = services.regulators_centre(centre_id, current_user)
    form = InspectForm()
    items, notes, failed = _scores(request.form)
    if form.validate_on_submit():
        ev = submit(form, lambda: services.record_inspection(
            centre_id, current_user, inspected_on=form.inspected_on.data, items=items,
            notes=notes, failed=failed, findings=form.findings.data),
            lambda e: _("检查已记录：%(s)s 分，等级 %(g)s", s=e.score, g=e.inspection.grade))
        if ev is not None:
            return redirect(url_for("evaluation.detail", evaluation_id=ev.id))
    posted = {c: {"points": items[c], "note": notes[c], "failed": c in failed} for c in BY_CODE}
    return _inspect_page(centre, form, posted, page_status(form))


def _detail(ev, fix_form=None, status=200, acting=True):
    mine = services.latest_self(ev.centre_id)
    return render_template(
        "evaluation/detail.html", ev=ev, acting=acting, dimensions=dimensions(),
        items=services.item_map(ev),
        self_items=services.item_map(mine), self_eval=mine,
        fix_form=fix_form or FixForm(formdata=None), verify_form=VerifyForm(formdata=None),
        return_form=ReturnForm(formdata=None)), status


@bp.get("/regulator/evaluations/<int:evaluation_id>")
@permission_required("evaluation.inspect")
def detail(evaluation_id: int):
    ev = services.readable(evaluation_id, current_user)
    return _detail(ev)


@bp.post("/regulator/evaluations/<int:evaluation_id>/fixes")
@permission_required("evaluation.inspect")
def add_fix(evaluation_id: int):
    ev = services.readable(evaluation_id, current_user)
    form = FixForm()
    if form.validate_on_submit() and submit(form, lambda: fixes.add_fix(
            evaluation_id, current_user, code=form.code.data, what=form.what.data,
            due_on=form.due_on.data), _("整改项已下达")):
        return redirect(url_for("evaluation.detail", evaluation_id=evaluation_id))
    return _detail(ev, form, page_status(form))


def _back(fix):
    return redirect(request.form.get("next") == "list" and url_for("evaluation.due_list")
                    or url_for("evaluation.detail", evaluation_id=fix.evaluation_id))


@bp.post("/regulator/fixes/<int:fix_id>/verify")
@permission_required("evaluation.inspect")
def verify_fix(fix_id: int):
    fix = fixes.for_regulator(fix_id, current_user)
    form = VerifyForm()
    if form.validate_on_submit():
        attempt(lambda: fixes.verify_fix(fix_id, current_user, on_date=form.on_date.data),
                _("整改已核验"))
    else:
        flash_errors(form)
    return _back(fix)


@bp.post("/regulator/fixes/<int:fix_id>/return")
@permission_required("evaluation.inspect")
def return_fix(fix_id: int):
    fix = fixes.for_regulator(fix_id, current_user)
    form = ReturnForm()
    if form.validate_on_submit():
        attempt(lambda: fixes.return_fix(fix_id, current_user, reason=form.reason.data,
                                         due_on=form.due_on.data), _("整改已退回"))
    else:
        flash_errors(form)
    return _back(fix)


@bp.get("/regulator/fixes")
@permission_required("evaluation.inspect")
def due_list():
    overdue_only = request.args.get("show") == "overdue"
    return render_template("evaluation/due.html", overdue_only=overdue_only,
                           fixes=fixes.due_for(current_user, overdue_only=overdue_only),
                           verify_form=VerifyForm(formdata=None))
