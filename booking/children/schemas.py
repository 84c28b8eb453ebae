from datetime import date

from pydantic import Field

from ..api.schemas import Body, Out


class ChildIn(Body):
    name: str = Field(min_length=1, max_length=80)
    birth_date: date
    twin_of: int | None = Field(None, ge=1, description="Id of a twin already registered")


class ChildOut(Out):
    id: int
    name: str
    birth_date: date
    age_months: int
