"""The prepaid ledger's commands: payments received, monthly charges, refunds due and paid.

预收费 (docs/fees.md, Payments and the prepaid limit): *default* no more than 3 months collected ahead (the city's
`max_prepaid_months`); every payment and refund is a ledger entry; on withdrawal or closure
the unused balance is owed back. Every command writes the family's account row first
(`lock_account`), so concurrent commands on one family's money are serialised on both
databases; each writes its audit events in the same transaction.
"""
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, text, update

from ..audit.services import record
from ..auth.permissions import allowed, can
from ..centres.models import Centre
from ..centres.services import policy_for
from ..clock import local_date, start_of_day
from ..clock import now as clock_now
from ..errors import Forbidden, NotFound, PrepaidLimit, ValidationFailed
from ..extensions import db
from ..reservations.models import Reservation, Status
from ..transactions import command
from ..slots.models import Slot
from .models import LedgerAccount, LedgerEntry, owed_amount, signed_amount
from .rules import (due_for_month, fee_of, month_end, month_key, next_month, parse_month,
                    prorate)

MAX_PAYMENT_FEN = 10_000_000  # 100,000 yuan: far above any real payment, far below int32


def _dialect_insert(model):
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def lock_account(centre_id: int, parent_id: int) -> LedgerAccount:
    """Make the family's account row if missing, then write it, taking its lock.

    Why write and not SELECT ... FOR UPDATE: the latter renders nothing on SQLite, where only
    a write takes the database's write lock (the same reason as places/locking.py). On
    PostgreSQL two first payments insert the same key: the second waits for the first's
    commit, inserts nothing, then waits on the row lock and reads the first's entries.
    """
    db.session.execute(_dialect_insert(LedgerAccount).values(
        centre_id=centre_id, parent_id=parent_id, version=0, created_at=clock_now())
        .on_conflict_do_nothing(index_elements=["centre_id", "parent_id"]))
    db.session.execute(update(LedgerAccount).where(
        LedgerAccount.centre_id == centre_id, LedgerAccount.parent_id == parent_id)
        .values(version=LedgerAccount.version + 1).execution_options(synchronize_session=False))
    return db.session.scalar(select(LedgerAccount).where(
        LedgerAccount.centre_id == centre_id, LedgerAccount.parent_id == parent_id)
        .execution_options(populate_existing=True))


# --- figures (all sums of entries) ----------------------------------------------------------

def balance_fen(centre_id: int, parent_id: int, before: datetime | None = None) -> int:
    """The family's prepaid balance at the centre: the sum of its entries' signed amounts
    (negative: fees charged and not yet paid)."""
    stmt = select(func.coalesce(func.sum(signed_amount()), 0)).where(
        LedgerEntry.centre_id == centre_id, LedgerEntry.parent_id == parent_id)
    if before is not None:
        stmt = stmt.where(LedgerEntry.recorded_at < before)
    return int(db.session.scalar(stmt))


def refund_owed_fen(centre_id: int, parent_id: int, before: datetime | None = None) -> int:
    """Refunds due to the family and not yet paid back."""
    stmt = select(func.coalesce(func.sum(owed_amount()), 0)).where(
        LedgerEntry.centre_id == centre_id, LedgerEntry.parent_id == parent_id)
    if before is not None:
        stmt = stmt.where(LedgerEntry.recorded_at < before)
    return int(db.session.scalar(stmt))


def enrolments_at(centre_id: int, parent_id: int) -> list[Reservation]:
    """The family's current enrolments at the centre that are not leaving (the account holder
    is the guardian who made the reservation): what may still be paid ahead for."""
    return db.session.scalars(select(Reservation).join(Slot).where(
        Slot.centre_id == centre_id, Reservation.parent_id == parent_id,
        Reservation.status == Status.ENROLLED, Reservation.leaves_on.is_(None))
        .order_by(Reservation.id)).all()


def monthly_fees_fen(centre_id: int, parent_id: int) -> int:
    return sum(fee_of(r).monthly_fee_fen for r in enrolments_at(centre_id, parent_id))


def _max_months(centre: Centre) -> int:
    policy = policy_for(centre.district.city)
    return policy.max_prepaid_months if policy else 3


def prepaid_limit_fen(centre: Centre, parent_id: int) -> int:
    """max_prepaid_months (per city, *default* 3) × the family's current monthly fees at the
    centre. No enrolment there: 0, so nothing may be paid ahead."""
    return _max_months(centre) * monthly_fees_fen(centre.id, parent_id)


# --- commands -------------------------------------------------------------------------------

def _staff_centre(actor, centre_id: int, action: str = "fees.record") -> Centre:
    """The centre, when `actor` may do `action` there (auth/permissions.py).

    :raises Forbidden: a role without the action. :raises NotFound: a centre out of reach.
    """
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        raise NotFound()
    if not allowed(actor, action):
        raise Forbidden()
    if not can(actor, action, centre):
        raise NotFound()
    return centre


def _is_family_of(centre_id: int, parent_id: int) -> bool:
    return db.session.scalar(select(Reservation.id).join(Slot).where(
        Slot.centre_id == centre_id, Reservation.parent_id == parent_id).limit(1)) is not None


@command
def record_payment(centre_id: int, parent_id: int, amount_fen: int, actor, *, method=None,
                   received_on: date | None = None, note=None, now=None) -> LedgerEntry:
    """Staff record money received from a family (no payment gateway: 预收费 by the centre).

    Refused when the family's balance after it would exceed max_prepaid_months × its
    current monthly fees at the centre (exactly at the limit is allowed).
    :raises NotFound: no such centre, not the actor's, or not a family of the centre.
    :raises ValidationFailed: amount not positive or too large, a receipt date in the future.
    :raises PrepaidLimit: over the limit (`extra` says the most that may be taken).
    """
    now = now or clock_now()
    centre = _staff_centre(actor, centre_id)
    today = local_date(now)
    errors = {}
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        errors["amount_fen"] = [_("金额必须大于 0")]
    elif amount_fen > MAX_PAYMENT_FEN:
        errors["amount_fen"] = [_("金额不能超过 %(n)s 元", n=f"{MAX_PAYMENT_FEN // 100:,}")]
    if received_on is not None and received_on > today:
        errors["received_on"] = [_("收款日期不能晚于今天")]
    if not _is_family_of(centre.id, parent_id):
        errors["parent_id"] = [_("该家庭在本机构没有预约或入托记录")]
    if errors:
        raise ValidationFailed(errors=errors)
    lock_account(centre.id, parent_id)
    balance = balance_fen(centre.id, parent_id)
    limit = prepaid_limit_fen(centre, parent_id)
    if balance + amount_fen > limit:
        room = max(limit - balance, 0)
        raise PrepaidLimit(
            _("预收费最多 %(months)s 个月：本次最多可收 %(room)s 元（当前余额 %(bal)s 元，上限 %(limit)s 元）",
              months=_max_months(centre), room=f"{room / 100:,.2f}", bal=f"{balance / 100:,.2f}", limit=f"{limit / 100:,.2f}"),
            extra={"limit_fen": limit, "balance_fen": balance, "max_amount_fen": room})
    entry = LedgerEntry(centre_id=centre.id, parent_id=parent_id, kind="payment",
                        amount_fen=amount_fen, on_date=received_on or today,
                        method=(method or "").strip()[:40] or None,
                        note=(note or "").strip()[:200] or None, recorded_by=actor.id,
                        recorded_at=now)
    db.session.add(entry)
    db.session.flush()
    record("ledger.payment", entry, actor=actor, centre_id=centre.id,
           after={"parent_id": parent_id, "amount_fen": amount_fen,
                  "balance_fen": balance + amount_fen})
    db.session.commit()
    return entry


def _post(r: Reservation, kind: str, first: date, amount: int, actor, now,
          reduction: int | None = None) -> int | None:
    """Insert a charge or credit unless that reservation-month already has one (the unique
    index settles it, so two schedulers never post twice). Returns the new id or None.
    `reduction`: on a charge, the sibling reduction granted in it (a subsidy claim reads it)."""
    new_id = db.session.scalar(_dialect_insert(LedgerEntry).values(
        centre_id=r.slot.centre_id, parent_id=r.parent_id, child_id=r.child_id,
        reservation_id=r.id, kind=kind, amount_fen=amount, month=month_key(first),
        reduction_fen=reduction, recorded_by=actor.id if actor else None, recorded_at=now)
        .on_conflict_do_nothing(index_elements=["reservation_id", "month", "kind"],
                                index_where=text("kind IN ('charge', 'credit')"))
        .returning(LedgerEntry.id))
    if new_id is not None:
        record(f"ledger.{kind}", ("ledger_entry", new_id), actor=actor, centre_id=r.slot.centre_id,
               after={"reservation_id": r.id, "month": month_key(first), "amount_fen": amount},
               at=now)
    return new_id


@command
def post_monthly_charges(month: str | None = None, *, centre_id: int | None = None, actor=None,
                         now=None) -> int:
    """Charge each enrolment its fee for the month (default: this month), once.

    The fee is prorated by calendar day when care starts within the month. A job
    (jobs.py, hourly) and the staff page (one centre) call it; running it again, or in two
    processes at once, posts nothing twice. Returns how many charges were posted.
    """
    now = now or clock_now()
    first = parse_month(month) if month else local_date(now).replace(day=1)
    if first is None:
        raise ValidationFailed(errors={"month": [_("月份格式应为 YYYY-MM")]})
    charged = select(LedgerEntry.id).where(LedgerEntry.reservation_id == Reservation.id,
                                           LedgerEntry.kind == "charge",
                                           LedgerEntry.month == month_key(first))
    # Only enrolments not yet charged this month are locked and looked at, so an hourly run
    # that has nothing to do writes nothing.
    stmt = select(Reservation.id).join(Slot).where(
        Reservation.status == Status.ENROLLED, Slot.starts_on <= month_end(first), ~charged.exists())
    if centre_id is not None:
        stmt = stmt.where(Slot.centre_id == centre_id)
    posted = 0
    for rid in db.session.scalars(stmt.order_by(Reservation.id)).all():
        r = db.session.get(Reservation, rid)
        lock_account(r.slot.centre_id, r.parent_id)
        db.session.refresh(r)
        if r.status != Status.ENROLLED:  # withdrawn meanwhile: its settlement charged it
            continue
        fee = fee_of(r, first)
        due, days, dim = due_for_month(r, first, fee)
        if due > 0 and _post(r, "charge", first, due, actor, now,
                             prorate(fee.reduction_fen, days, dim)) is not None:
            posted += 1
    db.session.commit()
    return posted


def settle_reservation(r: Reservation, actor, now) -> None:
    """An enrolment ended: make its months' charges match its last day in care. Charges
    posted for days after it are credited back; the current month (and any month up to a
    later leaving date) is charged if the job has not yet. Months before the current one
    that were never charged stay so (they predate the ledger). Only flushes; the caller
    holds the family's account lock."""
    current = local_date(now).replace(day=1)
    rows = db.session.execute(select(LedgerEntry.kind, LedgerEntry.month, LedgerEntry.amount_fen)
                              .where(LedgerEntry.reservation_id == r.id,
                                     LedgerEntry.kind.in_(("charge", "credit")))).all()
    posted = {(k, m): a for k, m, a in rows}
    months = {parse_month(m) for _k, m, _a in rows}
    from .rules import care_last_day
    last = care_last_day(r)
    m = current
    while last is not None and m <= last:
        months.add(m)
        m = next_month(m)
    fee = fee_of(r)
    for first in sorted(months):
        due, days, dim = due_for_month(r, first, fee)
        key = month_key(first)
        charged, credited = posted.get(("charge", key), 0), posted.get(("credit", key), 0)
        if not charged and due > 0 and first >= current:
            _post(r, "charge", first, due, actor, now, prorate(fee.reduction_fen, days, dim))
        elif charged and not credited and charged > due:
            _post(r, "credit", first, charged - due, actor, now)


def refund_unused(centre: Centre, parent_id: int, actor, now, *, reservation_id=None,
                  reason: str = "") -> LedgerEntry | None:
    """Turn the family's unused balance at the centre into a refund due (balance after: what
    its remaining enrolments there may still hold ahead, i.e. 0 when none remain). Only
    flushes; the caller holds the family's account lock."""
    balance = balance_fen(centre.id, parent_id)
    keep = prepaid_limit_fen(centre, parent_id)
    amount = balance - keep
    if amount <= 0:
        return None
    entry = LedgerEntry(centre_id=centre.id, parent_id=parent_id, reservation_id=reservation_id,
                        kind="refund_due", amount_fen=amount,
                        recorded_by=actor.id if actor else None, recorded_at=now,
                        note=(reason or "")[:200] or None)
    db.session.add(entry)
    db.session.flush()
    record("ledger.refund_due", entry, actor=actor, centre_id=centre.id, reason=reason or None,
           after={"parent_id": parent_id, "amount_fen": amount, "balance_fen": balance - amount},
           at=now)
    return entry


def on_withdrawal(r: Reservation, actor, now) -> LedgerEntry | None:
    """reservations.leaving.end_care: settle the enrolment's charges, then owe back what the
    family's balance holds beyond its remaining enrolments' limit. Only flushes."""
    centre = r.slot.centre
    lock_account(centre.id, r.parent_id)
    settle_reservation(r, actor, now)
    return refund_unused(centre, r.parent_id, actor, now, reservation_id=r.id,
                         reason="withdrawal")


def on_leaving_changed(r: Reservation, actor, now) -> LedgerEntry | None:
    """reservations.services.change_leaving: make this and later months' charges match the
    corrected leaving date (None: the child stays), then owe back any balance beyond what may
    be kept. Only flushes; the caller rolls back on an error.

    The ledger holds one charge and one credit per enrolment-month (the unique index keeps
    the monthly job idempotent), so a month settled by the earlier date that would need a
    second charge or credit cannot be restated here.
    :raises Conflict: naming that month; nothing is posted.
    """
    from ..errors import Conflict
    from .rules import care_last_day
    centre = r.slot.centre
    lock_account(centre.id, r.parent_id)
    current = local_date(now).replace(day=1)
    rows = db.session.execute(select(LedgerEntry.kind, LedgerEntry.month, LedgerEntry.amount_fen)
                              .where(LedgerEntry.reservation_id == r.id,
                                     LedgerEntry.kind.in_(("charge", "credit")))).all()
    posted = {(k, m): a for k, m, a in rows}
    months = {parse_month(m) for _k, m, _a in rows} | {current}
    last = care_last_day(r)
    m = current
    while last is not None and m <= last:
        months.add(m)
        m = next_month(m)
    fee = fee_of(r)
    plan = []
    for first in sorted(x for x in months if x >= current):
        due, days, dim = due_for_month(r, first, fee)
        key = month_key(first)
        charged, credited = posted.get(("charge", key), 0), posted.get(("credit", key), 0)
        net = charged - credited
        if net == due or (not charged and due <= 0):
            continue
        if not charged:
            plan.append(("charge", first, due))
        elif net > due and not credited:
            plan.append(("credit", first, charged - due))
        else:
            raise Conflict(_("%(month)s 的费用已按原离园日期结算，不能自动更改离园日期", month=key))
    for kind, first, amount in plan:
        _post(r, kind, first, amount, actor, now)
    if r.leaves_on is None:
        return None
    return refund_unused(centre, r.parent_id, actor, now, reservation_id=r.id,
                         reason="withdrawal")


def on_closure(centre: Centre, ended: list[Reservation], actor, now) -> list[LedgerEntry]:
    """regulator.closure.end_places: settle every ended enrolment, then every family with an
    account at the centre gets its whole positive balance as a refund due (关停: 预收费退还).
    Only flushes."""
    parents = set(db.session.scalars(select(LedgerAccount.parent_id).where(
        LedgerAccount.centre_id == centre.id)))
    parents |= {r.parent_id for r in ended if r.enrolled_at is not None}
    refunds = []
    for parent_id in sorted(parents):
        lock_account(centre.id, parent_id)
        for r in ended:
            if r.parent_id == parent_id and r.enrolled_at is not None:
                settle_reservation(r, actor, now)
        entry = refund_unused(centre, parent_id, actor, now, reason="closure")
        if entry is not None:
            refunds.append(entry)
    return refunds


@command
def mark_refund_paid(entry_id: int, actor, *, paid_on: date | None = None, method=None,
                     now=None) -> LedgerEntry:
    """Staff record that a refund due was paid back to the family (once).

    :raises NotFound: no such refund due at the actor's centre. :raises Conflict: paid already.
    :raises ValidationFailed: a date in the future.
    """
    from ..errors import Conflict
    now = now or clock_now()
    due = db.session.get(LedgerEntry, entry_id)
    if due is None or due.kind != "refund_due":
        raise NotFound()
    centre = _staff_centre(actor, due.centre_id)
    today = local_date(now)
    if paid_on is not None and paid_on > today:
        raise ValidationFailed(errors={"paid_on": [_("退款日期不能晚于今天")]})
    lock_account(centre.id, due.parent_id)
    if db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.settles_id == due.id)):
        raise Conflict(_("这笔退款已登记为已退"))
    entry = LedgerEntry(centre_id=centre.id, parent_id=due.parent_id, kind="refund_paid",
                        amount_fen=due.amount_fen, settles_id=due.id, on_date=paid_on or today,
                        method=(method or "").strip()[:40] or None, recorded_by=actor.id,
                        recorded_at=now)
    db.session.add(entry)
    db.session.flush()
    record("ledger.refund_paid", entry, actor=actor, centre_id=centre.id,
           after={"parent_id": due.parent_id, "amount_fen": due.amount_fen, "settles": due.id})
    db.session.commit()
    return entry


# --- lists for pages ------------------------------------------------------------------------

def month_bounds(first: date) -> tuple[datetime, datetime]:
    return start_of_day(first), start_of_day(next_month(first))
