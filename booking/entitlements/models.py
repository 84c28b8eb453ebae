"""A family's application for a child allowance, and its status as the paying office reports
it (docs/subsidies.md, "Family entitlements"). The platform pays nothing: it keeps the record.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

SCHEMES = ("national", "city")
STATUSES = ("applied", "approved", "paid", "rejected")
OPEN = ("applied", "approved")
# The only moves the office's answers make: a status never goes back.
NEXT = {"applied": ("approved", "rejected"), "approved": ("paid",), "paid": (), "rejected": ()}
REFERENCE_MAX = 60
NOTE_MAX = 200


class AllowanceApplication(db.Model):
    __tablename__ = "allowance_application"
    __table_args__ = (
        CheckConstraint(enum_check("scheme", SCHEMES), name="scheme"),
        CheckConstraint(enum_check("status", STATUSES), name="status"),
        CheckConstraint("status_on >= applied_on", name="status_after_applied"),
        CheckConstraint("amount_fen IS NULL OR amount_fen >= 0", name="amount_nonnegative"),
        # At most one open application per child and scheme. Partial, not unique(child, scheme):
        # after a rejection (or once paid) the family applies again as a new row, and the
        # earlier answer stays on record instead of being overwritten.
        Index("uq_allowance_application_open", "child_id", "scheme", unique=True,
              sqlite_where=text("status IN ('applied', 'approved')"),
              postgresql_where=text("status IN ('applied', 'approved')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(8))
    city: Mapped[str] = mapped_column(String(40))
    applied_on: Mapped[date] = mapped_column(Date)
    # The office's own reference number (受理编号), when it gave one.
    reference: Mapped[str | None] = mapped_column(String(REFERENCE_MAX))
    status: Mapped[str] = mapped_column(String(10), default="applied")
    status_on: Mapped[date] = mapped_column(Date)
    # What the office reported paying (or approving), in fen.
    amount_fen: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    child = relationship("Child")
