from datetime import date

from pydantic import Field

from ..api.schemas import Body, Id, Out


class ChildIn(Body):
    name: str = Field(min_length=1, max_length=80)
    birth_date: date
    twin_of: Id | None = Field(None, description="Id of a twin already registered")


class ChildOut(Out):
    id: int
    name: str
    birth_date: date
    age_months: int
