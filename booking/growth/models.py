"""Health notes and growth measurements (医育结合, docs/growth.md).

A child's health notes (allergies, dietary restrictions, chronic conditions, medication
permissions) and its measurements (height or length, weight) are sensitive personal
information (PIPL art. 28): only the child's guardians and the care staff of a centre caring
for it read them, and every read by staff is logged.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

NOTE_KINDS = ("allergy", "diet", "condition", "medication")
SEVERITIES = ("mild", "moderate", "severe")
# Who entered a note: a guardian, or the centre (its director or health worker) — shown.
ENTERED_AS = ("guardian", "centre")
# Who took a measurement.
MEASURED_BY = ("guardian", "centre", "institution")


class HealthNote(db.Model):
    """One allergy, dietary restriction, chronic condition or medication permission.

    `title` is the allergen, the restriction, the condition or the medicine. A medication
    permission (喂药委托) holds the dose, when to give it, the days it covers and the guardian
    who signed it, whoever typed it in. Notes are withdrawn, never deleted: a permission that
    was in force stays on record with who withdrew it.
    """

    __tablename__ = "health_note"
    __table_args__ = (
        CheckConstraint(enum_check("kind", NOTE_KINDS), name="kind"),
        CheckConstraint(enum_check("entered_as", ENTERED_AS), name="entered_as"),
        CheckConstraint("severity IS NULL OR " + enum_check("severity", SEVERITIES),
                        name="severity"),
        CheckConstraint("kind != 'allergy' OR severity IS NOT NULL", name="allergy_severity"),
        CheckConstraint("kind != 'medication' OR (dose IS NOT NULL AND schedule IS NOT NULL "
                        "AND starts_on IS NOT NULL AND ends_on IS NOT NULL "
                        "AND signed_by IS NOT NULL)", name="medication_complete"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
                        name="medication_days"),
        CheckConstraint("entered_as != 'centre' OR centre_id IS NOT NULL", name="centre_entry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(80))
    reaction: Mapped[str | None] = mapped_column(String(200))
    severity: Mapped[str | None] = mapped_column(String(10))
    details: Mapped[str | None] = mapped_column(Text)
    dose: Mapped[str | None] = mapped_column(String(80))
    schedule: Mapped[str | None] = mapped_column(String(120))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entered_as: Mapped[str] = mapped_column(String(10))
    entered_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    # The centre whose staff entered it (NULL for a guardian's note).
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    child = relationship("Child")
    signer = relationship("User", foreign_keys=[signed_by])


class GrowthMeasurement(db.Model):
    """A height (length when lying, under 2 years) and/or weight on a day, with its z-scores
    against the WHO 2006 Child Growth Standards, computed when it was entered."""

    __tablename__ = "growth_measurement"
    __table_args__ = (
        CheckConstraint(enum_check("measured_by", MEASURED_BY), name="measured_by"),
        CheckConstraint("height_cm IS NOT NULL OR weight_kg IS NOT NULL", name="something"),
        CheckConstraint("height_cm IS NULL OR height_cm BETWEEN 40 AND 130", name="height_range"),
        CheckConstraint("weight_kg IS NULL OR weight_kg BETWEEN 1 AND 40", name="weight_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    measured_on: Mapped[date] = mapped_column(Date)
    height_cm: Mapped[float | None] = mapped_column(Numeric(4, 1, asdecimal=False))
    weight_kg: Mapped[float | None] = mapped_column(Numeric(4, 2, asdecimal=False))
    measured_by: Mapped[str] = mapped_column(String(12))
    # Weight-for-age, length/height-for-age, weight-for-length/height (None: not computable,
    # e.g. no sex recorded, over 5 years, or a length outside the table).
    z_wfa: Mapped[float | None] = mapped_column(Float)
    z_lhfa: Mapped[float | None] = mapped_column(Float)
    z_wflh: Mapped[float | None] = mapped_column(Float)
    entered_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    child = relationship("Child")
