"""Filing (登记备案, 备案办法 2019) and inspections (动态评估, WS/T 821—2023)."""
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

FILING_STATUSES = ("draft", "submitted", "approved", "returned", "suspended", "closed")
GRADES = ("A", "B", "C", "D")


class Filing(db.Model):
    """A centre's filing with the district health commission; one per centre, re-filed in place."""

    __tablename__ = "filing"
    __table_args__ = (
        CheckConstraint(enum_check("status", FILING_STATUSES), name="status"),
        CheckConstraint(
            "status NOT IN ('approved', 'suspended', 'closed') OR filing_number IS NOT NULL",
            name="approved_has_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    filing_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    legal_entity_cert_no: Mapped[str | None] = mapped_column(String(40))
    premises: Mapped[str | None] = mapped_column(String(200))
    fire_safety_ref: Mapped[str | None] = mapped_column(String(80))
    health_evaluation_ref: Mapped[str | None] = mapped_column(String(80))
    food_licence_ref: Mapped[str | None] = mapped_column(String(80))
    commitment_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    return_reasons: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    centre = relationship("Centre", back_populates="filing")


class Inspection(db.Model):
    __tablename__ = "inspection"
    __table_args__ = (
        CheckConstraint("grade IS NULL OR " + enum_check("grade", GRADES), name="grade"),
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 1000", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    inspected_on: Mapped[date] = mapped_column(Date)
    # Checklist results as JSON text: {dimension: score}, WS/T 821's seven dimensions.
    checklist: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[str | None] = mapped_column(Text)
    score: Mapped[int | None] = mapped_column(Integer)
    grade: Mapped[str | None] = mapped_column(String(1))
    fix_deadline: Mapped[date | None] = mapped_column(Date)
    followed_up_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    centre = relationship("Centre")


class ClosureCase(db.Model):
    """One family affected by a centre's suspension or closure (关停应急处置), followed until
    the child is placed elsewhere or the family withdraws."""

    __tablename__ = "closure_case"
    __table_args__ = (
        CheckConstraint("state IN ('affected', 'placed', 'withdrawn')", name="state"),
        db.UniqueConstraint("centre_id", "reservation_id", name="uq_closure_case_reservation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservation.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    previous_status: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(12), default="affected")
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    child = relationship("Child")
    reservation = relationship("Reservation")


class CoverageSnapshot(db.Model):
    """A district's coverage on one day, kept by a daily job so reports can show the trend."""

    __tablename__ = "coverage_snapshot"
    __table_args__ = (db.UniqueConstraint("district_id", "on_date", name="uq_coverage_snapshot_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"))
    on_date: Mapped[date] = mapped_column(Date, index=True)
    population: Mapped[int] = mapped_column(Integer)
    places: Mapped[int] = mapped_column(Integer)
    affordable_places: Mapped[int] = mapped_column(Integer)
    public_places: Mapped[int] = mapped_column(Integer)
    enrolled: Mapped[int] = mapped_column(Integer)
    waitlisted_children: Mapped[int] = mapped_column(Integer)
