"""API schemas for health institutions, exam sessions, appointments and counts."""
from datetime import date, datetime, time
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Id, Out, PageQuery, Query
from ..inputs import Day

Kind = Literal["maternal_child", "community", "hospital"]
Item = Literal["history", "anthropometry", "physical", "haemoglobin", "vision", "hearing",
               "vaccination"]
Status = Literal["booked", "cancelled", "no_show", "examined"]
InstitutionRole = Literal["doctor", "nurse", "clerk"]


class InstitutionIn(Body):
    name: str = Field(min_length=1, max_length=120)
    kind: Kind
    district_id: Id
    address: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=20)
    cancel_cutoff_hours: int = Field(24, ge=0, le=168)


class InstitutionPatch(InstitutionIn):
    active: bool | None = None


class InstitutionOut(Out):
    id: int
    name: str
    kind: Kind
    district_id: int
    address: str | None
    phone: str | None
    cancel_cutoff_hours: int
    active: bool


class InstitutionAccountIn(Body):
    name: str = Field(min_length=1, max_length=80)
    role: InstitutionRole
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=20)
    password: str = Field(min_length=1, max_length=200)


class InstitutionAccountOut(Out):
    id: int
    name: str
    role: InstitutionRole
    login: str
    active: bool


class ExamSessionIn(Body):
    """One session on `on_date` (Beijing times); `days` > 1 publishes one on each of that
    many working days from on_date."""

    on_date: Day
    start_time: time
    end_time: time
    capacity: int = Field(ge=1, le=200)
    items: list[Item] = Field(min_length=1, max_length=7)
    bring: str | None = Field(None, max_length=500)
    days: int = Field(1, ge=1, le=14)


class ExamSessionOut(Out):
    id: int
    institution_id: int
    institution_name: str
    district_id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int
    available: int
    items: list[str]
    bring: str | None
    cancel_cutoff_at: datetime
    cancelled_at: datetime | None


class ExamSessionQuery(PageQuery):
    district_id: Id | None = None
    institution_id: Id | None = None
    from_: Day | None = Field(None, alias="from")
    has_places: bool = False


class ExamSessionPage(Out):
    items: list[ExamSessionOut]
    total: int
    page: int
    per_page: int


class ExamSessionCancelIn(Body):
    reason: str | None = Field(None, max_length=200)


class AppointmentIn(Body):
    session_id: Id
    reservation_id: Id | None = None


class ExamMoveIn(Body):
    session_id: Id


class ExamMarkIn(Body):
    status: Literal["arrived", "no_show"]


class AppointmentOut(Out):
    id: int
    status: Status
    session_id: int
    child_id: int
    institution_id: int
    starts_at: datetime
    ends_at: datetime
    reservation_id: int | None
    cancel_cutoff_at: datetime
    created_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None
    moved_to_id: int | None
    marked_at: datetime | None


class SessionAppointmentOut(AppointmentOut):
    """The institution's list: the child's name for its own bookings, nothing more."""
    child_name: str


class SuggestionQuery(Query):
    reservation_id: Id | None = None


class SuggestionOut(Out):
    session: ExamSessionOut | None
    earliest: date = Field(description="The first exam day still valid on the start date")
    latest: date | None = Field(description="The hold's start date (exam before it)")
    valid_days: int
    reason: str


class ExamStatsQuery(Query):
    from_: Day | None = Field(None, alias="from")
    to: Day | None = None


class ExamCounts(Out):
    """The counts shared by an institution's row and a district's (docs/exams.md)."""

    booked: int
    examined: int
    no_shows: int
    signed: int
    passed: int
    pass_rate: float | None
    wait_days: int | None


class InstitutionStats(ExamCounts):
    institution_id: int
    institution: str
    kind: Kind
    district_id: int
    district: str


class DistrictStats(ExamCounts):
    district_id: int
    district: str
    institutions: int


class ExamStatsOut(Out):
    institutions: list[InstitutionStats]
    districts: list[DistrictStats]
