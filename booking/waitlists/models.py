"""Waitlists (候补): ordered by a centre's priority tiers, then joining time."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

STATUSES = ("waiting", "offered", "accepted", "expired", "withdrawn")

# docs/waitlists.md: the default order of tiers, highest first.
DEFAULT_TIERS = (
    "closure_transfer",   # 应急转托
    "sibling",            # 长幼随学 / 多孩同园
    "special_needs",      # 特殊儿童, 困境儿童
    "employer_staff",     # 用人单位职工
    "second_third_child", # 二孩、三孩家庭
    "district_resident",  # 户籍 or 居住证
    "everyone",
)


class PriorityTier(db.Model):
    """One tier of a centre's priority policy; rank 1 is offered first."""

    __tablename__ = "priority_tier"
    __table_args__ = (
        CheckConstraint(enum_check("code", DEFAULT_TIERS), name="code"),
        CheckConstraint("rank >= 1", name="rank_positive"),
        db.UniqueConstraint("centre_id", "rank", name="uq_priority_tier_centre_rank"),
        db.UniqueConstraint("centre_id", "code", name="uq_priority_tier_centre_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    rank: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(24))


class WaitlistEntry(db.Model):
    __tablename__ = "waitlist_entry"
    __table_args__ = (
        CheckConstraint(enum_check("status", STATUSES), name="status"),
        CheckConstraint("priority >= 1", name="priority_positive"),
        CheckConstraint("status != 'offered' OR reservation_id IS NOT NULL", name="offer_has_hold"),
        Index(
            "uq_waitlist_live_child_slot", "slot_id", "child_id", unique=True,
            sqlite_where=text("status IN ('waiting', 'offered')"),
            postgresql_where=text("status IN ('waiting', 'offered')"),
        ),
        Index("ix_waitlist_slot_queue", "slot_id", "status", "priority", "joined_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    # The rank of the tier the family qualifies for (1 = highest), and which tier it is.
    priority: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(24), default="everyone")
    evidence: Mapped[str | None] = mapped_column(Text)
    evidence_checked_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # The employer an `employer_staff` claim names, among the slot's quota employers
    # (docs/employers.md): the child's place counts against that employer's quota.
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"))
    # Twins and multiples waiting together share a unit key and are offered together.
    unit_key: Mapped[str] = mapped_column(String(40))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # Set by an enrolment-round lottery (摇号): the order within the tier that the draw gave.
    draw_position: Mapped[int | None] = mapped_column(Integer)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservation.id"), index=True)
    # The family's ranking of this wait among the child's waits (志愿顺序, 1 = most wanted).
    choice_rank: Mapped[int | None] = mapped_column(Integer)
    # An offer the family declined to keep the place it holds: the entry waits on, but is not
    # offered again while that place is live.
    declined_for_id: Mapped[int | None] = mapped_column(ForeignKey("reservation.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Made by an allocation round's draw for a choice ranked above what the family got: such
    # entries come before the ordinary queue (docs/allocation.md, "After the draw").
    round_id: Mapped[int | None] = mapped_column(ForeignKey("allocation_round.id"), index=True)

    slot = relationship("Slot")
    child = relationship("Child")
    reservation = relationship("Reservation", foreign_keys=[reservation_id])


class LotteryDraw(db.Model):
    """摇号: a seed published before the draw makes the allocation reproducible."""

    __tablename__ = "lottery_draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"), index=True)
    seed: Mapped[str] = mapped_column(String(64))
    published_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The ordered entry ids the draw produced, as JSON text, so anyone can check it.
    result: Mapped[str | None] = mapped_column(Text)
    # SHA-256 of the participant list frozen with the seed (lottery.participants_digest), public
    # next to the seed: the list cannot change once the seed is known.
    participants_sha256: Mapped[str | None] = mapped_column(String(64))


class LotteryParticipant(db.Model):
    """A waitlist entry frozen into a draw when its seed was published: only these are drawn."""

    __tablename__ = "lottery_participant"

    draw_id: Mapped[int] = mapped_column(ForeignKey("lottery_draw.id"), primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("waitlist_entry.id"), primary_key=True)
