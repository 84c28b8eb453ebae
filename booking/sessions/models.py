"""Care sessions a centre publishes by the hour, and the bookings families make for them.

`CareSession` (not "Session": that name belongs to the database session) is one sitting:
a date and hours, a capacity, an age band, a kind. `SessionBooking` is one child's place in it.
"""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..centres.bands import AGE_BANDS
from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

KINDS = ("occasional", "parent_child")
BOOKING_STATUSES = ("booked", "cancelled", "attended", "no_show")
# Every booking that is not cancelled takes a place (a no-show's place was kept for them).
LIVE = ("booked", "attended", "no_show")
_LIVE_SQL = "status IN ('booked', 'attended', 'no_show')"


class CareSession(db.Model):
    __tablename__ = "care_session"
    __table_args__ = (
        CheckConstraint(enum_check("kind", KINDS), name="kind"),
        CheckConstraint(enum_check("age_band", AGE_BANDS), name="age_band"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("price_per_hour_fen >= 0", name="price_nonnegative"),
        # The calendar: upcoming sessions of a centre, and of everyone, by start.
        Index("ix_care_session_centre_starts", "centre_id", "starts_at"),
        Index("ix_care_session_starts", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    # The class whose ratio check counts the session's children (optional).
    group_id: Mapped[int | None] = mapped_column(ForeignKey("centre_group.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    age_band: Mapped[str] = mapped_column(String(12))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    price_per_hour_fen: Mapped[int] = mapped_column(Integer, default=0)
    # Subsidised (free or community) sessions count against the family's yearly quota.
    subsidised: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sessions made from one weekly pattern share the id of the pattern's first session.
    pattern_id: Mapped[int | None] = mapped_column(ForeignKey("care_session.id"), index=True)
    # Bumped by every booking transaction: writing this row first serialises bookings of one
    # session on both databases (docs/design.md, Locking), as `slot.version` does for places.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    centre = relationship("Centre")
    group = relationship("Group")

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SessionBooking(db.Model):
    __tablename__ = "session_booking"
    __table_args__ = (
        CheckConstraint(enum_check("status", BOOKING_STATUSES), name="status"),
        CheckConstraint("price_fen >= 0", name="price_nonnegative"),
        CheckConstraint("status != 'cancelled' OR cancelled_at IS NOT NULL",
                        name="cancelled_at_set"),
        # One live booking per child per session, guarded by the database itself.
        Index("uq_session_booking_live_child", "session_id", "child_id", unique=True,
              sqlite_where=text(_LIVE_SQL), postgresql_where=text(_LIVE_SQL)),
        Index("ix_session_booking_session_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("care_session.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="booked")
    subsidised: Mapped[bool] = mapped_column(Boolean, default=False)
    price_fen: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session = relationship("CareSession")
    child = relationship("Child")
    parent = relationship("User")
