from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Id, Out, PageQuery
from ..inputs import Day, Instant

Status = Literal["held", "enrolled", "expired", "cancelled", "withdrawn"]


class ReservationIn(Body):
    slot_id: Id
    child_id: Id
    transfer: bool = Field(False, description=(
        "转托: hold a place for a child enrolled elsewhere; confirming it ends the old "
        "enrolment the day before the new start"))
    with_multiples: bool = Field(True, description=(
        "Twins and other multiples hold together, all or none; false holds for this child "
        "alone"))


class IntakeOut(Out):
    state: Literal["ready", "awaiting_verification", "expires_before_start", "not_passed",
                   "vaccination", "missing"]
    earliest_exam_on: date
    check_id: int | None


class ReservationOut(Out):
    id: int
    status: Status
    expires_at: datetime | None
    slot_id: int
    child_id: int
    centre_id: int
    created_at: datetime
    enrolled_at: datetime | None = None
    ended_at: datetime | None = None
    intake_check: IntakeOut | None = None
    replaces_reservation_id: int | None = Field(None, description=(
        "the child's other live place this hold replaces once it takes effect: an "
        "enrolment (a transfer, completed by confirming) or a hold (an offer the family may "
        "take instead)"))
    transfer: bool = Field(False, description="this hold replaces an enrolment (转托)")
    together: list[int] = Field(default_factory=list, description=(
        "the holds made in the same request for this child's twins or other multiples"))


class ReservationQuery(PageQuery):
    status: Status | None = None
    slot_id: Id | None = Field(None)
    centre_id: Id | None = Field(None, description="Only this centre's")
    district: str | None = Field(None, max_length=12, description="Only centres of this district (code)")
    city: str | None = Field(None, max_length=40, description="Only centres of this city")


class ReservationPage(Out):
    items: list[ReservationOut]
    total: int
    page: int
    per_page: int


class StatusOut(Out):
    id: int
    status: Status


class RatioWarning(Out):
    """设置标准 art. 20: with this child the class is short of carers on its start date."""
    on_date: date
    hours_short: int = Field(description="hours of that day short of carers")
    most_missing: int = Field(description="the most carers missing in any of those hours")


class ConfirmOut(StatusOut):
    ratio_warning: RatioWarning | None = Field(
        None, description="present when the roster no longer meets the ratio: the enrolment "
                          "stands, the centre should adjust its roster")


class CancelIn(Body):
    """Optional: a cancel may come without a body."""
    reason: str | None = Field(None, max_length=200, description=(
        "why; told to the family when the centre cancels"))


class WithdrawIn(Body):
    on_date: Day
    reason: str = Field(min_length=1, max_length=200)


class LeavingIn(Body):
    """`on_date` null: the leaving is undone (the child stays)."""
    on_date: Day | None
    reason: str = Field(min_length=1, max_length=200)


class LeavingOut(Out):
    id: int
    status: Status
    leaves_on: date | None


class DeclineIn(Body):
    keep_waiting: bool = Field(False, description=(
        "keep waiting for this slot (passed over while the place the child keeps is live); "
        "false ends the wait too"))


class ExtendIn(Body):
    expires_at: Instant


class ExtendOut(Out):
    id: int
    status: Status
    expires_at: datetime
