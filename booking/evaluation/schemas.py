from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Out, Query

ITEMS_DOC = ("points per checklist item code (GET /api/v1/evaluation/checklist); each from 0 "
             "to the item's max_points")


class ChecklistItemOut(Out):
    code: str
    dimension: str
    label: str
    max_points: int
    basic: bool = Field(description="a basic indicator (基本指标): failing it grades D")


class ChecklistDimensionOut(Out):
    key: str
    label: str
    total: int
    items: list[ChecklistItemOut]


class SelfAssessmentIn(Body):
    items: dict[str, int] = Field(description=ITEMS_DOC + "; a draft may leave items out")
    notes: dict[str, str] = Field(default_factory=dict, description="a note per item code")
    failed: list[str] = Field(default_factory=list, description="basic items not met")
    submit: bool = Field(False, description="submit the draft (every item needed)")


class FixItemIn(Body):
    code: str = Field(description="the checklist item")
    what: str = Field(min_length=1, max_length=1000)
    due_on: date = Field(description="not before the inspection")


class ItemInspectionIn(Body):
    inspected_on: date = Field(description="not in the future")
    items: dict[str, int] = Field(description=ITEMS_DOC + "; every item")
    notes: dict[str, str] = Field(default_factory=dict)
    failed: list[str] = Field(default_factory=list, description="basic items not met "
                              "(a basic item scored 0 fails too)")
    findings: str | None = Field(None, max_length=4000)
    fix_items: list[FixItemIn] = Field(default_factory=list)


class EvaluationItemOut(Out):
    code: str
    points: int
    failed: bool
    note: str | None
    self_points: int | None = Field(None, description="the centre's latest submitted "
                                    "self-assessment, beside an inspection's item")


class FixItemOut(Out):
    id: int
    evaluation_id: int
    centre_id: int
    code: str
    what: str
    due_on: date
    status: Literal["open", "reported", "verified"]
    state: Literal["open", "due_soon", "overdue", "reported", "verified"]
    fixed_on: date | None
    fix_note: str | None
    verified_on: date | None
    returned_reason: str | None


class EvaluationOut(Out):
    id: int
    centre_id: int
    kind: Literal["self", "inspection"]
    status: Literal["draft", "submitted", "recorded"]
    evaluated_on: date
    score: int | None
    grade: str | None = Field(description="an inspection's grade (A–D); a self-assessment's "
                              "as its items would grade")
    basic_failed: bool
    inspection_id: int | None
    submitted_at: datetime | None
    items: list[EvaluationItemOut]
    fix_items: list[FixItemOut]


class FixReportIn(Body):
    fixed_on: date | None = Field(None, description="default today")
    note: str | None = Field(None, max_length=1000)


class FixVerifyIn(Body):
    on_date: date | None = Field(None, description="default today")


class FixReturnIn(Body):
    reason: str = Field(min_length=1, max_length=1000)
    due_on: date | None = Field(None, description="a new deadline, not before today")


class FixItemsQuery(Query):
    overdue: bool = Field(False, description="only those still open after their deadline")


class GradeHistoryOut(Out):
    inspected_on: date
    grade: str
    score: int | None
