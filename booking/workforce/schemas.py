"""API shapes of the workforce register (docs/api.md)."""
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Out, Query
from ..inputs import Day


class IdNumberIn(Body):
    id_number: str = Field(min_length=18, max_length=18,
                           description="18 characters: 17 digits and a digit or X")


class IdNumberOut(Out):
    staff_member_id: int
    id_number_masked: str


class TrainingIn(Body):
    on_date: Day
    hours: Decimal = Field(gt=0, le=24, decimal_places=1)
    topic: str = Field(min_length=1, max_length=120)


class TrainingOut(Out):
    id: int
    staff_member_id: int
    on_date: date
    hours: Decimal
    topic: str


class TrainingListOut(Out):
    staff_member_id: int
    year: int
    hours_this_year: Decimal
    target_hours: int
    records: list[TrainingOut]


class WorkforceCoverageQuery(Query):
    group: Literal["centre", "district"] = "centre"


class WorkforceCoverageOut(Out):
    group: str
    id: int
    name: str
    carers: int
    qualified: int
    qualified_share: float | None
    background_valid: int
    background_valid_share: float | None
    trained: int = Field(description="carers with this year's hours at or above the target")
    trained_share: float | None
    hours_this_year: Decimal
    target_hours: int
