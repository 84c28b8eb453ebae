from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Out


class AlertChildOut(Out):
    child_id: int
    name: str
    group_id: int | None
    sources: list[Literal["absence", "morning_check"]]
    ill_since: date | None


class AlertOut(Out):
    id: int
    centre_id: int
    centre_name: str
    group_id: int | None = Field(description="the class; null for the whole centre")
    group_name: str | None
    symptom: Literal["fever", "cough", "diarrhoea", "vomiting", "rash", "jaundice"]
    scope: Literal["class", "centre"]
    min_children: int = Field(description="the rule's threshold")
    window_days: int = Field(description="the rule's window in days")
    window_starts_on: date
    window_ends_on: date
    count: int = Field(description="children counted")
    opened_at: datetime
    acknowledged_at: datetime | None
    note: str | None = Field(description="what the centre did, written when acknowledging")
    children: list[AlertChildOut] | None = Field(description=(
        "the children, for the centre's director and health worker; null for regulators, "
        "who see counts only"))


class AcknowledgeIn(Body):
    note: str = Field(min_length=1, max_length=1000, description=(
        "what was done: reported to the CDC, classes disinfected, ..."))
