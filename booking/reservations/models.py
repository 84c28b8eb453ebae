"""Reservations: a hold on a place that becomes an enrolment (预约入托 → 入托)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, and_, or_, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import local_date, now
from ..extensions import db
from ..types import UTCDateTime, enum_check


class Status:
    """A reservation's states (docs/domain.md, "Holds and enrolment"): a hold (保留中) lapses (expired),
    is cancelled, or becomes an enrolment (在读), which ends when the child leaves care
    (withdrawn, 离园). The words people read are in labels.py."""
    HELD = "held"
    ENROLLED = "enrolled"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"


STATUSES = (Status.HELD, Status.ENROLLED, Status.EXPIRED, Status.CANCELLED, Status.WITHDRAWN)


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
        # Enrolments by child, and the few with a leaving date (leavers, the old care of a
        # transfer): the coverage report finds the children whose counting the slots'
        # enrolled counters cannot know (regulator.services.enrolled_by).
        Index(
            "ix_reservation_enrolled_child", "child_id",
            sqlite_where=text("status = 'enrolled'"),
            postgresql_where=text("status = 'enrolled'"),
        ),
        Index(
            "ix_reservation_enrolled_leaving", "child_id",
            sqlite_where=text("status = 'enrolled' AND leaves_on IS NOT NULL"),
            postgresql_where=text("status = 'enrolled' AND leaves_on IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="held")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A far-off hold kept until its check is due: told once when the check window opens.
    check_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(200))
    # 离园日期: the last day in care, as given at withdrawal (fees are prorated to it).
    leaves_on: Mapped[date | None] = mapped_column(Date)
    # One child, one place (docs/domain.md): a hold that would replace the child's other live
    # place once it takes effect. Replacing an enrolment it is a transfer (转托): confirming it
    # ends the old care the day before the new start. Replacing a hold it is an offer the
    # family may take instead (the other hold then ends) or decline.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("reservation.id"), index=True)

    slot = relationship("Slot")
    child = relationship("Child")
    parent = relationship("User")
    replaces = relationship("Reservation", remote_side=[id])


# The one meaning of "live" (docs/design.md, "Live places"). A row's status alone
# never says whether it takes a place: a hold stops counting the moment it lapses and an
# enrolment the day after the child's last day in care, whether or not a job has run.

def in_care_on(day):
    """Enrolments whose child is in care on `day`: until the leaving day (离园) has passed."""
    return and_(Reservation.status == Status.ENROLLED,
                or_(Reservation.leaves_on.is_(None), Reservation.leaves_on >= day))


def in_care_at(moment):
    """in_care_on the day `moment` falls on."""
    return in_care_on(local_date(moment))


def past_leaving_at(moment):
    """Enrolments whose last day in care has passed at `moment` but whose row the leavers'
    sweep has not yet ended: not live, waiting to be tidied."""
    return past_leaving_on(local_date(moment))


def past_leaving_on(day):
    """past_leaving_at with the day in Beijing given (a value or a bound parameter)."""
    return and_(Reservation.status == Status.ENROLLED, Reservation.leaves_on < day)


def held_at(moment):
    """Holds not yet lapsed at `moment`."""
    return and_(Reservation.status == Status.HELD, Reservation.expires_at > moment)


def live_at(moment):
    """Reservations that take a place at `moment`: a hold until it lapses, an enrolment while
    the child is in care. Every count, filter, report and check reads this."""
    return live_on(moment, local_date(moment))


def live_on(moment, day):
    """live_at with `moment`'s day in Beijing given: both may be bound parameters, for a
    statement built once and run with new values (reservations.services, the reserve)."""
    return or_(in_care_on(day), held_at(moment))


def is_live(r: Reservation, moment) -> bool:
    """live_at for one loaded row, in Python (the same rule)."""
    if r.status == Status.HELD:
        return r.expires_at > moment
    return r.status == Status.ENROLLED and (r.leaves_on is None
                                            or r.leaves_on >= local_date(moment))
