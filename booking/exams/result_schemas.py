"""The API's shapes for examinations (docs/exams.md, "Results")."""
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Out
from ..inputs import Day

System = Literal["skin", "eyes", "ears", "nose_throat", "mouth_teeth", "head_neck", "chest",
                 "heart_lungs", "abdomen", "spine_limbs", "genitals", "other"]


class FindingIn(Body):
    normal: bool
    note: str | None = Field(None, max_length=200, description="required when abnormal")


class ExamResultIn(Body):
    examined_on: Day = Field(description="not in the future, not before the session's day")
    history: str | None = Field(None, max_length=2000, description="既往病史, 过敏史")
    height_cm: float | None = Field(None, description="40–130; needed to sign")
    weight_kg: float | None = Field(None, description="1–40; needed to sign")
    findings: dict[System, FindingIn] = Field(default_factory=dict, description=(
        "the physical examination by system of the national form"))
    haemoglobin_g_l: int | None = Field(None, description="30–250")
    vision: Literal["pass", "refer"] | None = None
    hearing: Literal["pass", "refer"] | None = None
    vaccination_checked: bool = Field(False, description="the vaccination record was checked; "
                                      "needed to sign")
    vaccination_note: str | None = Field(None, max_length=200)
    conclusion: Literal["pass", "fail", "follow_up"] | None = Field(
        None, description="needed to sign")
    follow_up_actions: str | None = Field(None, max_length=1000, description=(
        "follow_up: what is to be done; required"))
    follow_up_by: Day | None = Field(None, description="follow_up: by when, a future day; "
                                     "required")


class FindingOut(Out):
    normal: bool
    note: str | None = None


class ExamResultOut(Out):
    id: int
    appointment_id: int
    child_id: int
    institution_id: int
    status: Literal["draft", "signed"]
    examined_on: date
    history: str | None
    height_cm: float | None
    weight_kg: float | None
    findings: dict[str, FindingOut]
    haemoglobin_g_l: int | None
    vision: str | None
    hearing: str | None
    vaccination_checked: bool
    vaccination_note: str | None
    conclusion: str | None
    follow_up_actions: str | None
    follow_up_by: date | None
    entered_by: int
    entered_at: datetime
    signed_by: int | None
    signed_at: datetime | None
    health_check_id: int | None = Field(description="the verified intake check it became")


class ExamRecordOut(Out):
    appointment_id: int
    child_id: int
    child_name: str
    birth_date: date
    session_items: list[str] = Field(description="what the session examines")
    result: ExamResultOut | None = Field(description="None until the first draft is saved")


class FamilyExamResultOut(Out):
    id: int
    child_id: int
    institution: str
    examined_on: date
    conclusion: str
    follow_up_actions: str | None
    follow_up_by: date | None
    height_cm: float | None
    weight_kg: float | None
    haemoglobin_g_l: int | None
    vision: str | None
    hearing: str | None
    vaccination_checked: bool
    findings: dict[str, FindingOut]
    signed_by_name: str
    signed_at: datetime
    health_check_id: int
