from datetime import datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Out

Status = Literal["draft", "submitted", "approved", "returned", "rejected"]


class GenerateIn(Body):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM, a month that has ended "
                       "(Beijing time)")


class ClaimLineOut(Out):
    child_id: int
    child_name: str
    reservation_id: int | None
    days_enrolled: int
    days_attended: int
    open_days: int = Field(description="working days of the child's days in care that month")
    operating_fen: int
    sibling_reduction_fen: int = Field(description="the reduction the ledger shows granted")
    sibling_reward_fen: int


class ClaimOut(Out):
    id: int
    centre_id: int
    month: str
    status: Status
    operating_fen: int
    sibling_reward_fen: int
    construction_places: int
    construction_fen: int
    total_fen: int
    approved_fen: int | None
    generated_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    decision_reason: str | None = Field(description="why it was returned or rejected")


class ClaimDetailOut(ClaimOut):
    lines: list[ClaimLineOut]
