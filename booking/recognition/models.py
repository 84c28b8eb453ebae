"""普惠 recognition (普惠性托育机构认定) and star ratings (星级示范机构): decisions of the
district's regulators with a term (docs/recognition.md)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

KINDS = ("affordable", "star")
STATUSES = ("applied", "granted", "refused", "withdrawn", "expired")
OPEN = ("applied",)
TERM_YEARS = 3
RENEW_DAYS = 90  # a renewal may be applied for this many days before the grant ends
REASON_MAX = 1000


class Recognition(db.Model):
    __tablename__ = "recognition"
    __table_args__ = (
        CheckConstraint(enum_check("kind", KINDS), name="kind"),
        CheckConstraint(enum_check("status", STATUSES), name="status"),
        # A star rating names its stars; 普惠 recognition names none.
        CheckConstraint("(kind = 'star') = (stars IS NOT NULL)", name="star_has_stars"),
        CheckConstraint("stars IS NULL OR stars BETWEEN 1 AND 5", name="stars_range"),
        CheckConstraint("status NOT IN ('granted', 'withdrawn', 'expired') OR "
                        "(valid_from IS NOT NULL AND valid_until IS NOT NULL "
                        "AND valid_until >= valid_from)", name="granted_has_term"),
        CheckConstraint("status NOT IN ('refused', 'withdrawn') OR reason IS NOT NULL",
                        name="refusal_has_reason"),
        db.Index("ix_recognition_centre_kind", "centre_id", "kind", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    kind: Mapped[str] = mapped_column(String(12))
    stars: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="applied")
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    applied_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    centre = relationship("Centre")
