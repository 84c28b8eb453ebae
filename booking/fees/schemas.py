"""API schemas of fees and the prepaid ledger (money in whole fen)."""
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Id, Out, PageQuery
from ..inputs import Day
from .services import MAX_PAYMENT_FEN

Kind = Literal["payment", "charge", "credit", "refund_due", "refund_paid"]


class PaymentIn(Body):
    parent_id: Id
    amount_fen: int = Field(ge=1, le=MAX_PAYMENT_FEN)
    method: str | None = Field(None, max_length=40)
    received_on: Day | None = None
    note: str | None = Field(None, max_length=200)


class RefundPaidIn(Body):
    paid_on: Day | None = None
    method: str | None = Field(None, max_length=40)


class EntryOut(Out):
    id: int
    centre_id: int
    parent_id: int
    child_id: int | None
    reservation_id: int | None
    kind: Kind
    amount_fen: int
    signed_fen: int = Field(description="effect on the prepaid balance")
    month: str | None
    on_date: date | None
    method: str | None
    settles_id: int | None
    recorded_at: datetime
    note: str | None


class LedgerQuery(PageQuery):
    parent_id: Id | None = None


class LedgerPage(Out):
    items: list[EntryOut]
    total: int
    page: int
    per_page: int
    balance_fen: int | None = Field(None, description="the family's balance (with parent_id)")
    refund_owed_fen: int | None = None


class FeeOut(Out):
    reservation_id: int
    base_fee_fen: int
    birth_order: int
    reduction_pct: int
    reduction_fen: int
    monthly_fee_fen: int


class EnrolmentLineOut(Out):
    reservation_id: int
    child_id: int
    child: str
    centre_id: int
    centre: str
    slot: str
    base_fee_fen: int
    birth_order: int
    reduction_pct: int
    reduction_fen: int
    monthly_fee_fen: int
    days_in_care: int
    days_in_month: int
    due_fen: int
    posted: bool


class OtherLineOut(Out):
    source: str
    label: str
    amount_fen: int
    centre_id: int | None = None
    child_id: int | None = None
    detail: dict = {}


class BalanceOut(Out):
    centre_id: int
    centre: str
    balance_fen: int
    refund_owed_fen: int


class StatementOut(Out):
    month: str
    prev: str
    next: str
    enrolments: list[EnrolmentLineOut]
    other: list[OtherLineOut]
    enrolment_total_fen: int
    other_total_fen: int
    total_fen: int
    entries: list[EntryOut]
    balances: list[BalanceOut]


class ChargesIn(Body):
    month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$")


class ChargesOut(Out):
    month: str
    posted: int
