from datetime import datetime
from typing import Literal

from pydantic import EmailStr, Field

from ..api.schemas import Body, Id, Out


StaffRole = Literal["director", "carer", "health", "finance"]
STRONG = {"pattern": "^(?=.*[A-Za-z])(?=.*[0-9]).{8,128}$"}  # documented; the service checks


class RegisterIn(Body):
    email: EmailStr = Field(max_length=254)
    password: str = Field(min_length=8, max_length=128, json_schema_extra=STRONG)
    name: str = Field(min_length=1, max_length=80)
    phone: str | None = Field(None, pattern=r"^1[3-9]\d{9}$")
    # PIPL: a guardian consents to the handling of the child's data. API clients show the
    # notice and send true; omitted means the client showed it (the contract predates it).
    consent: bool = True


class TokenIn(Body):
    email: str = Field(min_length=1, max_length=254, description="Email or phone number")
    password: str = Field(min_length=1, max_length=128)


class UserOut(Out):
    id: int
    email: str | None
    phone: str | None = None
    name: str
    role: Literal["parent", "staff", "regulator", "admin", "institution"]
    centre_id: int | None = None
    staff_role: StaffRole | None = None
    district_id: int | None = None
    locale: str | None = None
    active: bool = True


class TokenUser(Out):
    id: int
    role: Literal["parent", "staff", "regulator", "admin", "institution"]
    name: str
    centre_id: int | None
    staff_role: StaffRole | None = None


class TokenOut(Out):
    token: str
    expires_at: datetime
    user: TokenUser


class UserCreateIn(Body):
    email: EmailStr = Field(max_length=254)
    password: str = Field(min_length=8, max_length=128, json_schema_extra=STRONG)
    name: str = Field(min_length=1, max_length=80)
    role: Literal["parent", "staff", "regulator", "admin"]
    centre_id: Id | None = Field(None)
    district: str | None = Field(None, max_length=12)
    city: str | None = Field(None, max_length=40)


class UserPatchIn(Body):
    """Only the fields sent change. A regulator's scope changes when any of `district`, `city`
    or `national` is sent, and must then name exactly one (`national` only as true)."""
    name: str | None = Field(None, min_length=1, max_length=80)
    email: EmailStr | None = Field(None, max_length=254)
    phone: str | None = Field(None, pattern=r"^1[3-9]\d{9}$")
    district: str | None = Field(None, max_length=12)
    city: str | None = Field(None, max_length=40)
    national: bool | None = None
class StaffAccountIn(Body):
    name: str = Field(min_length=1, max_length=80)
    email: EmailStr = Field(max_length=254)
    staff_role: StaffRole


class StaffAccountPatch(Body):
    """Change the staff role, or deactivate (`active: false`; there is no reactivating)."""
    staff_role: StaffRole | None = None
    active: Literal[False] | None = None


class StaffAccountOut(Out):
    id: int
    name: str
    email: str | None
    centre_id: int
    staff_role: StaffRole
    active: bool
    invitation_pending: bool = Field(description="No password set yet")
    invitation_url: str | None = Field(None, description="Only in the answer to the invitation")
