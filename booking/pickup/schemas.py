from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Id, Out

PHONE = r"^\+?[0-9][0-9 \-]{5,18}[0-9]$"
ID_LAST4 = r"^[0-9]{3}[0-9Xx]$"


class PickupPersonIn(Body):
    name: str = Field(min_length=1, max_length=80)
    relation: str = Field(min_length=1, max_length=20, description="e.g. 外婆, 保姆")
    phone: str = Field(max_length=20, pattern=PHONE)
    id_last4: str = Field(pattern=ID_LAST4,
                          description="the last four characters of the ID card number")


class PickupPersonPatch(Body):
    name: str | None = Field(None, min_length=1, max_length=80)
    relation: str | None = Field(None, min_length=1, max_length=20)
    phone: str | None = Field(None, max_length=20, pattern=PHONE)
    id_last4: str | None = Field(None, pattern=ID_LAST4)
    drop_photo: bool = False


class PickupPersonOut(Out):
    id: int
    child_id: int
    name: str
    relation: str
    phone: str
    id_last4: str
    has_photo: bool = Field(description="photos are added on the web page; read one at "
                                        "…/pickup-people/{person_id}/photo")
    added_at: datetime
    removed_at: datetime | None


class GuardianOut(Out):
    user_id: int
    name: str
    relation: Literal["mother", "father", "guardian"]
    phone: str | None


class PickupListOut(Out):
    guardians: list[GuardianOut] = Field(description="always authorised, first")
    people: list[PickupPersonOut]


class DepartureIn(Body):
    person_id: Id | None = Field(None, description="a person on the child's pickup list")
    guardian_id: Id | None = Field(None, description="one of the child's guardians (user id)")
    unlisted_name: str | None = Field(None, max_length=80, description=(
        "an exception: someone not on the list, with `reason`; every guardian is told at once"))
    reason: str | None = Field(None, max_length=500)


class DepartureOut(Out):
    reservation_id: int
    on_date: date
    arrived_at: datetime | None
    departed_at: datetime | None
    collected_by: str | None
    collector: Literal["guardian", "listed", "unlisted"]
    person_id: int | None
    guardian_id: int | None
