"""Staff records, qualifications and shifts (排班)."""
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..types import UTCDateTime, enum_check

# 保育师 (childcare_worker) has five skill levels, 5 = 五级/初级 … 1 = 一级/高级技师.
STAFF_ROLES = ("childcare_worker", "infant_carer", "teacher", "health_worker", "security",
               "cook", "manager")
CARER_ROLES = ("childcare_worker", "infant_carer", "teacher")


class StaffMember(db.Model):
    __tablename__ = "staff_member"
    __table_args__ = (
        CheckConstraint(enum_check("role", STAFF_ROLES), name="role"),
        CheckConstraint("qualification_level IS NULL OR qualification_level BETWEEN 1 AND 5",
                        name="level"),
        # One carer, one centre (Guangdong blocks 挂靠): a person's ID number (by its keyed
        # lookup hash, booking/workforce/identity.py) may be on one active staff list only.
        Index("uq_staff_member_active_person", "id_number_hash", unique=True,
              postgresql_where=text("active"), sqlite_where=text("active")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    qualification_level: Mapped[int | None] = mapped_column(Integer)
    certificate_no: Mapped[str | None] = mapped_column(String(60))
    certificate_expires_on: Mapped[date | None] = mapped_column(Date)
    health_cert_expires_on: Mapped[date | None] = mapped_column(Date)
    background_checked_on: Mapped[date | None] = mapped_column(Date)
    background_check_expires_on: Mapped[date | None] = mapped_column(Date)
    # 身份证号: encrypted (Fernet, like children's), a masked copy for display, and a keyed
    # HMAC for the one-centre rule; never in clear.
    id_number_encrypted: Mapped[str | None] = mapped_column(Text)
    id_number_masked: Mapped[str | None] = mapped_column(String(24))
    id_number_hash: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    centre = relationship("Centre")


class Shift(db.Model):
    __tablename__ = "shift"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("centre_group.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    staff_member = relationship("StaffMember")
    group = relationship("Group")
