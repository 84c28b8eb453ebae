"""Complaints (社会监督, 《西安市托育服务管理办法》 §17): the public's complaints about a centre,
handled by the regulators of its district (docs/complaints.md)."""
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

CATEGORIES = ("safety", "health", "fees", "care", "staffing", "other")
STATUSES = ("received", "centre_asked", "answered", "closed")
OUTCOMES = ("upheld", "partly_upheld", "not_upheld")
BODY_MAX = 2000
# Working days (booking/regulator/workdays.py): the regulator's answer from receipt, the
# centre's account from being asked (docs/complaints.md, Deadlines).
ANSWER_DAYS = 15
ACCOUNT_DAYS = 5


class Complaint(db.Model):
    __tablename__ = "complaint"
    __table_args__ = (
        CheckConstraint(enum_check("category", CATEGORIES), name="category"),
        CheckConstraint(enum_check("status", STATUSES), name="status"),
        CheckConstraint("outcome IS NULL OR " + enum_check("outcome", OUTCOMES), name="outcome"),
        # A closed complaint has its outcome; an open one has none yet.
        CheckConstraint("(status = 'closed') = (outcome IS NOT NULL)", name="closed_has_outcome"),
        # An anonymous complaint keeps a way to send the answer.
        CheckConstraint("anonymous = false OR contact IS NOT NULL", name="anonymous_has_contact"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    category: Mapped[str] = mapped_column(String(12))
    body: Mapped[str] = mapped_column(Text)
    complainant_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # Phone or email for the answer: shown to the district's regulators only, never the centre.
    contact: Mapped[str | None] = mapped_column(String(120))
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="received", index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    due_on: Mapped[date] = mapped_column(Date)
    # True when a deadline was counted over a year whose holidays are not yet published.
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    account_due_on: Mapped[date | None] = mapped_column(Date)
    account: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_text: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))

    centre = relationship("Centre")
    district = relationship("District")
    inspection = relationship("Inspection")
