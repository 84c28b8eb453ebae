from datetime import datetime

from pydantic import Field

from ..api.schemas import Body, Id, Out


class SwitchIn(Body):
    centre_id: Id


class AssignmentOut(Out):
    id: int
    user_id: int
    centre_id: int
    centre_name: str
    staff_role: str
    current: bool
    ended_at: datetime | None = None


class MeCentreOut(Out):
    centre_id: int
    centre_name: str
    staff_role: str
    centres: list[AssignmentOut]


class AssignIn(Body):
    centre_id: Id
    staff_role: str = Field(min_length=1, max_length=12,
                            description="director, carer, health or finance")


class ManagerIn(Body):
    user_id: Id | None = Field(None, description="an existing staff account of one of the "
                                                 "operator's centres; or name, email, password")
    name: str | None = Field(None, max_length=80)
    email: str | None = Field(None, max_length=254)
    password: str | None = Field(None, max_length=128)


class ManagerOut(Out):
    id: int
    operator_id: int
    user_id: int
    centres: list[int]


class OverviewCentreOut(Out):
    centre_id: int
    centre_name: str
    places: int
    enrolled: int
    holds: int
    waiting: int
    billed_fen: int = Field(description="this month's charges less credits (fen)")
    collected_fen: int = Field(description="payments received this month (fen)")
    claim_status: str | None = Field(description="the centre's subsidy claim of claims_month")
    claim_fen: int = Field(description="its amount: approved, else claimed (fen); 0 without")
    open_today: bool
    classes_short: int = Field(description="classes short of carers in some hour today")
    carers_missing: int = Field(description="each short class's worst hour, summed")
    ratio_gaps: int = Field(description="gaps as the ratio check counts them today")


class ClaimStatusOut(Out):
    status: str
    count: int
    amount_fen: int


class OverviewOut(Out):
    operator_id: int
    operator_name: str
    centres: list[OverviewCentreOut]
    fees_month: str
    claims_month: str | None
    billed_fen: int
    collected_fen: int
    claims_by_status: list[ClaimStatusOut]
    classes_short: int
    carers_missing: int
