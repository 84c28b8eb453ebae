from datetime import date

from pydantic import Field

from ..api.schemas import Body, Id
from ..centres.schemas import Band, CareType, Category
from ..inputs import Day


class SlotIn(Body):
    age_band: Band
    care_type: CareType
    category: Category
    capacity: int = Field(ge=0, le=1000)
    monthly_fee_fen: int = Field(ge=0, le=10_000_000)
    starts_on: Day
    group_id: Id | None = Field(None)


class SlotPatch(Body):
    capacity: int | None = Field(None, ge=0, le=1000)
    monthly_fee_fen: int | None = Field(None, ge=0, le=10_000_000)
