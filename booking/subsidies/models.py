"""A centre's monthly subsidy claim and its lines (docs/subsidies.md).

One claim per centre and month; one line per centre, child and month at most. Both are unique
constraints, so two generators racing cannot claim a child twice.
"""
from datetime import datetime

from sqlalchemy import (CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
                        update)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

# draft → submitted → approved | returned | rejected; a returned claim is corrected (regenerated)
# and submitted again; approved and rejected are final.
STATUSES = ("draft", "submitted", "approved", "returned", "rejected")
FINAL = ("approved", "rejected")


class SubsidyClaim(db.Model):
    __tablename__ = "subsidy_claim"
    __table_args__ = (
        UniqueConstraint("centre_id", "month", name="uq_subsidy_claim_centre_month"),
        CheckConstraint(enum_check("status", STATUSES), name="status"),
        CheckConstraint("length(month) = 7", name="month_format"),
        CheckConstraint("operating_fen >= 0 AND sibling_reward_fen >= 0 AND construction_fen >= 0"
                        " AND construction_places >= 0", name="amounts_nonnegative"),
        CheckConstraint("total_fen = operating_fen + sibling_reward_fen + construction_fen",
                        name="total_is_sum"),
        # A returned or rejected claim says why.
        CheckConstraint("status NOT IN ('returned', 'rejected') OR decision_reason IS NOT NULL",
                        name="reason_given"),
        CheckConstraint("(status = 'approved') = (approved_fen IS NOT NULL)", name="approved_amount"),
        Index("ix_subsidy_claim_status_month", "status", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))            # YYYY-MM, as the fee ledger
    status: Mapped[str] = mapped_column(String(12), default="draft")
    operating_fen: Mapped[int] = mapped_column(Integer, default=0)
    sibling_reward_fen: Mapped[int] = mapped_column(Integer, default=0)
    construction_places: Mapped[int] = mapped_column(Integer, default=0)
    construction_fen: Mapped[int] = mapped_column(Integer, default=0)
    total_fen: Mapped[int] = mapped_column(Integer, default=0)
    approved_fen: Mapped[int | None] = mapped_column(Integer)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)

    centre = relationship("Centre")
    lines: Mapped[list["SubsidyClaimLine"]] = relationship(
        back_populates="claim", order_by="SubsidyClaimLine.id", cascade="all, delete-orphan")


class SubsidyClaimLine(db.Model):
    """One child's month at one centre: the days enrolled and attended, and what they earn."""

    __tablename__ = "subsidy_claim_line"
    __table_args__ = (
        UniqueConstraint("centre_id", "child_id", "month", name="uq_subsidy_claim_line_child_month"),
        CheckConstraint("length(month) = 7", name="month_format"),
        CheckConstraint("days_enrolled >= 0 AND days_attended >= 0 AND open_days >= 0",
                        name="days_nonnegative"),
        CheckConstraint("operating_fen >= 0 AND sibling_reduction_fen >= 0 AND sibling_reward_fen >= 0",
                        name="amounts_nonnegative"),
        # A child claimed by two centres in one month is an anomaly the regulator sees.
        Index("ix_subsidy_claim_line_child_month", "child_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claim.id", ondelete="CASCADE"),
                                          index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    month: Mapped[str] = mapped_column(String(7))
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservation.id"))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slot.id"))
    days_enrolled: Mapped[int] = mapped_column(Integer, default=0)
    days_attended: Mapped[int] = mapped_column(Integer, default=0)
    open_days: Mapped[int] = mapped_column(Integer, default=0)
    operating_fen: Mapped[int] = mapped_column(Integer, default=0)
    # The sibling reduction the ledger shows granted this month, and the city's share of it.
    sibling_reduction_fen: Mapped[int] = mapped_column(Integer, default=0)
    sibling_reward_fen: Mapped[int] = mapped_column(Integer, default=0)

    claim: Mapped[SubsidyClaim] = relationship(back_populates="lines")
    child = relationship("Child")


def lock_claim(claim_id: int) -> "SubsidyClaim | None":
    """Write the claim's row first (a no-op change that takes its lock), so a submission and a
    decision, or two decisions, on one claim are serialised by the database and the second
    sees the first's status: on PostgreSQL the row lock, on SQLite the write lock."""
    db.session.execute(update(SubsidyClaim).where(SubsidyClaim.id == claim_id)
                       .values(status=SubsidyClaim.status)
                       .execution_options(synchronize_session=False))
    claim = db.session.get(SubsidyClaim, claim_id)
    if claim is not None:
        db.session.refresh(claim)
    return claim
