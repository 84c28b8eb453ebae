from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Id, Out, Query
from ..inputs import Day


class HealthNoteIn(Body):
    kind: Literal["allergy", "diet", "condition", "medication"]
    title: str = Field(min_length=1, max_length=80, description=(
        "the allergen, the dietary restriction, the condition or the medicine"))
    severity: Literal["mild", "moderate", "severe"] | None = Field(
        None, description="allergies: required")
    reaction: str | None = Field(None, max_length=200, description="allergies: what happens")
    details: str | None = Field(None, max_length=2000)
    dose: str | None = Field(None, max_length=80, description="medication: required")
    schedule: str | None = Field(None, max_length=120, description=(
        "medication: when to give it, e.g. 午饭后; required"))
    starts_on: Day | None = Field(None, description="medication: first day; required")
    ends_on: Day | None = Field(None, description="medication: last day; required")
    signed_by: Id | None = Field(None, description=(
        "medication: the guardian who signed the permission; a guardian entering it signs it "
        "(leave out), the centre names one of the child's guardians"))


class HealthNoteOut(Out):
    id: int
    child_id: int
    kind: Literal["allergy", "diet", "condition", "medication"]
    title: str
    severity: Literal["mild", "moderate", "severe"] | None
    reaction: str | None
    details: str | None
    dose: str | None
    schedule: str | None
    starts_on: date | None
    ends_on: date | None
    signed_by: int | None
    entered_as: Literal["guardian", "centre"] = Field(description=(
        "who entered it: the family, or the centre's director or health worker"))
    created_at: datetime
    removed_at: datetime | None


class MeasurementIn(Body):
    measured_on: Day
    height_cm: float | None = Field(None, description=(
        "length lying down under 2 years, height standing from 2; 40–130"))
    weight_kg: float | None = Field(None, description="1–40")
    measured_by: Literal["guardian", "centre", "institution"] | None = Field(None, description=(
        "guardians: guardian (default) or institution; the centre: centre (default) or "
        "institution"))


class ZScoresOut(Out):
    wfa: float | None = Field(description="weight-for-age z-score (WHO 2006)")
    lhfa: float | None = Field(description="length/height-for-age z-score")
    wflh: float | None = Field(description="weight-for-length/height z-score")
    below: list[Literal["wfa", "lhfa", "wflh"]] = Field(description="indicators below −2 SD")
    flagged: bool = Field(description="below −2 SD on any indicator")
    implausible: bool = Field(description="a z-score WHO calls implausible: check the numbers")
    missing: Literal["sex", "age"] | None = Field(description=(
        "why no z-score: the child's sex is not recorded, or the child is over 5 years"))


class MeasurementOut(Out):
    id: int | None = Field(description="null for the intake health check's numbers")
    child_id: int
    measured_on: date
    age_days: int
    height_cm: float | None
    weight_kg: float | None
    measured_by: Literal["guardian", "centre", "institution", "intake"]
    health_check_id: int | None
    z: ZScoresOut


class GrowthOut(Out):
    child_id: int
    sex: Literal["f", "m"] | None
    birth_date: date
    flagged: bool = Field(description="the latest point is below −2 SD")
    points: list[MeasurementOut]


class GrowthFlagOut(Out):
    child_id: int
    child_name: str
    group_id: int | None
    flagged: bool
    latest: MeasurementOut | None


class FlagsQuery(Query):
    group_id: Id | None = Field(None, description="one class of the centre")


class SexIn(Body):
    sex: Literal["f", "m"]
