from datetime import date
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Out
from ..inputs import Day
from ..reservations.schemas import ConfirmOut


class HealthCheckIn(Body):
    examined_on: Day
    institution: str = Field(min_length=1, max_length=160)
    result: Literal["pass", "fail", "follow_up"]
    vaccination_verified: bool
    height_cm: float | None = Field(None, gt=30, lt=150)
    weight_kg: float | None = Field(None, gt=1, lt=50)
    haemoglobin_g_l: int | None = Field(None, ge=30, le=250)
    findings: str | None = Field(None, max_length=2000)


class HealthCheckOut(Out):
    id: int
    child_id: int
    status: Literal["submitted", "verified", "rejected"]
    result: Literal["pass", "fail", "follow_up"]
    examined_on: date
    valid_until: date
    institution: str
    vaccination_verified: bool


class ReturnIn(Body):
    reason: str = Field(max_length=400, description="what the family must fix; required "
                                                    "(blank is refused with 422)")


class VerifyEnrolOut(Out):
    check: HealthCheckOut
    reservation: ConfirmOut
