"""API schemas for sessions and session bookings (validate requests, document the API)."""
from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import Field

from ..api.schemas import Body, Id, Out, PageQuery
from ..inputs import Day

Kind = Literal["occasional", "parent_child"]
Band = Literal["infant", "toddler", "preschool", "mixed"]
BookingStatus = Literal["booked", "cancelled", "attended", "no_show"]
Weekday = Annotated[int, Field(ge=1, le=7)]


class SessionIn(Body):
    """One session on `on_date`; with `weekdays` (ISO: 1 = Monday … 7 = Sunday) and/or
    `repeat_weeks` > 1, a weekly pattern from `on_date` on (no weekdays: on_date's own).
    Times are Beijing time."""

    kind: Kind
    age_band: Band
    on_date: Day
    start_time: time
    end_time: time
    capacity: int = Field(ge=1, le=100)
    price_per_hour_fen: int = Field(0, ge=0, le=100_000)
    subsidised: bool = False
    group_id: Id | None = None
    weekdays: list[Weekday] = Field(default_factory=list, max_length=7)
    repeat_weeks: int = Field(1, ge=1, le=26)


class SessionPatch(Body):
    capacity: int | None = Field(None, ge=1, le=100)
    price_per_hour_fen: int | None = Field(None, ge=0, le=100_000)


class SessionOut(Out):
    id: int
    centre_id: int
    centre_name: str
    district_id: int
    group_id: int | None
    kind: Kind
    age_band: Band
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int
    available: int
    price_per_hour_fen: int
    price_fen: int  # the whole session at the hourly price (0 for a family within its quota)
    subsidised: bool
    pattern_id: int | None
    cancel_cutoff_at: datetime
    cancelled_at: datetime | None


class SessionQuery(PageQuery):
    district_id: Id | None = None
    centre_id: Id | None = None
    from_: Day | None = Field(None, alias="from")
    to: Day | None = None
    age_band: Band | None = None
    kind: Kind | None = None
    has_places: bool = False


class SessionPage(Out):
    items: list[SessionOut]
    total: int
    page: int
    per_page: int


class BookingIn(Body):
    child_id: Id


class AttendanceIn(Body):
    status: Literal["attended", "no_show"]


class BookingOut(Out):
    id: int
    status: BookingStatus
    price_fen: int
    subsidised: bool
    session_id: int
    child_id: int
    centre_id: int
    starts_at: datetime
    ends_at: datetime
    cancel_cutoff_at: datetime
    created_at: datetime
    cancelled_at: datetime | None


class BookingQuery(PageQuery):
    status: BookingStatus | None = None
    session_id: Id | None = None
    centre_id: Id | None = Field(None, description="Only this centre's")
    district: str | None = Field(None, max_length=12, description="Only centres of this district (code)")
    city: str | None = Field(None, max_length=40, description="Only centres of this city")


class BookingPage(Out):
    items: list[BookingOut]
    total: int
    page: int
    per_page: int
