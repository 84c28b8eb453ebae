"""Inspections and dynamic evaluation (动态评估).

The checklist follows WS/T 821—2023 《托育机构质量评估标准》: seven dimensions scored out of
1,000 points (conditions 100, staff 140, care 200, health 210, parenting support 80,
safety 200, management 70). The standard grades A–D; the score boundaries below are this
system's *defaults* (a failed basic indicator grades D outright, as the standard says).
"""
import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.services import record
from ..centres.models import Centre
from ..clock import today
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..transactions import command
from .filing import in_jurisdiction
from .jurisdiction import centre_clause
from .models import Inspection

DIMENSIONS = {
    "conditions": (_l("办托条件"), 100), "staff": (_l("托育队伍"), 140),
    "care": (_l("保育照护"), 200), "health": (_l("卫生保健"), 210),
    "parenting": (_l("养育支持"), 80), "safety": (_l("安全保障"), 200),
    "management": (_l("机构管理"), 70),
}
GRADE_FLOORS = (("A", 850), ("B", 700), ("C", 600))


def grade_for(score: int, basic_failed: bool) -> str:
    if basic_failed:
        return "D"
    for grade, floor in GRADE_FLOORS:
        if score >= floor:
            return grade
    return "D"


@command
def record_inspection(centre_id: int, inspector, *, inspected_on, scores: dict, findings=None,
                      fix_deadline=None, basic_failed=False) -> Inspection:
    """:raises NotFound: outside the inspector's jurisdiction. :raises ValidationFailed."""
    centre = db.session.get(Centre, centre_id)
    if centre is None or centre.filing is None or not in_jurisdiction(inspector, centre.filing):
        raise NotFound()
    errors = {}
    for key, (label, top) in DIMENSIONS.items():
        value = scores.get(key)
        if value is None or not 0 <= value <= top:
            errors[key] = [_("%(label)s 得分应在 0 到 %(top)s 之间", label=label, top=top)]
    if inspected_on > today():
        errors["inspected_on"] = [_("检查日期不能晚于今天")]
    if fix_deadline is not None and fix_deadline < inspected_on:
        errors["fix_deadline"] = [_("整改期限不能早于检查日期")]
    if errors:
        raise ValidationFailed(errors=errors)
    score = sum(scores[k] for k in DIMENSIONS)
    inspection = Inspection(centre_id=centre_id, inspector_id=inspector.id,
                            inspected_on=inspected_on, checklist=json.dumps(scores),
                            findings=findings, score=score, grade=grade_for(score, basic_failed),
                            fix_deadline=fix_deadline)
    db.session.add(inspection)
    record("inspection.recorded", inspection, actor=inspector, centre_id=centre_id,
           after={"score": score, "grade": inspection.grade, "fix_deadline": fix_deadline})
    db.session.commit()
    return inspection


@command
def follow_up(inspection_id: int, inspector, on_date) -> Inspection:
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or not in_jurisdiction(inspector, inspection.centre.filing):
        raise NotFound()
    if on_date < inspection.inspected_on or on_date > today():
        raise ValidationFailed(errors={"followed_up_on": [_("复查日期无效")]})
    inspection.followed_up_on = on_date
    record("inspection.followed_up", inspection, actor=inspector,
           centre_id=inspection.centre_id, after={"followed_up_on": on_date})
    db.session.commit()
    return inspection


def overdue(user) -> list[Inspection]:
    """Fixes past their deadline with no follow-up recorded."""
    return db.session.scalars(select(Inspection).where(
        Inspection.fix_deadline < today(), Inspection.followed_up_on.is_(None),
        centre_clause(user, Inspection.centre_id))
        .order_by(Inspection.fix_deadline)).all()


def open_inspection(centre_id: int, inspector, *, findings: str) -> Inspection:
    """An inspection opened by another case (a complaint upheld, docs/complaints.md): dated
    today, not yet scored (score and grade stay empty until the visit is recorded). A helper:
    it only flushes; the calling command checks the jurisdiction and commits.
    """
    inspection = Inspection(centre_id=centre_id, inspector_id=inspector.id, inspected_on=today(),
                            findings=findings)
    db.session.add(inspection)
    record("inspection.opened", inspection, actor=inspector, centre_id=centre_id,
           after={"inspected_on": inspection.inspected_on})
    return inspection
