from datetime import date

from pydantic import Field

from ..api.schemas import Body, Id, Out
from ..inputs import Day


class EmployerIn(Body):
    name: str = Field(min_length=1, max_length=120)
    credit_code: str = Field(min_length=18, max_length=24,
                             description="统一社会信用代码: 18 characters, check character "
                                         "per GB 32100-2015")
    contact_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=20)


class EmployerOut(Out):
    id: int
    name: str
    credit_code: str
    contact_name: str | None = None
    contact_phone: str | None = None
    places: int = Field(description="places reserved over all the centre's slots")
    used: int = Field(description="of those, held or enrolled by children of its employees")
    free: int


class QuotaIn(Body):
    employer_id: Id
    places: int = Field(ge=1, le=1000)
    reserved_until: Day | None = Field(
        None, description="last day (Beijing) the places are held for the employer; then "
                          "they open to everyone. None: held while the slot runs")


class QuotasIn(Body):
    quotas: list[QuotaIn] = Field(max_length=50,
                                  description="the slot's whole set of quotas; [] removes all")


class QuotaOut(Out):
    employer_id: int
    employer_name: str
    places: int
    used: int
    free: int
    reserved_until: date | None = None
    reserving: bool = Field(description="the cut-off has not passed: free places are held")
