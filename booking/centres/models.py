"""Districts, centres (托育机构) and their classes (班级)."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..clock import now
from ..extensions import db
from ..policy.models import CityPolicy  # noqa: F401 - long imported from here
from ..types import UTCDateTime, enum_check
from .bands import AGE_BANDS, CENTRE_KINDS
from .pinyin import INITIALS_MAX, PINYIN_MAX, keys

# A point is both coordinates or neither; GCJ-02 degrees (docs/search.md). Written as column
# checks so that SQLite can add and drop the columns without rebuilding the table (0022).
LATITUDE_CHECK = "latitude IS NULL OR latitude BETWEEN -90 AND 90"
LONGITUDE_CHECK = ("(longitude IS NULL) = (latitude IS NULL) AND "
                   "(longitude IS NULL OR longitude BETWEEN -180 AND 180)")


class _Located:
    """Coordinates (GCJ-02) and the pinyin keys of the name, shared by districts and centres."""

    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    name_pinyin: Mapped[str | None] = mapped_column(String(PINYIN_MAX))
    name_initials: Mapped[str | None] = mapped_column(String(INITIALS_MAX))

    @validates("name")
    def _fill_pinyin(self, _key, name):
        self.name_pinyin, self.name_initials = keys(name)
        return name

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return self.latitude, self.longitude


class District(_Located, db.Model):
    """A county-level division; its point is the reference seeds place centres around and a
    parent may measure distances from (docs/search.md)."""

    __tablename__ = "district"
    __table_args__ = (
        CheckConstraint("population > 0", name="population_positive"),
        CheckConstraint("target_per_1000 >= 0", name="target_nonnegative"),
        CheckConstraint(LATITUDE_CHECK, name="latitude_range"),
        CheckConstraint(LONGITUDE_CHECK, name="longitude_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str | None] = mapped_column(String(80))
    city: Mapped[str] = mapped_column(String(40), index=True)
    city_en: Mapped[str | None] = mapped_column(String(60))
    population: Mapped[int] = mapped_column(Integer)
    population_year: Mapped[int | None] = mapped_column(Integer)
    target_per_1000: Mapped[float] = mapped_column(Numeric(5, 2, asdecimal=False))

    centres: Mapped[list["Centre"]] = relationship(back_populates="district")


class Centre(_Located, db.Model):
    """A childcare centre (托育机构). Bookable only while its filing is approved."""

    __tablename__ = "centre"
    __table_args__ = (
        CheckConstraint(enum_check("kind", CENTRE_KINDS), name="kind"),
        CheckConstraint("star_rating BETWEEN 0 AND 5", name="star_rating"),
        CheckConstraint("indoor_area_m2 IS NULL OR indoor_area_m2 >= 0", name="indoor_area"),
        CheckConstraint("outdoor_area_m2 IS NULL OR outdoor_area_m2 >= 0", name="outdoor_area"),
        CheckConstraint(LATITUDE_CHECK, name="latitude_range"),
        CheckConstraint(LONGITUDE_CHECK, name="longitude_range"),
        # The distance search's prefilter, the radius's bounding box (centres/nearby.py): a
        # range on latitude, longitude checked in the index before any row is read.
        db.Index("ix_centre_point", "latitude", "longitude"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable key for seeds and imports; NULL for centres created through the UI/API.
    seed_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(24))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    subdistrict: Mapped[str] = mapped_column(String(60))
    address: Mapped[str] = mapped_column(String(200))
    operator: Mapped[str | None] = mapped_column(String(160))
    affordable: Mapped[bool] = mapped_column(Boolean, default=False)
    star_rating: Mapped[int] = mapped_column(Integer, default=0)
    opening_hours: Mapped[str | None] = mapped_column(String(40))
    # Set by an approved change filing (booking/changes): the places the district recorded,
    # the person in charge (负责人) and the scope of care offered.
    approved_places: Mapped[int | None] = mapped_column(Integer)
    manager_name: Mapped[str | None] = mapped_column(String(60))
    care_scope: Mapped[str | None] = mapped_column(String(200))
    open_days: Mapped[str | None] = mapped_column(String(40))
    indoor_area_m2: Mapped[int | None] = mapped_column(Integer)
    outdoor_area_m2: Mapped[int | None] = mapped_column(Integer)
    phone: Mapped[str | None] = mapped_column(String(40))
    complaints_channel: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # Bumped at commit by every change to the centre or what its public page shows, never
    # by a booking (those bump the slots' versions): the page cache's key (centres/versions.py).
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    district: Mapped[District] = relationship(back_populates="centres")
    groups: Mapped[list["Group"]] = relationship(back_populates="centre", order_by="Group.id")
    filing: Mapped["Filing | None"] = relationship(  # noqa: F821 - regulator.models
        back_populates="centre", uselist=False)


class Group(db.Model):
    """A class (班级) of children in one age band; size limited by 设置标准 art. 19."""

    __tablename__ = "centre_group"
    __table_args__ = (
        CheckConstraint(enum_check("age_band", AGE_BANDS), name="age_band"),
        # 设置标准 art. 19: at most 10 / 15 / 20 children, mixed classes 18.
        CheckConstraint(
            "max_size > 0 AND ("
            "(age_band = 'infant' AND max_size <= 10) OR "
            "(age_band = 'toddler' AND max_size <= 15) OR "
            "(age_band = 'preschool' AND max_size <= 20) OR "
            "(age_band = 'mixed' AND max_size <= 18))",
            name="max_size",
        ),
        db.UniqueConstraint("centre_id", "name", name="uq_centre_group_centre_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str | None] = mapped_column(String(80))
    age_band: Mapped[str] = mapped_column(String(12))
    max_size: Mapped[int] = mapped_column(Integer)

    centre: Mapped[Centre] = relationship(back_populates="groups")
