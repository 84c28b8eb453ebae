"""The centre's receivables from the city: its approved claims and their running total."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from .models import SubsidyClaim


@dataclass(frozen=True)
class Receivable:
    claim: SubsidyClaim
    month: str
    approved_fen: int
    decided_at: datetime | None
    running_fen: int     # the total approved up to and including this month


def receivables(centre_id: int) -> list[Receivable]:
    """Approved claims, oldest month first, each with the total approved so far."""
    rows, running = [], 0
    for claim in db.session.scalars(select(SubsidyClaim).where(
            SubsidyClaim.centre_id == centre_id, SubsidyClaim.status == "approved")
            .order_by(SubsidyClaim.month)):
        running += claim.approved_fen
        rows.append(Receivable(claim, claim.month, claim.approved_fen, claim.decided_at, running))
    return rows
