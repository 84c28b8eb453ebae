from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Out
from ..inputs import Day

Symptom = Literal["fever", "cough", "diarrhoea", "vomiting", "rash", "jaundice", "other"]


class AbsenceIn(Body):
    starts_on: Day = Field(description="today or later, at most 60 days ahead")
    ends_on: Day | None = Field(None, description="the last day away; omitted: one day; at "
                                                 "most 31 days from starts_on")
    reason: Literal["illness", "family"]
    symptoms: list[Symptom] = Field([], max_length=7, description=(
        "for an illness, at least one; none for family reasons"))
    symptom_other: str | None = Field(None, max_length=200,
                                      description='the words for "other" (required with it)')
    note: str | None = Field(None, max_length=500)


class AbsenceOut(Out):
    id: int
    child_id: int
    reservation_id: int
    centre_id: int
    starts_on: date
    ends_on: date
    reason: Literal["illness", "family", "unknown"]
    symptoms: list[Symptom]
    symptom_other: str | None
    note: str | None
    source: Literal["guardian", "staff_follow_up"] = Field(
        description="the family reported it, or the staff's follow-up call found it")
    reached: bool | None = Field(description="follow-up calls only: was the family reached")
    reported_at: datetime
    withdrawn_at: datetime | None
