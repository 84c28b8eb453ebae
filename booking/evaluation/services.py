"""The rules of dynamic evaluation (docs/evaluation.md): the director's self-assessment
(draft → submitted, one open draft per centre) and the regulator's item-level inspection,
which records the `Inspection` (score, grade, fix deadline) the grade history reads. Fix
items are in fixes.py. Each command is one transaction with its audit rows; a refusal leaves
nothing changed."""
import json

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..audit.services import record
from ..centres.models import Centre
from ..clock import now, today
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..regulator.jurisdiction import holds_centre
from ..regulator.models import Inspection
from ..transactions import command
from . import scoring
from .checklist import BY_CODE
from .fixes import check_fixes, new_fix
from .models import Evaluation, EvaluationItem

FINDINGS_MAX = 4000


def directors_centre(centre_id: int, user) -> Centre:
    """:raises NotFound: not the user's own centre."""
    centre = db.session.get(Centre, centre_id)
    if centre is None or user.centre_id != centre.id:
        raise NotFound()
    return centre


def regulators_centre(centre_id: int, user) -> Centre:
    """:raises NotFound: outside the user's jurisdiction (or a centre never filed)."""
    centre = db.session.get(Centre, centre_id)
    if centre is None or centre.filing is None or not holds_centre(user, centre):
        raise NotFound()
    return centre


def readable(evaluation_id: int, user) -> Evaluation:
    """An evaluation as `user` may read it: its centre's staff, a regulator holding the
    centre, an admin. :raises NotFound: otherwise."""
    ev = db.session.get(Evaluation, evaluation_id)
    if ev is None:
        raise NotFound()
    if user.role == "staff" and user.centre_id == ev.centre_id:
        return ev
    if user.role in ("regulator", "admin") and holds_centre(user, ev.centre):
        return ev
    raise NotFound()


def item_map(ev: Evaluation | None) -> dict:
    """{code: EvaluationItem} of an evaluation (empty for none)."""
    return {i.code: i for i in ev.items} if ev else {}


def open_draft(centre_id: int) -> Evaluation | None:
    return db.session.scalar(select(Evaluation).where(
        Evaluation.centre_id == centre_id, Evaluation.kind == "self",
        Evaluation.status == "draft"))


def latest_self(centre_id: int) -> Evaluation | None:
    """The centre's latest submitted self-assessment: shown beside the inspector's items."""
    return db.session.scalar(select(Evaluation).where(
        Evaluation.centre_id == centre_id, Evaluation.kind == "self",
        Evaluation.status == "submitted")
        .order_by(Evaluation.submitted_at.desc(), Evaluation.id.desc()).limit(1))


def _put_items(ev: Evaluation, items: dict, notes: dict, failed) -> None:
    have = item_map(ev)
    failed = set(failed or ())
    for code, points in items.items():
        if points is None or points == "":
            if code in have:
                ev.items.remove(have[code])
            continue
        row = have.get(code) or EvaluationItem(code=code)
        row.points, row.failed = points, code in failed
        row.note = (notes.get(code) or "").strip() or None
        if code not in have:
            ev.items.append(row)


def _lock_centre(centre_id: int) -> None:
    """Write the centre's row first, so two drafts started at once are serialised."""
    db.session.execute(update(Centre).where(Centre.id == centre_id)
                       .values(affordable=Centre.affordable)
                       .execution_options(synchronize_session=False))


@command
def save_self(centre_id: int, director, *, items: dict, notes=None, failed=None,
              submit=False) -> Evaluation:
    """Save the centre's open draft self-assessment (started if there is none); with `submit`
    it is then submitted, which needs every item.
    :raises NotFound: not the director's centre. :raises ValidationFailed: keyed by item."""
    directors_centre(centre_id, director)
    notes = notes or {}
    errors = scoring.check(items, notes, failed, complete=submit)
    if errors:
        raise ValidationFailed(errors=errors)
    _lock_centre(centre_id)
    ev = open_draft(centre_id)
    started = ev is None
    if started:
        ev = Evaluation(centre_id=centre_id, kind="self", status="draft",
                        evaluated_on=today(), created_by=director.id)
        db.session.add(ev)
    _put_items(ev, items, notes, failed)
    given = {i.code: i.points for i in ev.items}
    ev.score = scoring.total(given)
    ev.basic_failed = bool(scoring.failed_basic(given, {i.code for i in ev.items if i.failed}))
    db.session.flush()
    record("evaluation.self_saved", ev, actor=director, centre_id=centre_id,
           after={"items": len(ev.items), "score": ev.score, "started": started})
    if submit:
        _submit(ev, director)
    db.session.commit()
    return ev


def _submit(ev: Evaluation, director) -> None:
    given = {i.code: i.points for i in ev.items}
    missing = [c for c in BY_CODE if c not in given]
    if missing:
        raise ValidationFailed(errors={c: [_("%(label)s：请填写得分", label=BY_CODE[c].label)]
                                       for c in missing})
    ev.status, ev.submitted_at, ev.evaluated_on = "submitted", now(), today()
    record("evaluation.self_submitted", ev, actor=director, centre_id=ev.centre_id,
           before={"status": "draft"},
           after={"status": "submitted", "score": ev.score, "basic_failed": ev.basic_failed})


@command
def submit_self(evaluation_id: int, director) -> Evaluation:
    """:raises NotFound: not the director's centre's. :raises Conflict: already submitted.
    :raises ValidationFailed: items missing (each named)."""
    ev = db.session.get(Evaluation, evaluation_id)
    if ev is None or ev.kind != "self" or ev.centre_id != director.centre_id:
        raise NotFound()
    if ev.status != "draft":
        raise Conflict(_("该自评已提交"))
    _submit(ev, director)
    db.session.commit()
    return ev


@command
def record_inspection(centre_id: int, inspector, *, inspected_on, items: dict, notes=None,
                      failed=None, findings=None, fixes=()) -> Evaluation:
    """An inspection scored item by item. It records the `Inspection` (dimension scores,
    score, grade — D when a basic indicator fails — and the earliest fix deadline) and the
    fix items given ({code, what, due_on}: a deadline not before the inspection).
    :raises NotFound: outside the jurisdiction. :raises ValidationFailed: keyed by item, or
    `inspected_on` (in the future), `findings`, `fix_items`."""
    regulators_centre(centre_id, inspector)
    notes = notes or {}
    errors = scoring.check(items, notes, failed, complete=True)
    if inspected_on is None or inspected_on > today():
        errors["inspected_on"] = [_("检查日期不能晚于今天")]
    if findings and len(findings) > FINDINGS_MAX:
        errors["findings"] = [_("最多 %(n)s 个字符", n=FINDINGS_MAX)]
    fix_errors = check_fixes(fixes, inspected_on)
    if fix_errors:
        errors["fix_items"] = fix_errors
    if errors:
        raise ValidationFailed(errors=errors)
    failed_codes = scoring.failed_basic(items, failed)
    score = scoring.total(items)
    deadline = min((x["due_on"] for x in fixes), default=None)
    inspection = Inspection(centre_id=centre_id, inspector_id=inspector.id,
                            inspected_on=inspected_on,
                            checklist=json.dumps(scoring.by_dimension(items)),
                            findings=(findings or "").strip() or None, score=score,
                            grade=scoring.grade(items, failed), fix_deadline=deadline)
    db.session.add(inspection)
    db.session.flush()
    ev = Evaluation(centre_id=centre_id, kind="inspection", status="recorded",
                    evaluated_on=inspected_on, inspection_id=inspection.id, score=score,
                    basic_failed=bool(failed_codes), created_by=inspector.id,
                    submitted_at=now())
    db.session.add(ev)
    _put_items(ev, items, notes, failed_codes)
    db.session.flush()
    record("inspection.recorded", inspection, actor=inspector, centre_id=centre_id,
           after={"score": score, "grade": inspection.grade, "fix_deadline": deadline})
    record("evaluation.inspected", ev, actor=inspector, centre_id=centre_id,
           after={"score": score, "grade": inspection.grade, "basic_failed": failed_codes,
                  "inspection_id": inspection.id})
    for fix in fixes:
        new_fix(ev, inspector, **fix)
    db.session.commit()
    return ev
