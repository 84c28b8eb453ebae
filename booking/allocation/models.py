"""Allocation rounds (统一派位): a round, its slots, and the families' applications
(docs/allocation.md)."""
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check


class RoundStatus:
    """draft → open (seed committed) → closed (tiers frozen) → drawn (offers made)."""
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    DRAWN = "drawn"


ROUND_STATUSES = (RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.DRAWN)


class AppStatus:
    """An application: submitted (editable while the window is open), withdrawn by the family,
    then at the draw offered or unplaced; an offer is accepted or declined by the family."""
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    OFFERED = "offered"
    UNPLACED = "unplaced"
    ACCEPTED = "accepted"
    DECLINED = "declined"


APP_STATUSES = (AppStatus.SUBMITTED, AppStatus.WITHDRAWN, AppStatus.OFFERED, AppStatus.UNPLACED,
                AppStatus.ACCEPTED, AppStatus.DECLINED)
EVIDENCE_STATUSES = ("pending", "accepted", "rejected")


class Round(db.Model):
    __tablename__ = "allocation_round"
    __table_args__ = (
        CheckConstraint(enum_check("status", ROUND_STATUSES), name="status"),
        CheckConstraint("max_choices BETWEEN 1 AND 10", name="max_choices_range"),
        CheckConstraint("closes_at > opens_at", name="window_order"),
        CheckConstraint("offer_days BETWEEN 1 AND 60", name="offer_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(10), default=RoundStatus.DRAFT)
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_choices: Mapped[int] = mapped_column(Integer, default=5)
    # The tiers that count, highest first, as JSON; `everyone` is always last.
    tiers: Mapped[str] = mapped_column(Text)
    # How long a family has to answer an offer made by the draw.
    offer_days: Mapped[int] = mapped_column(Integer, default=7)
    # The seed stays secret until the draw; its SHA-256 is public from opening.
    seed: Mapped[str | None] = mapped_column(String(64))
    seed_sha256: Mapped[str | None] = mapped_column(String(64))
    inputs_sha256: Mapped[str | None] = mapped_column(String(64))
    # The downloadable file (draw.publication): inputs, seed, results, as JSON.
    publication: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Written by every command on the round: the round's lock (docs/design.md "Lock order").
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    slots = relationship("RoundSlot", order_by="RoundSlot.slot_id", lazy="selectin")


class RoundSlot(db.Model):
    __tablename__ = "round_slot"

    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_round.id"), primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"), primary_key=True, index=True)
    # The places free at the draw (capacity less live places), as drawn.
    seats: Mapped[int | None] = mapped_column(Integer)

    slot = relationship("Slot")


class Application(db.Model):
    """One per child in a round; twins and other multiples are one application of their size."""
    __tablename__ = "round_application"
    __table_args__ = (
        CheckConstraint(enum_check("status", APP_STATUSES), name="status"),
        CheckConstraint("evidence_status IS NULL OR "
                        + enum_check("evidence_status", EVIDENCE_STATUSES), name="evidence_status"),
        CheckConstraint("size BETWEEN 1 AND 6", name="size_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_round.id"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=AppStatus.SUBMITTED)
    size: Mapped[int] = mapped_column(Integer, default=1)
    # The tier the records prove, the one claimed with evidence, and the one that counts
    # (the claim only once checked; at the close an unchecked claim falls back).
    derived_tier: Mapped[str] = mapped_column(String(24))
    claimed_tier: Mapped[str | None] = mapped_column(String(24))
    evidence: Mapped[str | None] = mapped_column(Text)
    evidence_status: Mapped[str | None] = mapped_column(String(10))
    evidence_checked_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    tier: Mapped[str] = mapped_column(String(24))
    priority: Mapped[int] = mapped_column(Integer)
    # Set by the draw.
    lottery: Mapped[float | None] = mapped_column(Float)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slot.id"))
    choice_rank: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    round = relationship("Round")
    members = relationship("ApplicationChild", order_by="ApplicationChild.child_id",
                           lazy="selectin", back_populates="application")
    choices = relationship("ApplicationChoice", order_by="ApplicationChoice.rank",
                           lazy="selectin", cascade="all, delete-orphan")

    @property
    def child_id(self) -> int:
        return self.members[0].child_id

    @property
    def choice_ids(self) -> list[int]:
        return [c.slot_id for c in self.choices]


class ApplicationChild(db.Model):
    """A child in an application: the primary key keeps one application per child per round."""
    __tablename__ = "application_child"

    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_round.id"), primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), primary_key=True, index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("round_application.id"), index=True)
    # The child's hold made by the draw.
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservation.id"))

    application = relationship("Application", back_populates="members")
    child = relationship("Child")


class ApplicationChoice(db.Model):
    __tablename__ = "application_choice"
    __table_args__ = (
        db.UniqueConstraint("application_id", "slot_id", name="uq_application_choice_slot"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    application_id: Mapped[int] = mapped_column(ForeignKey("round_application.id"),
                                                primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"), index=True)
