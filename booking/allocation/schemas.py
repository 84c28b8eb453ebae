from datetime import datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Id, Out
from ..inputs import Instant

Tier = Literal["closure_transfer", "sibling", "special_needs", "employer_staff",
               "second_third_child", "district_resident", "everyone"]


class RoundIn(Body):
    name: str = Field(max_length=200)
    slot_ids: list[Id] = Field(max_length=20000)
    opens_at: Instant
    closes_at: Instant
    max_choices: int = Field(5, ge=-1000, le=1000, description="1 to 10")
    tiers: list[Tier] | None = Field(None, max_length=10, description=(
        "The waitlist tiers that count, highest first (default: all, in the national order); "
        "`everyone` is always last"))
    offer_days: int = Field(7, ge=-1000, le=1000, description="days a family has to answer "
                                                               "an offer, 1 to 60")


class RoundOut(Out):
    id: int
    name: str
    status: Literal["draft", "open", "closed", "drawn"]
    slot_ids: list[int]
    opens_at: datetime
    closes_at: datetime
    max_choices: int
    tiers: list[str]
    offer_days: int
    seed_sha256: str | None = Field(description="SHA-256 of the secret seed, public from opening")
    inputs_sha256: str | None = Field(description="SHA-256 of the drawn inputs, once drawn")
    applications: int


class ApplicationIn(Body):
    child_id: Id
    choices: list[Id] = Field(max_length=50, description="slot ids, most wanted first")
    tier: Literal["special_needs", "employer_staff", "district_resident"] | None = Field(
        None, description="A priority the family claims; checked before the window closes")
    evidence: str | None = Field(None, max_length=500)


class ChoicesIn(Body):
    choices: list[Id] = Field(max_length=50, description="slot ids, most wanted first")


class EvidenceIn(Body):
    accepted: bool


class ExplanationOut(Out):
    choice_rank: int
    slot_id: int
    outcome: str
    text: str


class ApplicationOut(Out):
    id: int
    round_id: int
    child_id: int
    child_ids: list[int]
    size: int
    choices: list[int]
    priority: int
    tier: str
    claimed_tier: str | None
    evidence_status: str | None
    status: Literal["submitted", "withdrawn", "offered", "unplaced", "accepted", "declined",
                    "lapsed", "replaced"] = Field(description=(
        "`lapsed`: the offer's deadline passed unanswered; `replaced`: the offer ended because "
        "the family took a place it ranked higher, offered later"))
    lottery: float | None
    slot_id: int | None
    choice_rank: int | None
    reservation_ids: list[int]
    explanations: list[ExplanationOut] = []


class ResultItemOut(Out):
    application_id: int
    priority: int
    lottery: float
    slot_id: int | None
    choice_rank: int | None
    reservation_id: int | None


class CutoffOut(Out):
    slot_id: int
    priority: int
    lottery: float


class ResultsOut(Out):
    round_id: int
    seed: str
    seed_sha256: str
    inputs_sha256: str
    algorithm: str
    items: list[ResultItemOut]
    cutoffs: list[CutoffOut]
