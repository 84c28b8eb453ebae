"""The daily record (家托共育): what a child ate, slept, needed, felt, and what the carers
wrote or photographed, one timestamped entry at a time.

Arrival, the morning check and departure are the attendance row (`health.models.Attendance`);
the day shows them beside these entries and never copies them.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

KINDS = ("meal", "nap", "toilet", "mood", "note", "photo")
MEALS = ("breakfast", "morning_snack", "lunch", "afternoon_snack", "dinner")
AMOUNTS = ("none", "some", "most", "all")
TOILETS = ("wet", "dirty", "dry", "potty_wee", "potty_poo")
MOODS = ("happy", "calm", "tired", "fussy", "upset")
NOTE_MAX = 1000


def _enum_or_null(column: str, values) -> str:
    return f"{column} IS NULL OR {enum_check(column, values)}"


class DailyEntry(db.Model):
    """One thing of a child's day, recorded by the staff of the centre caring for it.

    `reservation_id` is the enrolment at that centre: the entry belongs to the centre as much as
    to the child, so a centre's staff see their own centre's entries only. `on_date` is the
    Beijing day the entry belongs to; after that day it can no longer be changed.
    """

    __tablename__ = "daily_entry"
    __table_args__ = (
        CheckConstraint(enum_check("kind", KINDS), name="kind"),
        CheckConstraint(_enum_or_null("meal", MEALS), name="meal"),
        CheckConstraint(_enum_or_null("amount", AMOUNTS), name="amount"),
        CheckConstraint(_enum_or_null("toilet", TOILETS), name="toilet"),
        CheckConstraint(_enum_or_null("mood", MOODS), name="mood"),
        CheckConstraint("kind != 'meal' OR (meal IS NOT NULL AND amount IS NOT NULL)",
                        name="meal_complete"),
        CheckConstraint("kind != 'toilet' OR toilet IS NOT NULL", name="toilet_complete"),
        CheckConstraint("kind != 'mood' OR mood IS NOT NULL", name="mood_complete"),
        CheckConstraint("kind != 'note' OR note IS NOT NULL", name="note_complete"),
        CheckConstraint("kind != 'photo' OR (photo_path IS NOT NULL AND photo_size > 0)",
                        name="photo_complete"),
        CheckConstraint("ends_at IS NULL OR (kind = 'nap' AND ends_at >= at)", name="nap_end"),
        # Two carers tapping "nap starts" for the same child at once: one nap is open.
        Index("uq_daily_entry_open_nap", "reservation_id", unique=True,
              sqlite_where=text("kind = 'nap' AND ends_at IS NULL"),
              postgresql_where=text("kind = 'nap' AND ends_at IS NULL")),
        Index("ix_daily_entry_reservation_day", "reservation_id", "on_date"),
        Index("ix_daily_entry_child_day", "child_id", "on_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservation.id"))
    on_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it happened; a nap's start
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a nap's end
    meal: Mapped[str | None] = mapped_column(String(16))
    amount: Mapped[str | None] = mapped_column(String(8))
    toilet: Mapped[str | None] = mapped_column(String(12))
    mood: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
    # A photo lives outside the web root under a random name (daily/photos.py).
    photo_path: Mapped[str | None] = mapped_column(String(200))
    photo_type: Mapped[str | None] = mapped_column(String(40))
    photo_size: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    child = relationship("Child")
    reservation = relationship("Reservation")
