from datetime import date, datetime, timezone
from datetime import date as Date
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from ..api.schemas import Body, Id, Out, Query
from ..inputs import Day

# Rosters are about this century; the bounds also keep time-zone arithmetic in range.
RosterDay = Annotated[Date, Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))]
RosterInstant = Annotated[AwareDatetime, Field(ge=datetime(2000, 1, 1, tzinfo=timezone.utc),
                                                 le=datetime(2099, 12, 31, tzinfo=timezone.utc))]

Role = Literal["childcare_worker", "infant_carer", "teacher", "health_worker", "security",
               "cook", "manager"]


class StaffIn(Body):
    name: str = Field(min_length=1, max_length=80)
    role: Role
    qualification_level: int | None = Field(None, ge=1, le=5)
    certificate_no: str | None = Field(None, max_length=60)
    certificate_expires_on: Day | None = None
    health_cert_expires_on: Day | None = None
    background_checked_on: Day | None = None
    background_check_expires_on: Day | None = None


class StaffOut(Out):
    id: int
    centre_id: int
    name: str
    role: str
    qualification_level: int | None
    certificate_no: str | None
    certificate_expires_on: date | None
    health_cert_expires_on: date | None
    background_checked_on: date | None
    background_check_expires_on: date | None
    id_number_masked: str | None = Field(None, description="身份证号, masked; never in clear")
    active: bool


class WeekQuery(Query):
    week: RosterDay | None = Field(
        None, description="Any day of the week (Monday to Sunday); this week when absent")


class DateQuery(Query):
    date: RosterDay | None = Field(
        None, description="The day to check; today (Beijing) when absent")


class ShiftIn(Body):
    staff_member_id: Id
    group_id: Id | None = None
    starts_at: RosterInstant
    ends_at: RosterInstant


class ShiftOut(Out):
    id: int
    staff_member_id: int
    group_id: int | None
    starts_at: datetime
    ends_at: datetime


class HourOut(Out):
    start: datetime
    end: datetime
    children: int
    carers: int
    needed: int
    missing: int


class ClassCheckOut(Out):
    group_id: int
    name: str
    age_band: str
    hours: list[HourOut]


class RatioCheckOut(Out):
    centre_id: int
    date: Date
    open: bool
    health_worker_on_shift: bool
    security_on_shift: bool
    gaps: int
    classes: list[ClassCheckOut]
