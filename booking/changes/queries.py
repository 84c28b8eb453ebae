"""Reads of change filings shared by the pages and the API (docs/changes.md)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..centres.models import District
from ..clock import today
from ..extensions import db
from ..regulator.jurisdiction import district_clause
from .models import CentreChange


def is_overdue(c: CentreChange, on: date | None = None) -> bool:
    """Awaiting the district past its 5-working-day deadline to record it."""
    return c.status == "submitted" and c.record_due_on < (on or today())


def for_regulator(user, status: str | None = None) -> list[CentreChange]:
    """The changes of `user`'s jurisdiction. `status`: a status, or "due" (awaiting a
    decision) or "overdue" (awaiting one past its deadline). Awaiting ones first, by deadline."""
    stmt = (select(CentreChange).join(District, District.id == CentreChange.district_id)
            .where(district_clause(user)))
    if status in ("due", "overdue"):
        stmt = stmt.where(CentreChange.status == "submitted")
        if status == "overdue":
            stmt = stmt.where(CentreChange.record_due_on < today())
    elif status:
        stmt = stmt.where(CentreChange.status == status)
    stmt = stmt.order_by(CentreChange.status != "submitted", CentreChange.record_due_on,
                         CentreChange.id)
    return list(db.session.scalars(stmt))


def of_centre(centre_id: int) -> list[CentreChange]:
    return list(db.session.scalars(select(CentreChange).where(
        CentreChange.centre_id == centre_id).order_by(CentreChange.id.desc())))


def history(centre_id: int) -> list[CentreChange]:
    """变更记录 for the public disclosure: approved changes, newest first."""
    return list(db.session.scalars(select(CentreChange).where(
        CentreChange.centre_id == centre_id, CentreChange.status == "approved")
        .order_by(CentreChange.decided_at.desc(), CentreChange.id.desc())))


@dataclass
class DueCounts:
    due: int
    overdue: int


def due_counts(user) -> DueCounts:
    """For the regulator dashboard's card."""
    on = today()
    rows = db.session.scalars(select(CentreChange.record_due_on).join(
        District, District.id == CentreChange.district_id).where(
        district_clause(user), CentreChange.status == "submitted")).all()
    return DueCounts(due=len(rows), overdue=sum(1 for d in rows if d < on))
