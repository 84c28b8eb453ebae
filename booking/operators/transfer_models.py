"""A transfer between two centres of one operator (docs/operators.md, "Transfers between an
operator's centres"): a child in care at one centre moves to a slot at another, with the
operator's 运营负责人's approval instead of a new application."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

REQUESTED, APPROVED, REFUSED, WITHDRAWN = "requested", "approved", "refused", "withdrawn"
TRANSFER_STATUSES = (REQUESTED, APPROVED, REFUSED, WITHDRAWN)


class OperatorTransfer(db.Model):
    __tablename__ = "operator_transfer"
    __table_args__ = (
        CheckConstraint(enum_check("status", TRANSFER_STATUSES), name="status"),
        # One open request per child, held by the database on both engines.
        Index("ux_operator_transfer_open", "child_id", unique=True,
              sqlite_where=text("status = 'requested'"),
              postgresql_where=text("status = 'requested'")),
        Index("ix_operator_transfer_operator_status", "operator_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"))
    # The enrolment at centre A it moves from, and the slot at centre B it moves to.
    from_reservation_id: Mapped[int] = mapped_column(ForeignKey("reservation.id"))
    from_centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"))
    to_centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=REQUESTED)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Told to the family when refused.
    reason: Mapped[str | None] = mapped_column(String(500))
    # The enrolment at B an approval made.
    new_reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservation.id"))

    child = relationship("Child")
    operator = relationship("Operator")
    slot = relationship("Slot")
    from_centre = relationship("Centre", foreign_keys=[from_centre_id])
    to_centre = relationship("Centre", foreign_keys=[to_centre_id])
    from_reservation = relationship("Reservation", foreign_keys=[from_reservation_id])
