"""Employers (用人单位) and their quotas of a slot's places (单位办托, 联合办托; docs/employers.md)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime


class Employer(db.Model):
    """An employer whose employees' children a centre reserves places for. Registered by the
    centre's director: several employers may run one employer centre jointly (联合办托)."""

    __tablename__ = "employer"
    __table_args__ = (UniqueConstraint("centre_id", "credit_code",
                                       name="uq_employer_centre_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # 统一社会信用代码, checked by operators/credit_code.py.
    credit_code: Mapped[str] = mapped_column(String(18))
    contact_name: Mapped[str | None] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    centre = relationship("Centre")


class EmployerQuota(db.Model):
    """`places` of a slot reserved for the children of an employer's employees until
    `reserved_until` (a Beijing day, inclusive; NULL: for as long as the slot runs)."""

    __tablename__ = "employer_quota"
    __table_args__ = (
        UniqueConstraint("slot_id", "employer_id", name="uq_employer_quota_slot_employer"),
        CheckConstraint("places >= 1", name="places_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    places: Mapped[int] = mapped_column(Integer)
    reserved_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    employer = relationship(Employer)
    slot = relationship("Slot")
