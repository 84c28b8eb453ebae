"""Slots: bookable places of one age band, care type and category at a centre."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..centres.bands import AGE_BANDS, CARE_TYPES, PLACE_CATEGORIES
from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check


class Slot(db.Model):
    __tablename__ = "slot"
    __table_args__ = (
        CheckConstraint(enum_check("age_band", AGE_BANDS), name="age_band"),
        CheckConstraint(enum_check("care_type", CARE_TYPES), name="care_type"),
        CheckConstraint(enum_check("category", PLACE_CATEGORIES), name="category"),
        CheckConstraint("capacity >= 0", name="capacity_nonnegative"),
        CheckConstraint("monthly_fee_fen >= 0", name="fee_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("centre_group.id"), index=True)
    age_band: Mapped[str] = mapped_column(String(12))
    care_type: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(12))
    capacity: Mapped[int] = mapped_column(Integer)
    monthly_fee_fen: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    # Bumped by every reserving transaction: writing this row first is what serialises
    # concurrent bookings of one slot on both databases (docs/design.md, Locking).
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Reservations of this slot whose status is enrolled, leavers not yet swept included:
    # kept by database triggers (migration 0042) in the transaction that changes a status,
    # which has already written this row, so reports read slots instead of reservations
    # (booking/places/counters.py checks and repairs it).
    enrolled_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    centre = relationship("Centre")
    group = relationship("Group")
