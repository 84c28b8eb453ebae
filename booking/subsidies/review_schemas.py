"""API shapes of the regulator's review of subsidy claims, the reports and the prepaid
liability (docs/subsidies.md)."""
from datetime import datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Out, Query

Month = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
ReviewStatus = Literal["submitted", "approved", "returned", "rejected"]
AnomalyKind = Literal["absent_month", "over_capacity", "claimed_twice", "after_closure"]


class ReviewQuery(Query):
    status: ReviewStatus | None = None
    month: str | None = Month


class AnomalyOut(Out):
    kind: AnomalyKind
    message: str = Field(description="the evidence as a sentence, in the reader's language")
    child_id: int | None
    child_name: str | None
    slot_id: int | None
    other_centre_id: int | None = Field(description="claimed_twice: the other centre")
    other_centre_name: str | None
    numbers: dict = Field(description="the figures behind it (days, capacity, lines, dates)")


class ReviewClaimOut(Out):
    id: int
    centre_id: int
    centre_name: str
    district: str
    month: str
    status: ReviewStatus
    operating_fen: int
    sibling_reward_fen: int
    construction_places: int
    construction_fen: int
    total_fen: int
    approved_fen: int | None
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by: int | None
    decision_reason: str | None
    anomaly_count: int = Field(description="anomalies found now (submitted claims only)")


class ApproveIn(Body):
    amount_fen: int | None = Field(None, ge=0, le=2**31 - 1, description=(
        "the amount approved; default the claim's total; never above it"))
    acknowledge_anomalies: bool = Field(False, description=(
        "required true when the claim has anomalies (else 409 listing them)"))


class ReasonIn(Body):
    reason: str = Field(min_length=1, max_length=2000, description="shown to the centre")


class ReportQuery(Query):
    group: Literal["district", "centre"] = "district"
    first: str | None = Field(None, alias="from", pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                              description="first month, YYYY-MM")
    last: str | None = Field(None, alias="to", pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                             description="last month, YYYY-MM")
    format: Literal["json", "csv", "xlsx"] = Field("json", description=(
        "csv or xlsx: a download with Chinese headers"))


class ReportRowOut(Out):
    city: str
    district: str
    code: str | None = None
    month: str | None = Field(None, description="group=district")
    centre_id: int | None = Field(None, description="group=centre")
    centre: str | None = None
    claims: int
    approved_fen: int


class LiabilityOut(Out):
    centre_id: int
    prepaid_fen: int = Field(description="the families' positive prepaid balances, summed")
    refunds_owed_fen: int = Field(description="refunds due and not yet paid back")
    total_fen: int = Field(description="what the centre would owe families if it closed today")
    families: int
