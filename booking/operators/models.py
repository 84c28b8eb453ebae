"""Operators (举办者/运营主体): an organisation that runs one or more centres (组网, 分园), and
which operator runs a centre, with its history (docs/operators.md)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime


class Operator(db.Model):
    __tablename__ = "operator"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # 统一社会信用代码, checked by credit_code.py; one operator per code.
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    legal_representative: Mapped[str] = mapped_column(String(60))
    contact_name: Mapped[str | None] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    # The district of registration: with the centres run, what puts it in a regulator's scope.
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    # Written first by a command acting on all the operator's centres (docs/design.md, Locking).
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    district = relationship("District")


class CentreOperator(db.Model):
    """One operator running one centre from `from_date` to `to_date` (its last day; NULL while
    current). A centre has at most one current row: the partial unique index holds it."""

    __tablename__ = "centre_operator"
    __table_args__ = (
        CheckConstraint("to_date IS NULL OR to_date >= from_date", name="dates"),
        Index("ux_centre_operator_current", "centre_id", unique=True,
              sqlite_where=text("to_date IS NULL"), postgresql_where=text("to_date IS NULL")),
        Index("ix_centre_operator_operator", "operator_id", "to_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"))
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    centre = relationship("Centre")
    operator = relationship(Operator)
