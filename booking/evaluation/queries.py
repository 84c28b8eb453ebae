"""Reading evaluations: the grade history of a centre (public, from `Inspection`, the one
source of grades) and a centre's evaluations (docs/evaluation.md)."""
from sqlalchemy import select

from ..extensions import db
from ..regulator.models import Inspection
from .models import Evaluation


def grade_history(centre_id: int) -> list[dict]:
    """Every graded inspection of the centre, oldest first: {inspected_on, grade, score}."""
    rows = db.session.execute(select(Inspection.inspected_on, Inspection.grade,
                                     Inspection.score).where(
        Inspection.centre_id == centre_id, Inspection.grade.is_not(None))
        .order_by(Inspection.inspected_on, Inspection.id)).all()
    return [{"inspected_on": r.inspected_on, "grade": r.grade, "score": r.score} for r in rows]


def of_centre(centre_id: int, kind=None) -> list[Evaluation]:
    stmt = select(Evaluation).where(Evaluation.centre_id == centre_id)
    if kind:
        stmt = stmt.where(Evaluation.kind == kind)
    return list(db.session.scalars(stmt.order_by(Evaluation.evaluated_on.desc(),
                                                 Evaluation.id.desc()).limit(200)))
