"""The prepaid ledger (预收费台账): append-only entries; every balance is a SUM of them.

A family's prepaid balance at a centre = SUM(signed amount) of its entries there, where
payment and credit count +, charge and refund_due count −, and refund_paid counts 0 (it
settles a refund_due, which already took the money off the balance). What the centre still
owes back = SUM(refund_due) − SUM(refund_paid). Nothing is stored twice; the database
refuses UPDATE and DELETE on `ledger_entry` (migration 0006 triggers).
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, case, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

KINDS = ("payment", "charge", "credit", "refund_due", "refund_paid")
# The sign each kind has in the prepaid balance (one place only; see `signed_amount`).
SIGN = {"payment": 1, "credit": 1, "charge": -1, "refund_due": -1, "refund_paid": 0}


class LedgerAccount(db.Model):
    """One family's account at one centre. It holds no money figure (balances are sums of
    entries); its row is written first by every command that moves the balance, so two
    payments of one family are serialised on both databases (docs/design.md, Locking)."""

    __tablename__ = "ledger_account"
    __table_args__ = (db.UniqueConstraint("centre_id", "parent_id", name="uq_ledger_account_family"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class LedgerEntry(db.Model):
    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint(enum_check("kind", KINDS), name="kind"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        # A charge or credit is for one enrolment and one month; nothing else has a month.
        CheckConstraint("(kind IN ('charge', 'credit')) = (month IS NOT NULL AND reservation_id IS NOT NULL)",
                        name="charge_month"),
        CheckConstraint("month IS NULL OR length(month) = 7", name="month_format"),
        # A refund paid settles exactly one refund due (and only a refund paid does).
        CheckConstraint("(kind = 'refund_paid') = (settles_id IS NOT NULL)", name="settles"),
        # One charge and at most one credit per enrolment per month: the charge job is
        # idempotent and two schedulers cannot post a month twice.
        Index("uq_ledger_entry_month", "reservation_id", "month", "kind", unique=True,
              sqlite_where=text("kind IN ('charge', 'credit')"),
              postgresql_where=text("kind IN ('charge', 'credit')")),
        Index("ix_ledger_entry_family", "centre_id", "parent_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"))
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservation.id"))
    kind: Mapped[str] = mapped_column(String(12))
    amount_fen: Mapped[int] = mapped_column(Integer)
    month: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM, charges and credits
    # On a charge: the sibling reduction granted in it, prorated like the charge (a centre's
    # 以奖代补 claim reads it, docs/subsidies.md). NULL on charges posted before it was kept.
    reduction_fen: Mapped[int | None] = mapped_column(Integer)
    on_date: Mapped[date | None] = mapped_column(Date)  # when money was received or paid back
    method: Mapped[str | None] = mapped_column(String(40))
    settles_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    note: Mapped[str | None] = mapped_column(String(200))

    centre = relationship("Centre")
    child = relationship("Child")
    parent = relationship("User", foreign_keys=[parent_id])

    @property
    def signed_fen(self) -> int:
        return SIGN[self.kind] * self.amount_fen


def signed_amount():
    """SQL: the entry's effect on the prepaid balance."""
    return case({k: LedgerEntry.amount_fen * s for k, s in SIGN.items() if s},
                value=LedgerEntry.kind, else_=0)


def owed_amount():
    """SQL: the entry's effect on what the centre owes back."""
    return case({"refund_due": LedgerEntry.amount_fen, "refund_paid": -LedgerEntry.amount_fen},
                value=LedgerEntry.kind, else_=0)
