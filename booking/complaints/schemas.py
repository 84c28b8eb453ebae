from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Out, Query

Category = Literal["safety", "health", "fees", "care", "staffing", "other"]
Status = Literal["received", "centre_asked", "answered", "closed"]
Outcome = Literal["upheld", "partly_upheld", "not_upheld"]


class ComplaintIn(Body):
    category: Category
    body: str = Field(min_length=1, max_length=2000, description="what happened; no child's "
                      "name or ID number")
    anonymous: bool = Field(False, description=(
        "tie no account to it; always true without a bearer token"))
    contact: str | None = Field(None, max_length=120, description=(
        "phone or email for the answer; required when anonymous. Shown to the district's "
        "regulators only, never to the centre"))


class FiledOut(Out):
    id: int
    tracking_code: str = Field(description="keep it: GET /complaints/track/{code}")
    status: Status
    due_on: date
    provisional: bool


class TrackOut(Out):
    centre_name: str
    category: Category
    status: Status
    received_at: datetime
    due_on: date
    provisional: bool = Field(description=(
        "the deadline counts weekdays for a year whose holidays are not yet published"))
    outcome: Outcome | None
    outcome_text: str | None
    inspection_opened: bool


class StaffComplaintOut(Out):
    """What the centre sees: never who complained nor how to reach them."""
    id: int
    category: Category
    body: str
    status: Status
    received_at: datetime
    account_due_on: date | None
    account: str | None
    outcome: Outcome | None


class RegulatorComplaintOut(StaffComplaintOut):
    centre_id: int
    centre_name: str
    district: str
    anonymous: bool
    contact: str | None
    complainant_user_id: int | None
    due_on: date
    provisional: bool
    overdue: bool
    asked_at: datetime | None
    answered_at: datetime | None
    outcome_text: str | None
    closed_at: datetime | None
    inspection_id: int | None


class RegulatorQuery(Query):
    status: Status | None = None


class AccountIn(Body):
    account: str = Field(min_length=1, max_length=2000)


class CloseIn(Body):
    outcome: Outcome
    text: str = Field(min_length=1, max_length=2000, description="the answer, sent to the "
                      "complainant")
    open_inspection: bool = False
