"""Fees and the prepaid ledger on /api/v1 (docs/fees.md)."""
from flask import g
from flask_babel import gettext as _

from ..api.framework import endpoint
from ..api.pagination import page_of
from ..clock import today
from ..errors import ValidationFailed
from ..reservations.services import visible_reservation
from . import queries, services
from .models import LedgerEntry
from .rules import fee_of, month_key, parse_month
from .schemas import (ChargesIn, ChargesOut, EntryOut, FeeOut, LedgerPage, LedgerQuery,
                      PaymentIn, RefundPaidIn, StatementOut)
from .statement import statement


def entry_out(e: LedgerEntry) -> dict:
    return {"id": e.id, "centre_id": e.centre_id, "parent_id": e.parent_id,
            "child_id": e.child_id, "reservation_id": e.reservation_id, "kind": e.kind,
            "amount_fen": e.amount_fen, "signed_fen": e.signed_fen, "month": e.month,
            "on_date": e.on_date, "method": e.method, "settles_id": e.settles_id,
            "recorded_at": e.recorded_at, "note": e.note}


def _month(text: str):
    first = parse_month(text)
    if first is None:
        raise ValidationFailed(errors={"month": [_("月份格式应为 YYYY-MM")]})
    return first


@endpoint("/statements/<month>", summary="The parent's own statement for a month (YYYY-MM)",
          tags=["fees"], permission="statement.read", response=StatementOut, errors=(422,))
def get_statement(month: str):
    s = statement(g.api_user.id, _month(month))
    return dict(s, entries=[entry_out(e) for e in s["entries"]])


@endpoint("/reservations/<int:reservation_id>/fee",
          summary="An enrolment's monthly fee after the second/third-child reduction",
          tags=["fees"], permission="reservation.read", response=FeeOut)
def get_fee(reservation_id: int):
    r = visible_reservation(reservation_id, g.api_user)
    fee = fee_of(r)
    return {"reservation_id": r.id, "base_fee_fen": fee.base_fee_fen,
            "birth_order": fee.birth_order, "reduction_pct": fee.reduction_pct,
            "reduction_fen": fee.reduction_fen, "monthly_fee_fen": fee.monthly_fee_fen}


def _own_centre(centre_id: int):
    return services._staff_centre(g.api_user, centre_id, "fees.read")


@endpoint("/centres/<int:centre_id>/ledger", summary="The centre's prepaid ledger (its staff)",
          tags=["fees"], permission="fees.read", query=LedgerQuery, response=LedgerPage)
def get_ledger(centre_id: int, query: LedgerQuery):
    centre = _own_centre(centre_id)
    rows, total = queries.ledger_entries(centre.id, parent_id=query.parent_id, page=query.page,
                                         per_page=query.per_page)
    family = query.parent_id
    return dict(page_of([entry_out(e) for e in rows], total, query),
                balance_fen=services.balance_fen(centre.id, family) if family else None,
                refund_owed_fen=services.refund_owed_fen(centre.id, family) if family else None)


@endpoint("/centres/<int:centre_id>/payments", "POST",
          summary="Record a payment received (refused over max_prepaid_months of fees)",
          tags=["fees"], permission="fees.record", body=PaymentIn, response=EntryOut, status=201,
          errors=(409,), idempotent=True)
def create_payment(centre_id: int, body: PaymentIn):
    _own_centre(centre_id)
    e = services.record_payment(centre_id, body.parent_id, body.amount_fen, g.api_user,
                                method=body.method, received_on=body.received_on, note=body.note)
    return entry_out(e)


@endpoint("/ledger/<int:entry_id>/refund-paid", "POST",
          summary="Record that a refund due was paid back to the family", tags=["fees"],
          permission="fees.record", body=RefundPaidIn, response=EntryOut, status=201,
          errors=(409,))
def refund_paid(entry_id: int, body: RefundPaidIn):
    e = services.mark_refund_paid(entry_id, g.api_user, paid_on=body.paid_on, method=body.method)
    return entry_out(e)


@endpoint("/centres/<int:centre_id>/charges", "POST",
          summary="Post the month's fees of the centre's enrolments (once each)", tags=["fees"],
          permission="fees.record", body=ChargesIn, response=ChargesOut, errors=(422,))
def post_charges(centre_id: int, body: ChargesIn):
    _own_centre(centre_id)
    month = body.month or month_key(today().replace(day=1))
    _month(month)
    return {"month": month, "posted": services.post_monthly_charges(
        month, centre_id=centre_id, actor=g.api_user)}
