"""Dynamic evaluation at item level (docs/evaluation.md): the centre's self-assessment and
the regulator's inspection on the same checklist (checklist.py), and the fix items (整改项)
an inspection sets, followed until the regulator verifies them.

An inspection's evaluation records the `Inspection` row it makes: score, grade and
fix_deadline stay there, the one source of the grade history."""
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

KINDS = ("self", "inspection")
STATUSES = ("draft", "submitted", "recorded")
FIX_STATUSES = ("open", "reported", "verified")
NOTE_MAX = 1000


class Evaluation(db.Model):
    __tablename__ = "evaluation"
    __table_args__ = (
        CheckConstraint(enum_check("kind", KINDS), name="kind"),
        CheckConstraint(enum_check("status", STATUSES), name="status"),
        CheckConstraint("(kind = 'inspection') = (inspection_id IS NOT NULL)",
                        name="inspection_has_record"),
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 1000", name="score"),
        # One open draft self-assessment per centre.
        db.Index("uq_evaluation_open_draft", "centre_id", unique=True,
                 postgresql_where=db.text("status = 'draft'"),
                 sqlite_where=db.text("status = 'draft'")),
        db.Index("ix_evaluation_centre_kind", "centre_id", "kind", "evaluated_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    evaluated_on: Mapped[date] = mapped_column(Date)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), unique=True)
    score: Mapped[int | None] = mapped_column(Integer)
    basic_failed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    centre = relationship("Centre")
    inspection = relationship("Inspection")
    items = relationship("EvaluationItem", order_by="EvaluationItem.id",
                         cascade="all, delete-orphan", back_populates="evaluation")
    fixes = relationship("FixItem", order_by="FixItem.id", back_populates="evaluation")


class EvaluationItem(db.Model):
    __tablename__ = "evaluation_item"
    __table_args__ = (
        db.UniqueConstraint("evaluation_id", "code", name="uq_evaluation_item_code"),
        CheckConstraint("points >= 0", name="points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    points: Mapped[int] = mapped_column(Integer)
    failed: Mapped[bool] = mapped_column(Boolean, default=False)  # a basic item not met
    note: Mapped[str | None] = mapped_column(Text)

    evaluation = relationship("Evaluation", back_populates="items")


class FixItem(db.Model):
    """整改项: what an inspection found to fix on one item, by a deadline; the centre reports
    it fixed, the regulator verifies it or sends it back (open again)."""

    __tablename__ = "fix_item"
    __table_args__ = (
        CheckConstraint(enum_check("status", FIX_STATUSES), name="status"),
        CheckConstraint("status <> 'verified' OR verified_on IS NOT NULL", name="verified_dated"),
        db.Index("ix_fix_item_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    what: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    set_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    fixed_on: Mapped[date | None] = mapped_column(Date)
    fix_note: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    verified_on: Mapped[date | None] = mapped_column(Date)
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    returned_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    evaluation = relationship("Evaluation", back_populates="fixes")
    centre = relationship("Centre")
