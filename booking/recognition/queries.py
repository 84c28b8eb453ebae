"""Reading recognitions: the grant in force on a day, as a SQL condition and per centre, and
the criteria an application shows, computed live (docs/recognition.md).

The decision is the truth: `centre.affordable` / `centre.star_rating` are a cache the
services keep (and `expire_recognitions` clears), so what matters reads the table here."""
from datetime import timedelta

from sqlalchemy import exists, func, select

from ..centres.models import Centre
from ..clock import now, today
from ..extensions import db
from .models import RENEW_DAYS, Recognition


def in_force_clause(kind: str, day, centre_id_column=None):
    """A SQL condition: the centre (`centre_id_column`, default Centre.id) holds a grant of
    `kind` in force on `day` — whether or not the expiry job has run."""
    col = Centre.id if centre_id_column is None else centre_id_column
    return exists(select(Recognition.id).where(
        Recognition.centre_id == col, Recognition.kind == kind,
        Recognition.status == "granted", Recognition.valid_from <= day,
        Recognition.valid_until >= day))


def in_force(centre_id: int, kind: str, day=None) -> Recognition | None:
    day = day or today()
    return db.session.scalar(select(Recognition).where(
        Recognition.centre_id == centre_id, Recognition.kind == kind,
        Recognition.status == "granted", Recognition.valid_from <= day,
        Recognition.valid_until >= day).order_by(Recognition.valid_from.desc()).limit(1))


def recognised(centre, day=None) -> dict:
    """What the centre holds on `day`: {"affordable": grant|None, "star": grant|None}."""
    return {kind: in_force(centre.id, kind, day) for kind in ("affordable", "star")}


def latest_granted(centre_id: int, kind: str) -> Recognition | None:
    """The grant that ends last (in force or still to come): a renewal starts after it."""
    return db.session.scalar(select(Recognition).where(
        Recognition.centre_id == centre_id, Recognition.kind == kind,
        Recognition.status == "granted").order_by(Recognition.valid_until.desc()).limit(1))


def renewable(grant: Recognition | None, day=None) -> bool:
    """A centre may apply again within RENEW_DAYS before its grant ends (or once it has)."""
    day = day or today()
    return grant is None or grant.valid_until - timedelta(days=RENEW_DAYS) <= day


def of_centre(centre_id: int) -> list[Recognition]:
    return list(db.session.scalars(select(Recognition).where(
        Recognition.centre_id == centre_id).order_by(Recognition.applied_at.desc(),
                                                      Recognition.id.desc())))


def for_regulator(user, status=None) -> list[Recognition]:
    from ..regulator.jurisdiction import centre_clause
    stmt = select(Recognition).where(centre_clause(user, Recognition.centre_id))
    if status:
        stmt = stmt.where(Recognition.status == status)
    return list(db.session.scalars(stmt.order_by(Recognition.applied_at.desc(),
                                                 Recognition.id.desc()).limit(500)))


def _latest_grade(centre_id: int):
    from ..regulator.models import Inspection
    return db.session.execute(select(Inspection.grade, Inspection.inspected_on).where(
        Inspection.centre_id == centre_id, Inspection.grade.is_not(None))
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc()).limit(1)).first()


def _upheld_complaints(centre_id: int, since) -> int:
    from ..complaints.models import Complaint
    return db.session.scalar(select(func.count(Complaint.id)).where(
        Complaint.centre_id == centre_id, Complaint.status == "closed",
        Complaint.outcome.in_(("upheld", "partly_upheld")),
        Complaint.closed_at >= since)) or 0


def criteria(centre, kind: str) -> list[dict]:
    """Each criterion: {code, value, met}. `met` is None where the rule leaves it to the
    regulator's judgement (places: shown, not scored)."""
    from ..policy.services import in_force as policy_for
    from ..slots.models import Slot
    grade = _latest_grade(centre.id)
    grade_row = {"code": "inspection_grade", "value": grade[0] if grade else None,
                 "met": bool(grade) and grade[0] in (("A", "B") if kind == "affordable" else ("A",))}
    if kind == "star":
        upheld = _upheld_complaints(centre.id, now() - timedelta(days=365))
        return [grade_row, {"code": "complaints_upheld_12m", "value": upheld, "met": upheld == 0}]
    slots = db.session.scalars(select(Slot).where(Slot.centre_id == centre.id)).all()
    policy = policy_for(centre.district.city)
    over = []
    for s in slots:
        if s.category != "affordable":
            continue
        cap = policy.affordable_cap_fen(s.age_band) if policy else None
        if cap is not None and s.monthly_fee_fen > cap:
            over.append({"slot_id": s.id, "fee_fen": s.monthly_fee_fen, "cap_fen": cap})
    n_affordable = sum(1 for s in slots if s.category == "affordable")
    return [
        {"code": "fees_within_cap", "value": over, "met": n_affordable > 0 and not over},
        {"code": "places", "value": sum(s.capacity for s in slots), "met": None},
        grade_row,
    ]




def in_force_map(centre_ids, day=None) -> dict:
    """{centre_id: {kind: grant}} for the grants in force on `day`, in one query (the registry)."""
    day = day or today()
    held: dict = {}
    if not centre_ids:
        return held
    for rec in db.session.scalars(select(Recognition).where(
            Recognition.centre_id.in_(list(centre_ids)), Recognition.status == "granted",
            Recognition.valid_from <= day, Recognition.valid_until >= day)):
        held.setdefault(rec.centre_id, {})[rec.kind] = rec
    return held
