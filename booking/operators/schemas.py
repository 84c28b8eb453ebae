from datetime import date
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Id, Out
from ..inputs import Day


class OperatorIn(Body):
    name: str = Field(min_length=1, max_length=120)
    credit_code: str = Field(min_length=18, max_length=24,
                             description="统一社会信用代码: 18 characters, check character "
                                         "per GB 32100-2015")
    legal_representative: str = Field(min_length=1, max_length=60)
    district: str = Field(min_length=2, max_length=12, description="district of registration")
    contact_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=200)


class OperatorPatch(Body):
    name: str | None = Field(None, min_length=1, max_length=120)
    credit_code: str | None = Field(None, min_length=18, max_length=24)
    legal_representative: str | None = Field(None, min_length=1, max_length=60)
    district: str | None = Field(None, min_length=2, max_length=12)
    contact_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=200)


class OperatorOut(Out):
    id: int
    name: str
    credit_code: str
    legal_representative: str
    district: str
    contact_name: str | None = None
    contact_phone: str | None = None
    address: str | None = None
    centres_in_scope: int | None = None
    places: int | None = None
    enrolled: int | None = None


class LinkIn(Body):
    centre_id: Id
    from_date: Day | None = Field(None, description="first day run by the operator; today "
                                                    "by default, never later")


class UnlinkIn(Body):
    to_date: Day | None = Field(None, description="last day run by the operator; today by "
                                                  "default")


class LinkOut(Out):
    id: int
    centre_id: int
    centre_name: str
    operator_id: int
    operator_name: str
    from_date: date
    to_date: date | None = None
    current: bool


class CentreOperatorOut(Out):
    current: OperatorOut | None = None
    history: list[LinkOut]


class DecideAllIn(Body):
    action: Literal["suspend", "close"]
    reasons: str = Field(min_length=1, max_length=2000)
    effective_on: Day | None = Field(None, description="must be today: the decision takes "
                                                       "effect at once")
    understood: bool = Field(False, description="the families affected are known (required "
                                                "when any is)")


class DecideAllOut(Out):
    operator_id: int
    action: str
    centres: list[int]
