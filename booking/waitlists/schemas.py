from datetime import datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Id, Out


class WaitlistIn(Body):
    slot_id: Id
    child_id: Id
    tier: Literal["special_needs", "employer_staff", "district_resident"] | None = Field(
        None, description="A priority the family claims; staff check the evidence")
    evidence: str | None = Field(None, max_length=500)
    employer_id: Id | None = Field(
        None, description="With tier employer_staff: the employer, among the slot's quota "
                          "employers (GET /slots/{id}/employer-quotas)")


class WaitlistOut(Out):
    id: int
    status: Literal["waiting", "offered", "accepted", "expired", "withdrawn"]
    position: int | None
    priority: int
    tier: str
    slot_id: int
    child_id: int
    unit_size: int
    offer_expires_at: datetime | None
    reservation_id: int | None
    choice_rank: int | None = Field(description=(
        "the family's ranking among the child's live waits (志愿, 1 = most wanted); null once "
        "the wait ended"))


class WaitlistJoinOut(WaitlistOut):
    entries: list[WaitlistOut] = []


class WaitsRankIn(Body):
    entry_ids: list[Id] = Field(max_length=100, description=(
        "Every live wait of the child (waiting or offered), most wanted first; the twins' "
        "waits at the same slots follow"))
