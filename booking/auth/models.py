"""Accounts, roles and API tokens."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

ROLES = ("parent", "staff", "regulator", "admin", "institution")
# What a staff account may do at its centre (auth/permissions.py; docs/permissions.md).
STAFF_ROLES = ("director", "carer", "health", "finance")
# What an account of a health institution (妇幼保健院, 社区卫生服务中心) may do there
# (docs/exams.md): the doctor examines and signs, the nurse measures, the clerk books.
INSTITUTION_ROLES = ("doctor", "nurse", "clerk")


class User(UserMixin, db.Model):
    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(enum_check("role", ROLES), name="role"),
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL OR deleted_at IS NOT NULL",
                        name="has_login"),
        # Staff always belong to a centre; nobody else does.
        CheckConstraint("(role = 'staff') = (centre_id IS NOT NULL)", name="staff_centre"),
        CheckConstraint("locale IN ('zh_Hans_CN', 'en')", name="locale"),
        # Every staff account has exactly one staff role; nobody else has one.
        CheckConstraint("(role = 'staff') = (staff_role IS NOT NULL) AND (staff_role IS NULL OR "
                        + enum_check("staff_role", STAFF_ROLES) + ")", name="staff_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    # The user's openid in the WeChat mini-program, for subscription messages (docs/notices.md).
    wechat_openid: Mapped[str | None] = mapped_column(String(64))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(12), default="parent")
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)
    staff_role: Mapped[str | None] = mapped_column(String(12))
    # Regulators' jurisdiction (regulator/jurisdiction.py): their district, else the city named
    # in `city`, else the whole country only when `national` is set; none of them holds nothing.
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    city: Mapped[str | None] = mapped_column(String(40))
    national: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    locale: Mapped[str] = mapped_column(String(12), default="zh_Hans_CN")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of every session and remember-me cookie (get_id): raising it ends them all at once
    # (logout, a password change or reset, deactivation).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # PIPL art. 31: a guardian consents to the handling of the child's information.
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_version: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    centre = relationship("Centre", foreign_keys=[centre_id])
    district = relationship("District", foreign_keys=[district_id])
    # An institution account's institution and role there (exams/models.py); a row of its own
    # so that app_user is not rebuilt on SQLite to gain a foreign key.
    membership = relationship("InstitutionMember", uselist=False, back_populates="user")

    @property
    def institution_id(self) -> int | None:
        return self.membership.institution_id if self.role == "institution" and self.membership \
            else None

    @property
    def institution_role(self) -> str | None:
        return self.membership.role if self.role == "institution" and self.membership else None

    @property
    def is_active(self):  # Flask-Login refuses inactive and deleted accounts
        return self.active and self.deleted_at is None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version or 0}"

    @property
    def login(self) -> str:
        return self.email or self.phone or ""


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored, so a database leak leaks no tokens."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class PasswordReset(db.Model):
    """A one-time link to set a new password, made by an admin. Only the token's SHA-256 is
    stored; the link works once (`used_at`) and until `expires_at`."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
