from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Out

Scheme = Literal["national", "city"]
Status = Literal["applied", "approved", "paid", "rejected"]


class EntitlementRuleOut(Out):
    scheme: Scheme
    effective_from: date = Field(description="the policy version's first day")
    rate_fen: int
    per: Literal["year", "month"]
    days: int = Field(description="days of the month counted (entitled and in force)")
    days_in_month: int


class EntitlementMonthOut(Out):
    month: str = Field(description="YYYY-MM")
    national_fen: int
    city_fen: int
    total_fen: int
    future: bool
    rule: list[EntitlementRuleOut]
    reasons: list[Literal["no_policy", "not_qualified"]]
    rule_text: str = Field(description="the rule in the reader's language")


class EntitlementYearOut(Out):
    year: int
    national_fen: int
    city_fen: int
    total_fen: int


class EntitlementsOut(Out):
    child_id: int
    city: str | None = Field(description="null until a guardian chooses one (no centre's city "
                             "to assume); nothing is computed then")
    city_source: Literal["declared", "centre"] | None
    birth_order: int | None
    third_birthday: date
    months: list[EntitlementMonthOut]
    years: list[EntitlementYearOut]
    total_fen: int


class SubsidyCityIn(Body):
    city: str | None = Field(None, max_length=40, description="a city with a policy; null "
                             "or empty: the city of the centre caring for the child")


class SubsidyCityOut(Out):
    child_id: int
    city: str | None
    city_source: Literal["declared", "centre"] | None


class AllowanceApplicationIn(Body):
    scheme: Scheme
    city: str | None = Field(None, max_length=40, description="default: the child's subsidy city")
    applied_on: date = Field(description="not in the future")
    reference: str | None = Field(None, max_length=60, description="the office's reference")
    note: str | None = Field(None, max_length=200)


class AllowanceStatusIn(Body):
    status: Status = Field(description=(
        "applied → approved | rejected; approved → paid; anything else is 409"))
    status_on: date = Field(description="not in the future, nor before the last status")
    amount_fen: int | None = Field(None, ge=0, le=2**31 - 1, description="what the office "
                                   "reported paying")
    note: str | None = Field(None, max_length=200)


class AllowanceApplicationOut(Out):
    id: int
    child_id: int
    scheme: Scheme
    city: str
    applied_on: date
    reference: str | None
    status: Status
    status_on: date
    amount_fen: int | None
    note: str | None
    created_at: datetime
