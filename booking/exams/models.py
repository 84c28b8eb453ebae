"""入托体检 as a service (docs/exams.md): health institutions, the exam sessions they publish,
families' appointments, and the examination the institution enters and its doctor signs.

`HealthInstitution` is a 妇幼保健院 or 社区卫生服务中心 with its own accounts
(`app_user.role = 'institution'`, `institution_role` doctor, nurse or clerk).
`ExamSession` is one sitting (a day, a time window, a capacity); `ExamAppointment` one
child's booking in it; `ExamResult` the examination, which on signing becomes the child's
verified `HealthCheck` (source `institution`) and a growth measurement.
"""
from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer,
                        Numeric, String, Text, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import INSTITUTION_ROLES
from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

INSTITUTION_KINDS = ("maternal_child", "community", "hospital")
APPOINTMENT_STATUSES = ("booked", "cancelled", "no_show", "examined")
# A child holds at most one live appointment (booked, or examined with the result not signed).
_LIVE_SQL = "status = 'booked'"
CONCLUSIONS = ("pass", "fail", "follow_up")
RESULT_STATUSES = ("draft", "signed")
SCREENINGS = ("pass", "refer")
# The items of the national intake form (儿童入园（所）健康检查表) a session may examine;
# `ExamResult.findings` holds the physical examination by system under these codes.
SYSTEM_ITEMS = ("skin", "eyes", "ears", "nose_throat", "mouth_teeth", "head_neck", "chest",
                "heart_lungs", "abdomen", "spine_limbs", "genitals", "other")
SESSION_ITEMS = ("history", "anthropometry", "physical", "haemoglobin", "vision", "hearing",
                 "vaccination")


class HealthInstitution(db.Model):
    __tablename__ = "health_institution"
    __table_args__ = (
        CheckConstraint(enum_check("kind", INSTITUTION_KINDS), name="kind"),
        CheckConstraint("cancel_cutoff_hours BETWEEN 0 AND 168", name="cutoff"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    # Families may cancel or move an appointment until this many hours before it starts.
    cancel_cutoff_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    district = relationship("District")


class InstitutionMember(db.Model):
    """An account of a health institution: which one, and its role there. Every account with
    `role = 'institution'` has exactly one (exams/institutions.py makes both together)."""

    __tablename__ = "institution_member"
    __table_args__ = (CheckConstraint(enum_check("role", INSTITUTION_ROLES), name="role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("health_institution.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    user = relationship("User", back_populates="membership")
    institution = relationship("HealthInstitution")


class ExamSession(db.Model):
    __tablename__ = "exam_session"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        Index("ix_exam_session_institution_starts", "institution_id", "starts_at"),
        Index("ix_exam_session_starts", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("health_institution.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    # Codes from SESSION_ITEMS, and what the family brings (疫苗接种证, 母子健康手册 …).
    items: Mapped[list] = mapped_column(JSON, default=list)
    bring: Mapped[str | None] = mapped_column(Text)
    # Bumped by every booking transaction: writing this row first serialises the bookings of
    # one session on both databases (docs/design.md, Locking), as `slot.version` does.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    institution = relationship("HealthInstitution")


class ExamAppointment(db.Model):
    __tablename__ = "exam_appointment"
    __table_args__ = (
        CheckConstraint(enum_check("status", APPOINTMENT_STATUSES), name="status"),
        CheckConstraint("status != 'cancelled' OR cancelled_at IS NOT NULL",
                        name="cancelled_at_set"),
        # One live appointment per child, guarded by the database itself.
        Index("uq_exam_appointment_live_child", "child_id", unique=True,
              sqlite_where=text(_LIVE_SQL), postgresql_where=text(_LIVE_SQL)),
        Index("ix_exam_appointment_session_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    booked_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    # The hold the exam is for, when booked from one (its start date sets the validity asked).
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservation.id"))
    status: Mapped[str] = mapped_column(String(12), default="booked")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    # A move to another session cancels this one and points at the new one.
    moved_to_id: Mapped[int | None] = mapped_column(ForeignKey("exam_appointment.id"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    session = relationship("ExamSession")
    child = relationship("Child")


class ExamResult(db.Model):
    """The examination as the institution records it; signed by the examining doctor."""

    __tablename__ = "exam_result"
    __table_args__ = (
        CheckConstraint(enum_check("status", RESULT_STATUSES), name="status"),
        CheckConstraint("conclusion IS NULL OR " + enum_check("conclusion", CONCLUSIONS),
                        name="conclusion"),
        CheckConstraint("vision IS NULL OR " + enum_check("vision", SCREENINGS), name="vision"),
        CheckConstraint("hearing IS NULL OR " + enum_check("hearing", SCREENINGS),
                        name="hearing"),
        CheckConstraint("status != 'signed' OR (signed_by IS NOT NULL AND signed_at IS NOT NULL "
                        "AND conclusion IS NOT NULL AND health_check_id IS NOT NULL)",
                        name="signed_complete"),
        CheckConstraint("conclusion != 'follow_up' OR status != 'signed' OR "
                        "(follow_up_actions IS NOT NULL AND follow_up_by IS NOT NULL)",
                        name="follow_up_said"),
        CheckConstraint("height_cm IS NULL OR height_cm BETWEEN 40 AND 130", name="height"),
        CheckConstraint("weight_kg IS NULL OR weight_kg BETWEEN 1 AND 40", name="weight"),
        CheckConstraint("haemoglobin_g_l IS NULL OR haemoglobin_g_l BETWEEN 30 AND 250",
                        name="haemoglobin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("exam_appointment.id"), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("health_institution.id"), index=True)
    examined_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="draft")
    history: Mapped[str | None] = mapped_column(Text)  # 既往病史, 过敏史
    height_cm: Mapped[float | None] = mapped_column(Numeric(4, 1, asdecimal=False))
    weight_kg: Mapped[float | None] = mapped_column(Numeric(4, 2, asdecimal=False))
    # {code from SYSTEM_ITEMS: {"normal": bool, "note": str}}
    findings: Mapped[dict] = mapped_column(JSON, default=dict)
    haemoglobin_g_l: Mapped[int | None] = mapped_column(Integer)
    vision: Mapped[str | None] = mapped_column(String(8))
    hearing: Mapped[str | None] = mapped_column(String(8))
    vaccination_checked: Mapped[bool] = mapped_column(Boolean, default=False)
    vaccination_note: Mapped[str | None] = mapped_column(String(200))
    conclusion: Mapped[str | None] = mapped_column(String(12))
    follow_up_actions: Mapped[str | None] = mapped_column(Text)
    follow_up_by: Mapped[date | None] = mapped_column(Date)
    entered_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The child's verified intake check this result became when signed.
    health_check_id: Mapped[int | None] = mapped_column(ForeignKey("health_check.id"),
                                                        unique=True)

    appointment = relationship("ExamAppointment")
    institution = relationship("HealthInstitution")
