from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Out, Query

Status = Literal["submitted", "approved", "returned", "rejected"]


class ChangeIn(Body):
    """Only the fields to change; each is compared with the centre's current record."""
    address: str | None = Field(None, max_length=200)
    capacity: int | None = Field(None, description="total approved places (核定托位数)")
    manager: str | None = Field(None, max_length=60, description="the person in charge (负责人)")
    scope: str | None = Field(None, max_length=200, description="age bands and care offered")
    opening_hours: str | None = Field(None, max_length=40)
    materials: str = Field(min_length=1, max_length=2000,
                           description="the materials filed with the change")


class ChangeItemOut(Out):
    old: str
    new: str


class ChangeOut(Out):
    id: int
    centre_id: int
    centre_name: str
    status: Status
    changes: dict[str, ChangeItemOut]
    materials: str
    submitted_at: datetime
    received_on: date
    record_due_on: date = Field(description="5 working days from receipt (备案办法)")
    notice_due_on: date = Field(description="15 working days: to tell the centre what does not "
                                "comply")
    provisional: bool = Field(description="a deadline counted weekdays for a year whose "
                              "holidays are not yet published")
    overdue: bool
    decided_at: datetime | None
    reason: str | None


class ChangesQuery(Query):
    status: Literal["submitted", "approved", "returned", "rejected", "due", "overdue"] | None = None


class ChangeReasonIn(Body):
    reason: str = Field(min_length=1, max_length=2000)


class ChangeApproveIn(Body):
    reason: str | None = Field(None, max_length=2000, description="an optional note")
