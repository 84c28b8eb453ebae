"""Intake health checks (入托体检), morning checks (晨检) and attendance.

76号令 (托儿所幼儿园卫生保健管理办法) art. 15 and 18; 管理规范 art. 11.
"""
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

RESULTS = ("pass", "fail", "follow_up")
STATUSES = ("submitted", "verified", "rejected")
# Typed in by the family or a centre (checked against the paper form by the centre), or
# entered and signed by the examining institution itself (verified at the source, docs/exams.md).
SOURCES = ("entered", "institution")
FEVER_C = 37.5  # a morning temperature from here sends the child home (docs/health.md)


class HealthCheck(db.Model):
    __tablename__ = "health_check"
    __table_args__ = (
        CheckConstraint(enum_check("result", RESULTS), name="result"),
        CheckConstraint(enum_check("status", STATUSES), name="status"),
        CheckConstraint(enum_check("source", SOURCES), name="source"),
        CheckConstraint("valid_until >= examined_on", name="validity"),
        CheckConstraint("attachment_size IS NULL OR attachment_size > 0", name="attachment_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    examined_on: Mapped[date] = mapped_column(Date)
    institution: Mapped[str] = mapped_column(String(160))
    result: Mapped[str] = mapped_column(String(12))
    vaccination_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    height_cm: Mapped[float | None] = mapped_column(Numeric(5, 1, asdecimal=False))
    weight_kg: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    haemoglobin_g_l: Mapped[int | None] = mapped_column(Integer)
    findings: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="submitted")
    source: Mapped[str] = mapped_column(String(12), default="entered", server_default="entered")
    valid_until: Mapped[date] = mapped_column(Date)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Stored outside the web root under a random name; served only to those allowed.
    attachment_path: Mapped[str | None] = mapped_column(String(200))
    attachment_type: Mapped[str | None] = mapped_column(String(40))
    attachment_size: Mapped[int | None] = mapped_column(Integer)

    child = relationship("Child")


class Attendance(db.Model):
    """A child's day: arrival with the morning check, departure and who collected."""

    __tablename__ = "attendance"
    __table_args__ = (
        db.UniqueConstraint("reservation_id", "on_date", name="uq_attendance_reservation_day"),
        CheckConstraint("temperature_c IS NULL OR temperature_c BETWEEN 30 AND 45", name="temp"),
        CheckConstraint("departed_at IS NULL OR arrived_at IS NULL OR departed_at >= arrived_at",
                        name="departure_after_arrival"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservation.id"))
    on_date: Mapped[date] = mapped_column(Date)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    temperature_c: Mapped[float | None] = mapped_column(Numeric(3, 1, asdecimal=False))
    observations: Mapped[str | None] = mapped_column(Text)
    morning_check_passed: Mapped[bool | None] = mapped_column(Boolean)
    departed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    collected_by: Mapped[str | None] = mapped_column(String(80))
    absent: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    reservation = relationship("Reservation")
