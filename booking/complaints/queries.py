"""Reads of complaints shared by the pages and the API (docs/complaints.md)."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from ..centres.models import District
from ..clock import now, today
from ..extensions import db
from ..regulator.jurisdiction import district_clause
from .models import STATUSES, Complaint

OPEN = ("received", "centre_asked", "answered")
DUE_SOON_DAYS = 3  # calendar days before due_on from which an open complaint is "due"


def is_overdue(c: Complaint, on: date | None = None) -> bool:
    return c.status != "closed" and c.due_on < (on or today())


def is_due_soon(c: Complaint, on: date | None = None) -> bool:
    on = on or today()
    return c.status != "closed" and on <= c.due_on <= on + timedelta(days=DUE_SOON_DAYS)


def account_overdue(c: Complaint, on: date | None = None) -> bool:
    return c.status == "centre_asked" and c.account_due_on is not None \
        and c.account_due_on < (on or today())


def for_regulator(user, status: str | None = None) -> list[Complaint]:
    """The complaints of `user`'s jurisdiction, open ones first by deadline."""
    stmt = (select(Complaint).join(District, District.id == Complaint.district_id)
            .where(district_clause(user)))
    if status in STATUSES:
        stmt = stmt.where(Complaint.status == status)
    stmt = stmt.order_by((Complaint.status == "closed"), Complaint.due_on, Complaint.id)
    return list(db.session.scalars(stmt))


def for_centre(centre_id: int) -> list[Complaint]:
    """The complaints the centre has been asked about (never those not yet passed on)."""
    return list(db.session.scalars(select(Complaint).where(
        Complaint.centre_id == centre_id, Complaint.asked_at.is_not(None))
        .order_by(Complaint.status == "closed", Complaint.due_on, Complaint.id)))


def by_code(code: str) -> Complaint | None:
    if not code or len(code) > 16:
        return None
    return db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))


def of_user(user_id: int) -> list[Complaint]:
    return list(db.session.scalars(select(Complaint).where(
        Complaint.complainant_user_id == user_id).order_by(Complaint.id.desc())))


@dataclass
class DueCounts:
    open: int
    due_soon: int
    overdue: int


def due_counts(user) -> DueCounts:
    """For the regulator dashboard's card."""
    on = today()
    rows = db.session.execute(select(Complaint.due_on).join(
        District, District.id == Complaint.district_id).where(
        district_clause(user), Complaint.status.in_(OPEN))).scalars().all()
    return DueCounts(open=len(rows),
                     due_soon=sum(1 for d in rows if on <= d <= on + timedelta(days=DUE_SOON_DAYS)),
                     overdue=sum(1 for d in rows if d < on))


def centre_counts(centre_id: int) -> dict:
    """信息公示: complaints received in the last 12 months and how many were upheld (in full or
    in part). Counts only, never contents."""
    since = now() - timedelta(days=365)
    received, upheld = db.session.execute(select(
        func.count(Complaint.id),
        func.count(Complaint.id).filter(Complaint.outcome.in_(("upheld", "partly_upheld"))))
        .where(Complaint.centre_id == centre_id, Complaint.received_at >= since)).one()
    return {"received_12_months": received, "upheld_12_months": upheld}
