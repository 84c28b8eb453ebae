from datetime import date, datetime

from pydantic import Field

from ..api.schemas import Body, Out, Query
from ..inputs import Day

Fen = int | None


class PolicyValues(Out):
    """Every policy field; money in fen, None where the city sets no cap or pays no subsidy."""
    cap_infant_fen: Fen
    cap_toddler_fen: Fen
    cap_preschool_fen: Fen
    cap_mixed_fen: Fen
    health_check_valid_days: int
    second_child_reduction_pct: int
    third_child_reduction_pct: int
    max_prepaid_months: int
    session_quota_per_year: int
    session_cancel_cutoff_hours: int
    max_waits: int
    allowance_fen_per_year: Fen
    extra_allowance_fen_per_month: Fen
    extra_allowance_from_child: int | None
    extra_allowance_born_from: date | None
    operating_subsidy_fen: Fen
    operating_min_attendance_pct: int | None
    construction_subsidy_fen: Fen
    sibling_reward_pct: int | None


class VersionOut(PolicyValues):
    id: int
    city: str
    effective_from: date
    created_by: int | None = Field(description="the account that added it; null when seeded")
    created_at: datetime | None
    reason: str | None
    in_force: bool = Field(description="the version in force today")
    scheduled: bool = Field(description="starts after today (待生效)")


class CityOut(Out):
    city: str
    city_en: str | None
    may_change: bool = Field(description="whether the caller may add a version")
    in_force: VersionOut | None
    next_change: VersionOut | None


class OnQuery(Query):
    on: Day | None = Field(None, description="the day (YYYY-MM-DD); default today in Beijing")


class VersionIn(Body):
    """A new version. A field left out copies forward from the version in force the day before
    `effective_from`; null clears a cap or a subsidy (a required setting cannot be null)."""
    model_config = {**Body.model_config, "extra": "forbid"}

    effective_from: Day = Field(description="on or after the first day of the current month")
    reason: str = Field(min_length=1, max_length=200)
    cap_infant_fen: Fen = None
    cap_toddler_fen: Fen = None
    cap_preschool_fen: Fen = None
    cap_mixed_fen: Fen = None
    health_check_valid_days: int | None = None
    second_child_reduction_pct: int | None = None
    third_child_reduction_pct: int | None = None
    max_prepaid_months: int | None = None
    session_quota_per_year: int | None = None
    session_cancel_cutoff_hours: int | None = None
    max_waits: int | None = None
    allowance_fen_per_year: Fen = None
    extra_allowance_fen_per_month: Fen = None
    extra_allowance_from_child: int | None = None
    extra_allowance_born_from: Day | None = None
    operating_subsidy_fen: Fen = None
    operating_min_attendance_pct: int | None = None
    construction_subsidy_fen: Fen = None
    sibling_reward_pct: int | None = None


class WithdrawnOut(Out):
    city: str
    effective_from: date
    withdrawn: bool
