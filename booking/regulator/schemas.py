from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Out, Query

FilingStatus = Literal["draft", "submitted", "approved", "returned", "suspended", "closed"]


class CoverageQuery(Query):
    city: str | None = None


class CityCoverageOut(Out):
    """A city's districts (within the caller's jurisdiction) summed: the dashboard's city
    table."""

    city: str
    population: int
    places: int
    places_per_1000: float
    target_per_1000: float
    affordable_places: int
    public_places: int
    enrolled: int
    occupancy_rate: float
    waitlisted_children: int


class CoverageOut(CityCoverageOut):
    """One district's figures."""

    district: str
    name: str
    places_needed: int = Field(description="places still to be offered to reach the target "
                               "(0 once reached): ceil(target × population / 1000) − places")


class FilingQuery(Query):
    status: FilingStatus | None = None


class FilingOut(Out):
    id: int
    centre_id: int
    centre_name: str
    district: str
    status: FilingStatus
    filing_number: str | None
    submitted_at: datetime | None
    decided_at: datetime | None
    return_reasons: str | None


class FilingReasonsIn(Body):
    reasons: str | None = Field(None, max_length=2000, description="required to return, suspend "
                                "or close")


class InspectionIn(Body):
    inspected_on: date
    scores: dict[str, int] = Field(description="points per WS/T 821 dimension: conditions, "
                                   "staff, care, health, parenting, safety, management")
    findings: str | None = Field(None, max_length=4000)
    fix_deadline: date | None = None
    basic_failed: bool = False


class InspectionOut(Out):
    id: int
    centre_id: int
    inspected_on: date
    score: int | None
    grade: str | None
    findings: str | None
    fix_deadline: date | None
    followed_up_on: date | None
