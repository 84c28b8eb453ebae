"""Absences (请假) a guardian reports ahead, and those the staff learn of by calling the family
(因病缺勤追踪); the centre's time after which a child neither arrived nor reported absent is
followed up (docs/absences.md)."""
from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String,
                        Text, and_)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

REASONS = ("illness", "family", "unknown")
# The symptoms 因病缺勤追踪 asks about; "jaundice" is one the outbreak rules name.
SYMPTOMS = ("fever", "cough", "diarrhoea", "vomiting", "rash", "jaundice", "other")
SOURCES = ("guardian", "staff_follow_up")
DEFAULT_FOLLOW_UP_MINUTES = 10 * 60  # 10:00 local, docs/absences.md (*default*)
FOLLOW_UP_RANGE = (6 * 60, 18 * 60)


class Absence(db.Model):
    """A child away for a day or a run of days, with the reason. Withdrawn absences stay (the
    audit trail) but count for nothing."""

    __tablename__ = "absence"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="range_order"),
        CheckConstraint(enum_check("reason", REASONS), name="reason"),
        CheckConstraint(enum_check("source", SOURCES), name="source"),
        # Only a follow-up call records whether the family was reached, and only a call that
        # reached nobody leaves the reason unknown.
        CheckConstraint("(source = 'guardian') = (reached IS NULL)", name="reached_by_staff"),
        CheckConstraint("reason <> 'unknown' OR source = 'staff_follow_up'", name="unknown_reason"),
        Index("ix_absence_child_days", "child_id", "starts_on", "ends_on"),
        Index("ix_absence_centre_days", "centre_id", "starts_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservation.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(12))
    symptom_other: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="guardian")
    reached: Mapped[bool | None] = mapped_column(Boolean)
    reported_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    child = relationship("Child")
    reservation = relationship("Reservation")
    symptom_rows: Mapped[list["AbsenceSymptom"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="AbsenceSymptom.symptom")

    @property
    def symptoms(self) -> list[str]:
        """The symptom codes, in the order of SYMPTOMS."""
        have = {s.symptom for s in self.symptom_rows}
        return [s for s in SYMPTOMS if s in have]

    @classmethod
    def covering(cls, day: date):
        """Absences standing on `day` (not withdrawn, the day within the range)."""
        return and_(cls.withdrawn_at.is_(None), cls.starts_on <= day, cls.ends_on >= day)


class AbsenceSymptom(db.Model):
    __tablename__ = "absence_symptom"
    __table_args__ = (CheckConstraint(enum_check("symptom", SYMPTOMS), name="symptom"),)

    absence_id: Mapped[int] = mapped_column(ForeignKey("absence.id"), primary_key=True)
    symptom: Mapped[str] = mapped_column(String(12), primary_key=True)


class AbsencePolicy(db.Model):
    """A centre's own follow-up time; a centre without a row follows up at 10:00."""

    __tablename__ = "absence_policy"
    __table_args__ = (
        CheckConstraint(f"follow_up_minutes BETWEEN {FOLLOW_UP_RANGE[0]} AND {FOLLOW_UP_RANGE[1]}",
                        name="follow_up_range"),
    )

    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), primary_key=True)
    follow_up_minutes: Mapped[int] = mapped_column(Integer, default=DEFAULT_FOLLOW_UP_MINUTES)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
