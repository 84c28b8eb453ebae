"""Authorised pickup (接送授权): the people a child's guardians allow to collect the child, and
who collected it each day (docs/absences.md, Authorised pickup)."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime


class PickupPerson(db.Model):
    """One person on a child's list. Removing them keeps the row (departures name it) and
    forgets the photo."""

    __tablename__ = "pickup_person"
    __table_args__ = (
        CheckConstraint("length(id_last4) = 4", name="id_last4_length"),
        CheckConstraint("photo_size IS NULL OR photo_size > 0", name="photo_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    relation: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(String(20))
    # The last four characters of the ID card number (身份证号后四位), checked at the door.
    id_last4: Mapped[str] = mapped_column(String(4))
    # Stored outside the web root like health attachments (health/attachments.py).
    photo_path: Mapped[str | None] = mapped_column(String(200))
    photo_type: Mapped[str | None] = mapped_column(String(40))
    photo_size: Mapped[int | None] = mapped_column(Integer)
    added_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class PickupRecord(db.Model):
    """Who collected a child on a day: a guardian, a person from the list, or someone else
    (an exception: their name and the reason, the guardians told at once)."""

    __tablename__ = "pickup_record"
    __table_args__ = (
        CheckConstraint("(CASE WHEN person_id IS NULL THEN 0 ELSE 1 END)"
                        " + (CASE WHEN guardian_id IS NULL THEN 0 ELSE 1 END)"
                        " + (CASE WHEN unlisted_name IS NULL THEN 0 ELSE 1 END) = 1",
                        name="one_collector"),
        CheckConstraint("unlisted_name IS NULL OR reason IS NOT NULL", name="exception_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attendance_id: Mapped[int] = mapped_column(ForeignKey("attendance.id"), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("pickup_person.id"))
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    unlisted_name: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    person = relationship(PickupPerson)
