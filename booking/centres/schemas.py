from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ..api.schemas import Body, Id, Out, PageQuery, Query
from . import geo

Kind = Literal["public", "community_embedded", "employer", "kindergarten_class", "family",
               "medical", "special_needs", "service_hub", "private"]
Band = Literal["infant", "toddler", "preschool", "mixed"]
Category = Literal["public", "affordable", "market"]
CareType = Literal["full_day", "half_day"]


class DistrictIn(Body):
    code: str = Field(min_length=2, max_length=12, pattern=r"^[0-9A-Za-z-]+$")
    name: str = Field(min_length=1, max_length=60)
    city: str = Field(min_length=1, max_length=40)
    population: int = Field(gt=0, le=100_000_000)
    target_per_1000: float = Field(ge=0, le=100)
    name_en: str | None = Field(None, max_length=80)
    city_en: str | None = Field(None, max_length=60)
    population_year: int | None = Field(None, ge=1950, le=2100)


class DistrictOut(Out):
    code: str
    name: str
    city: str
    population: int
    target_per_1000: float
    name_en: str | None = None
    city_en: str | None = None
    population_year: int | None = None


class CentreQuery(PageQuery):
    district: str | None = Field(None, max_length=12)
    city: str | None = Field(None, max_length=40)
    subdistrict: str | None = Field(None, max_length=60)
    age_band: Band | None = None
    category: Category | None = None
    care_type: CareType | None = None
    kind: Kind | None = None
    q: str | None = Field(None, max_length=100, description="Free text; Latin letters also "
                          "match names' pinyin and initials (`yanta`, `ytq` find 雁塔区)")
    has_places: bool = False
    affordable: bool | None = None
    near: str | None = Field(None, max_length=60, description="The origin, `lat,lng` in decimal "
                             "degrees, GCJ-02 (AMap, Tencent) unless `datum=wgs84`: results "
                             "nearest first, each with `distance_km`; centres without "
                             "coordinates last", examples=["34.2231,108.9480"])
    radius_km: float | None = Field(None, gt=0, le=50, description="With `near`: only centres "
                                    "within this many km (centres without coordinates are left "
                                    "out)")
    datum: Literal["gcj02", "wgs84"] = Field("gcj02", description="The datum of `near`: "
                                             "`wgs84` for a raw GPS or browser position, "
                                             "converted to GCJ-02 before comparing")

    @field_validator("near")
    @classmethod
    def _near_is_a_point(cls, value):
        if value is not None:
            try:
                geo.parse_point(value)
            except ValueError:
                raise ValueError("near must be lat,lng in degrees (-90..90, -180..180)")
        return value

    @model_validator(mode="after")
    def _radius_needs_near(self):
        if self.radius_km is not None and self.near is None:
            raise ValueError("radius_km needs near")
        return self

    def origin(self) -> tuple[float, float] | None:
        """`near` in GCJ-02, the datum centres are stored in."""
        if self.near is None:
            return None
        point = geo.parse_point(self.near)
        return geo.wgs84_to_gcj02(*point) if self.datum == "wgs84" else point


class LocationIn(Body):
    latitude: float | None = Field(description="GCJ-02 degrees, as AMap's or Tencent's "
                                   "coordinate picker shows them; null with longitude clears it")
    longitude: float | None = Field(description="GCJ-02 degrees")


class CentreIn(Body):
    name: str = Field(min_length=1, max_length=120)
    kind: Kind
    district: str = Field(min_length=1, max_length=12, description="District code")
    subdistrict: str = Field(min_length=1, max_length=60)
    address: str = Field(min_length=1, max_length=200)
    affordable: bool = Field(False, description=(
        "the authority's own entry: recorded as a 3-year 普惠 grant from today (later ones: "
        "POST /centres/{id}/recognitions, docs/recognition.md)"))
    name_en: str | None = Field(None, max_length=160)
    operator: str | None = Field(None, max_length=160)
    star_rating: int = Field(0, ge=0, le=5, description=(
        "the authority's own entry: recorded as a 3-year star grant from today"))
    opening_hours: str | None = Field(None, max_length=40)
    open_days: str | None = Field(None, max_length=40)
    indoor_area_m2: int | None = Field(None, ge=0, le=1_000_000)
    outdoor_area_m2: int | None = Field(None, ge=0, le=1_000_000)
    phone: str | None = Field(None, max_length=40)
    complaints_channel: str | None = Field(None, max_length=200)
    latitude: float | None = Field(None, description="GCJ-02; with longitude, or neither")
    longitude: float | None = Field(None, description="GCJ-02")


class CentreOut(Out):
    id: int
    name: str
    name_en: str | None = None
    kind: Kind
    district: str
    subdistrict: str
    address: str
    affordable: bool
    star_rating: int
    filing_status: str | None
    places_available: int
    taking_bookings: bool = Field(True, description="False while the filing is suspended or "
                                  "closed: no holds, no waits, no places shown")
    latitude: float | None = Field(None, description="GCJ-02 degrees; null when not set")
    longitude: float | None = Field(None, description="GCJ-02 degrees; null when not set")
    distance_km: float | None = Field(None, description="From `near`, great-circle, rounded to "
                                      "0.01 km; null without `near` or coordinates")


class CentreDetail(CentreOut):
    operator: str | None = None
    opening_hours: str | None = None
    open_days: str | None = None
    phone: str | None = None
    disclosure: dict


class CentrePage(Out):
    items: list[CentreOut]
    total: int
    page: int
    per_page: int


class SlotOut(Out):
    id: int
    centre_id: int
    group_id: int | None = None
    age_band: Band
    care_type: CareType
    category: Category
    capacity: int
    available: int
    monthly_fee_fen: int
    starts_on: date
    bookable: bool = Field(True, description="False when its centre takes no bookings "
                           "(filing suspended or closed); `available` is then 0")


class EligibilityQuery(Query):
    child_id: Id | None = Field(None, description="One of your children; all of them if omitted")


class PlacedOut(Out):
    reservation_id: int
    slot_id: int
    centre_id: int
    centre_name: str
    status: Literal["held", "enrolled"]


class EligibilityOut(Out):
    slot_id: int
    child_id: int
    open: bool = Field(description="The child can hold a place here now (action hold or "
                       "transfer)")
    action: Literal["hold", "transfer", "waitlist", "round"] | None = Field(
        description="What the family can do: hold; hold as a transfer (POST /reservations with "
        "transfer: true); join the waitlist; apply in the allocation round giving out the slot "
        "(round_id); or nothing (null)")
    reason: Literal["not-taking-bookings", "in-round", "here-already", "waiting-here",
                    "age-band", "placed-elsewhere", "full"] | None = Field(
        description="Why the slot is not open as a plain hold (null when it is)")
    message: str | None = Field(description="The reason in words, for the family")
    transfer_possible: bool
    placed: PlacedOut | None = Field(description="The child's live place elsewhere, if any")
    together: list[int] = Field(description="The child's twins/multiples, held with it")
    note: str | None = None
    round_id: int | None = Field(None, description="The allocation round giving out the slot")
