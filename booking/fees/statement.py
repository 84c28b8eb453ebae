"""A family's monthly statement (月度账单): a line per enrolment in care that month, the lines
of every other charge source (hourly sessions plug in here), the month's ledger movements
and the balance at each centre.

Other areas add charges without this module knowing them:

    from booking.fees.statement import StatementLine, register_charge_source

    @register_charge_source
    def session_charges(parent_id: int, first: date) -> list[StatementLine]:
        ...

A source gets the parent's id and the month's first day and returns its lines (whole fen).
"""
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Callable

from sqlalchemy import select

from ..extensions import db
from ..reservations.models import Reservation
from .models import LedgerEntry
from .rules import due_for_month, fee_of, month_key, next_month, prev_month
from .services import balance_fen, month_bounds, refund_owed_fen


@dataclass
class StatementLine:
    source: str                 # e.g. "sessions"
    label: str                  # shown to the parent
    amount_fen: int
    centre_id: int | None = None
    child_id: int | None = None
    detail: dict = field(default_factory=dict)


ChargeSource = Callable[[int, date], list[StatementLine]]
CHARGE_SOURCES: list[ChargeSource] = []


def register_charge_source(func: ChargeSource) -> ChargeSource:
    """Add a source of statement lines (idempotent: registering twice keeps one)."""
    if func not in CHARGE_SOURCES:
        CHARGE_SOURCES.append(func)
    return func


def enrolment_lines(parent_id: int, first: date) -> list[dict]:
    """One line per enrolment of the family in care on some day of the month. The amount is
    what the ledger charged for it (charge − credit) once posted, else the fee the rules give."""
    from ..slots.labels import slot_label
    rows = db.session.scalars(select(Reservation).where(
        Reservation.parent_id == parent_id, Reservation.enrolled_at.is_not(None),
        Reservation.status.in_(("enrolled", "withdrawn"))).order_by(Reservation.id)).all()
    key = month_key(first)
    lines = []
    for r in rows:
        fee = fee_of(r)
        due, days, dim = due_for_month(r, first, fee)
        if days <= 0:
            continue
        ledger = db.session.execute(select(LedgerEntry.kind, LedgerEntry.amount_fen).where(
            LedgerEntry.reservation_id == r.id, LedgerEntry.month == key)).all()
        posted = any(k == "charge" for k, _a in ledger)
        if posted:
            due = sum(a if k == "charge" else -a for k, a in ledger)
        lines.append({"reservation_id": r.id, "child_id": r.child_id, "child": r.child.name,
                      "centre_id": r.slot.centre_id, "centre": r.slot.centre.name,
                      "slot": slot_label(r.slot), "base_fee_fen": fee.base_fee_fen,
                      "birth_order": fee.birth_order, "reduction_pct": fee.reduction_pct,
                      "reduction_fen": fee.reduction_fen, "monthly_fee_fen": fee.monthly_fee_fen,
                      "days_in_care": days, "days_in_month": dim, "due_fen": due,
                      "posted": posted})
    return lines


def statement(parent_id: int, first: date) -> dict:
    """Everything the family owes for the month and where its prepaid money stands."""
    lines = enrolment_lines(parent_id, first)
    other = [line for source in CHARGE_SOURCES for line in source(parent_id, first)]
    start, end = month_bounds(first)
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.parent_id == parent_id, LedgerEntry.recorded_at >= start,
        LedgerEntry.recorded_at < end).order_by(LedgerEntry.recorded_at, LedgerEntry.id)).all()
    centre_ids = sorted(set(db.session.scalars(select(LedgerEntry.centre_id).where(
        LedgerEntry.parent_id == parent_id, LedgerEntry.recorded_at < end).distinct())))
    from ..centres.models import Centre
    balances = [{"centre_id": cid, "centre": db.session.get(Centre, cid).name,
                 "balance_fen": balance_fen(cid, parent_id, before=end),
                 "refund_owed_fen": refund_owed_fen(cid, parent_id, before=end)}
                for cid in centre_ids]
    enrol_total = sum(line["due_fen"] for line in lines)
    other_total = sum(line.amount_fen for line in other)
    return {"month": month_key(first), "prev": month_key(prev_month(first)),
            "next": month_key(next_month(first)), "enrolments": lines,
            "other": [asdict(line) for line in other], "enrolment_total_fen": enrol_total,
            "other_total_fen": other_total, "total_fen": enrol_total + other_total,
            "entries": entries, "balances": balances}
