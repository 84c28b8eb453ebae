"""Reservations: a hold on a place that becomes an enrolment (预约入托 → 入托)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

STATUSES = ("held", "enrolled", "expired", "cancelled", "withdrawn")
LIVE = ("held", "enrolled")


class Reservation(db.Model):
    __tablename__ = "reservation"
    __table_args__ = (
        CheckConstraint(enum_check("status", STATUSES), name="status"),
        CheckConstraint("status != 'held' OR expires_at IS NOT NULL", name="held_expires"),
        # One live reservation per child per slot, guarded by the database itself.
        Index(
            "uq_reservation_live_child_slot", "slot_id", "child_id", unique=True,
            sqlite_where=text("status IN ('held', 'enrolled')"),
            postgresql_where=text("status IN ('held', 'enrolled')"),
        ),
        Index("ix_reservation_slot_status_expires", "slot_id", "status", "expires_at"),
        Index("ix_reservation_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="held")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(200))
    # 离园日期: the last day in care, as given at withdrawal (fees are prorated to it).
    leaves_on: Mapped[date | None] = mapped_column(Date)

    slot = relationship("Slot")
    child = relationship("Child")
    parent = relationship("User")
