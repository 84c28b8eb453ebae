from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from ..api.schemas import Body, Out

Kind = Literal["affordable", "star"]
Status = Literal["applied", "granted", "refused", "withdrawn", "expired"]


class RecognitionApplyIn(Body):
    kind: Kind
    stars: int | None = Field(None, ge=1, le=5, description="for a star rating: 1 to 5")


class RecognitionGrantIn(Body):
    valid_from: date | None = Field(None, description=(
        "default today, or for a renewal the day after the current grant ends"))
    valid_until: date | None = Field(None, description="default the last day of 3 years")


class RecognitionReasonIn(Body):
    reason: str = Field(min_length=1, max_length=1000)


class RecognitionCriterion(Out):
    code: Literal["fees_within_cap", "places", "inspection_grade", "complaints_upheld_12m"]
    value: Any = Field(description="fees_within_cap: the affordable slots above the cap "
                       "(slot_id, fee_fen, cap_fen); places: capacity; inspection_grade: A–D "
                       "or null; complaints_upheld_12m: a count")
    met: bool | None = Field(description="null: shown for the regulator's judgement")


class RecognitionOut(Out):
    id: int
    centre_id: int
    centre_name: str
    kind: Kind
    stars: int | None
    status: Status
    in_force: bool = Field(description="granted and today within valid_from..valid_until")
    applied_at: datetime
    decided_at: datetime | None
    valid_from: date | None
    valid_until: date | None
    reason: str | None
    criteria: list[RecognitionCriterion] = Field(description="computed now, from live data")
