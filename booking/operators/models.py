"""Operators (举办者/运营主体): an organisation that runs one or more centres (组网, 分园), and
which operator runs a centre, with its history (docs/operators.md)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, event, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..auth.models import STAFF_ROLES, User
from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check


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


class StaffAssignment(db.Model):
    """A staff account working at a centre in a role (docs/operators.md, Staff across
    centres). The account's own `centre_id`/`staff_role` are its *current* assignment, so
    every CENTRE-scoped rule keeps reading them; this table says where else it may switch to.
    One active row (`ended_at` NULL) per account and centre: the partial unique index."""

    __tablename__ = "staff_assignment"
    __table_args__ = (
        CheckConstraint(enum_check("staff_role", STAFF_ROLES), name="staff_role"),
        Index("ux_staff_assignment_active", "user_id", "centre_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
        Index("ix_staff_assignment_centre", "centre_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    staff_role: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])
    centre = relationship("Centre")


class OperatorManager(db.Model):
    """运营负责人: a staff account that directs every centre its operator runs now (its
    `director` assignments follow the operator's links, assignments.py)."""

    __tablename__ = "operator_manager"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), unique=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    user = relationship("User", foreign_keys=[user_id])
    operator = relationship(Operator)


@event.listens_for(Session, "before_flush")
def _first_assignment(session, _context, _instances):
    # Every way of making a staff account (an admin, a director's invitation, a centre's
    # registration, the seeds, the CLI) gets its first assignment here, so none can forget it.
    for obj in list(session.new):
        if not (isinstance(obj, User) and obj.role == "staff" and obj.staff_role):
            continue
        row = StaffAssignment(user=obj, centre_id=obj.centre_id, staff_role=obj.staff_role)
        if obj.centre is not None:
            row.centre = obj.centre
        session.add(row)
