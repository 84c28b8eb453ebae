"""Births registered per subdistrict and year (出生登记), the basis of the children under 3
expected (docs/planning.md)."""
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class SubdistrictBirths(db.Model):
    __tablename__ = "subdistrict_births"
    __table_args__ = (
        UniqueConstraint("district_id", "subdistrict", "year", name="uq_subdistrict_births_year"),
        CheckConstraint("births >= 0", name="births_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    subdistrict: Mapped[str] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)
    births: Mapped[int] = mapped_column(Integer)

    district = relationship("District")
