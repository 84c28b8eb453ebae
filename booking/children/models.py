"""Children and their guardians (监护人). Children's data is sensitive (PIPL art. 28, 31)."""
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime


class Child(db.Model):
    __tablename__ = "child"
    __table_args__ = (CheckConstraint("sex IS NULL OR sex IN ('f', 'm')", name="sex"),
                      CheckConstraint("older_siblings BETWEEN 0 AND 10", name="older_siblings"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))
    # 身份证号: encrypted (Fernet) and a masked copy for display, never in clear.
    id_number_encrypted: Mapped[str | None] = mapped_column(Text)
    id_number_masked: Mapped[str | None] = mapped_column(String(24))
    special_needs: Mapped[bool] = mapped_column(Boolean, default=False)
    # Twins and other multiples share a key: one waitlist unit (Dalian: 双（多）胞胎捆绑).
    multiple_birth_key: Mapped[str | None] = mapped_column(String(120), index=True)
    # Older brothers and sisters the parent declares, registered here or not (most are past
    # the platform's age): the birth order behind the second/third-child fee reduction.
    older_siblings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The city whose 育儿补贴 the child draws (户籍/居住地, as a guardian declares it); unset, the
    # city of the centre caring for the child is assumed (docs/subsidies.md, "Family entitlements").
    subsidy_city: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    guardianships: Mapped[list["Guardianship"]] = relationship(back_populates="child")


class Guardianship(db.Model):
    """Links a child to a guardian's account; a child has at most two guardians."""

    __tablename__ = "guardianship"
    __table_args__ = (
        db.UniqueConstraint("child_id", "user_id", name="uq_guardianship_child_user"),
        CheckConstraint("relation IN ('mother', 'father', 'guardian')", name="relation"),
        # At most two guardians: the database refuses a third (position is 1 or 2).
        CheckConstraint("position IN (1, 2)", name="position"),
        db.UniqueConstraint("child_id", "position", name="uq_guardianship_child_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    relation: Mapped[str] = mapped_column(String(12), default="guardian")
    position: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    child: Mapped[Child] = relationship(back_populates="guardianships")
    user = relationship("User")
