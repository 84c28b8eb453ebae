"""The daily record's API shapes (docs/daily.md, docs/api.md)."""
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Id, Out
from ..inputs import Instant

Meal = Literal["breakfast", "morning_snack", "lunch", "afternoon_snack", "dinner"]
Amount = Literal["none", "some", "most", "all"]
Toilet = Literal["wet", "dirty", "dry", "potty_wee", "potty_poo"]
Mood = Literal["happy", "calm", "tired", "fussy", "upset"]
State = Literal["present", "departed", "sent_home", "absent", "not_arrived"]


class DailyEntriesIn(Body):
    """One thing logged for each child listed (all or none)."""
    child_ids: list[Id] = Field(min_length=1, max_length=60)
    action: Literal["meal", "nap_start", "nap_end", "toilet", "mood", "note"]
    meal: Meal | None = None
    amount: Amount | None = None
    toilet: Toilet | None = None
    mood: Mood | None = None
    note: str | None = Field(None, max_length=1000)
    at: Instant | None = None  # when it happened (today); now when left out


class DailyEntryPatch(Body):
    """A correction on the entry's own day: only the fields its kind has."""
    meal: Meal | None = None
    amount: Amount | None = None
    toilet: Toilet | None = None
    mood: Mood | None = None
    note: str | None = Field(None, max_length=1000)
    at: Instant | None = None
    ends_at: Instant | None = None


class DailyPhotoIn(Body):
    """A JPEG or PNG, base64-encoded, at most TUOWEI_MAX_ATTACHMENT_BYTES once decoded."""
    filename: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(min_length=1)
    caption: str | None = Field(None, max_length=1000)


class DailyEntryOut(Out):
    id: int
    child_id: int
    reservation_id: int
    on_date: date
    kind: Literal["meal", "nap", "toilet", "mood", "note", "photo"]
    at: datetime
    ends_at: datetime | None
    meal: Meal | None
    amount: Amount | None
    toilet: Toilet | None
    mood: Mood | None
    note: str | None
    photo_url: str | None  # the photo itself, under the same rules as the record
    photo_type: str | None
    recorded_at: datetime
    changed_at: datetime | None


class RemovedOut(Out):
    id: int
    removed: bool


class AttendanceOut(Out):
    arrived_at: datetime | None
    brought_by: str | None
    temperature_c: float | None
    morning_check_passed: bool | None
    observations: str | None
    departed_at: datetime | None
    collected_by: str | None
    absent: bool


class MealOut(Out):
    meal: Meal
    amount: Amount


class SummaryOut(Out):
    meals: list[MealOut]
    naps: int
    nap_minutes: int
    napping_since: datetime | None
    toilets: int
    mood: Mood | None
    notes: int
    photos: int


class CentreDayOut(Out):
    centre_id: int
    centre_name: str
    reservation_id: int
    attendance: AttendanceOut | None
    entries: list[DailyEntryOut]
    summary: SummaryOut


class DayOut(Out):
    child_id: int
    on_date: date
    centres: list[CentreDayOut]


class DayListOut(Out):
    on_date: date
    arrived_at: datetime | None
    departed_at: datetime | None
    absent: bool
    entries: int
    photos: int


class DayPage(Out):
    items: list[DayListOut]
    total: int
    page: int
    per_page: int


class ClassChildOut(Out):
    child_id: int
    name: str
    reservation_id: int
    state: State
    selectable: bool  # may meals, naps and nappies be logged for the child now
    care_notes: list[str]  # allergies and dietary restrictions to keep in mind
    napping_since: datetime | None
    meals: list[Meal]
    toilets: int
    mood: Mood | None
