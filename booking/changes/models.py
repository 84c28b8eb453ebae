"""Change filings (变更备案, 《托育机构登记和备案办法（试行）》): after its first filing a centre
files each change of its record, and the district records it within working-day deadlines
(docs/changes.md)."""
import json
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

# What a change may touch, each the Centre column it updates when approved.
FIELDS = {"address": "address", "capacity": "approved_places", "manager": "manager_name",
          "scope": "care_scope", "opening_hours": "opening_hours"}
STATUSES = ("submitted", "approved", "returned", "rejected")
OPEN = ("submitted", "returned")
NOTE_MAX = 2000
# Working days from receipt (备案办法): the filing recorded within 5, and the centre told
# within 15 when something does not comply.
RECORD_DAYS = 5
NOTICE_DAYS = 15


class CentreChange(db.Model):
    __tablename__ = "centre_change"
    __table_args__ = (
        CheckConstraint(enum_check("status", STATUSES), name="status"),
        # A refusal or a return always says why.
        CheckConstraint("status NOT IN ('returned', 'rejected') OR reason IS NOT NULL",
                        name="reason_given"),
        # One open change per centre: a second is refused even when two arrive at once.
        Index("uq_centre_change_open", "centre_id", unique=True,
              sqlite_where=text("status IN ('submitted', 'returned')"),
              postgresql_where=text("status IN ('submitted', 'returned')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="submitted", index=True)
    # {"capacity": {"old": "60", "new": "80"}, ...}: the values as the director saw and asked.
    items: Mapped[str] = mapped_column(Text)
    # The materials filed with the change (what was sent and how), listed by the centre.
    materials: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    received_on: Mapped[date] = mapped_column(Date)
    record_due_on: Mapped[date] = mapped_column(Date)
    notice_due_on: Mapped[date] = mapped_column(Date)
    # True when a deadline was counted over a year whose holidays are not yet published.
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reason: Mapped[str | None] = mapped_column(Text)

    centre = relationship("Centre")
    district = relationship("District")

    @property
    def changes(self) -> dict:
        return json.loads(self.items or "{}")
