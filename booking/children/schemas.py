from datetime import date

from pydantic import Field

from ..api.schemas import Body, Id, Out
from ..inputs import Day


class ChildIn(Body):
    name: str = Field(min_length=1, max_length=80)
    birth_date: Day
    twin_of: Id | None = Field(None, description="Id of a twin already registered")
    older_siblings: int = Field(0, ge=0, le=10, description=(
        "Older brothers and sisters, registered here or not (second/third-child fee reduction)"))


class ChildOut(Out):
    id: int
    name: str
    birth_date: date
    age_months: int
    older_siblings: int = 0


class AccountDeleteIn(Body):
    password: str = Field(min_length=1, max_length=200, description="The account's password")
