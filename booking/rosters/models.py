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
        # A person (by the keyed hash of the ID number, booking/workforce/identity.py) is on
        # a centre's active register once. Several centres' registers only within one
        # register scope (one operator): person_key, below, holds that.
        Index("uq_staff_member_active_centre_person", "centre_id", "id_number_hash",
              unique=True, postgresql_where=text("active"), sqlite_where=text("active")),
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
    # Set on active rows with an ID number: the person's StaffPerson.scope_key. Every active
    # row of a person thus names the one scope the person has (docs/workforce.md, 挂靠).
    person_key: Mapped[str | None] = mapped_column(
        String(90), ForeignKey("staff_person.scope_key"), index=True)

    centre = relationship("Centre")


class StaffPerson(db.Model):
    """One row per person ever given an ID number: the register scope the person's active
    staff rows share ('o<operator id>', or 'c<centre id>' for a centre run by no operator)
    and the row the register and the roster lock for that person (persons.lock_person)."""
    __tablename__ = "staff_person"
    __table_args__ = (
        CheckConstraint("scope_key = id_number_hash || ':' || scope", name="scope_key"),
    )

    id_number_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    scope: Mapped[str] = mapped_column(String(24))
    scope_key: Mapped[str] = mapped_column(String(90), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


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
