"""The fee of an enrolment: the slot's monthly fee, less the second/third-child reduction
(西安: 二孩三孩托费减免, a percentage per birth order set by each city), prorated by calendar
day for a month the child is in care only in part. docs/fees.md states each rule.

All money is whole fen (int); no float ever touches it.
"""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from ..centres.services import policy_for
from ..clock import local_date
from ..reservations.models import Status
from ..extensions import db


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to a whole number, halves up (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def reduction_fen(base_fen: int, pct: int) -> int:
    """The reduction in whole fen, rounded half up: 1,234.50 yuan × 10 % = 123.45 → 12,345 fen;
    999 fen × 15 % = 149.85 → 150 fen."""
    return round_half_up(base_fen * pct, 100)


def prorate(fee_fen: int, days_in_care: int, days_in_month: int) -> int:
    """The month's share of a monthly fee, by calendar days, rounded half up to the fen."""
    if days_in_care <= 0:
        return 0
    if days_in_care >= days_in_month:
        return fee_fen
    return round_half_up(fee_fen * days_in_care, days_in_month)


def pct_for_order(order: int, policy) -> int:
    """First child: none; second: the city's second-child rate; third and later: the third."""
    if policy is None or order < 2:
        return 0
    return policy.second_child_reduction_pct if order == 2 else policy.third_child_reduction_pct


# --- months -------------------------------------------------------------------------------

def parse_month(text: str) -> date | None:
    """'2026-11' → date(2026, 11, 1); anything else → None."""
    if not isinstance(text, str) or len(text) != 7 or text[4] != "-":
        return None
    try:
        first = date(int(text[:4]), int(text[5:]), 1)
    except ValueError:
        return None
    return first if 2000 <= first.year <= 2200 else None


def month_key(first: date) -> str:
    return f"{first.year:04d}-{first.month:02d}"


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def next_month(first: date) -> date:
    return (month_end(first) + timedelta(days=1))


def prev_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def days_in_care(first: date, start: date, last: date | None) -> int:
    """Calendar days of month `first` from `start` to `last` (inclusive; None: open-ended)."""
    lo = max(first, start)
    hi = month_end(first) if last is None else min(month_end(first), last)
    return max((hi - lo).days + 1, 0)


# --- the family and its birth order ---------------------------------------------------------

def family_of(child_id: int) -> list:
    """The child's family: every child sharing at least one guardian with it (itself
    included), oldest first; children born the same day (twins) in the order they were
    registered. Where the older children are (another centre, a kindergarten, at home) does
    not matter: the reduction is for the family's second or third child."""
    from ..children.models import Child, Guardianship
    guardians = select(Guardianship.user_id).where(Guardianship.child_id == child_id)
    return db.session.scalars(
        select(Child).join(Guardianship).where(Guardianship.user_id.in_(guardians))
        .distinct().order_by(Child.birth_date, Child.id)).all()


def birth_order(child) -> int:
    """1 for the eldest; the count of family children born before it (or the same day and
    registered earlier), or the older siblings the parent declared if more, plus one."""
    from ..children.models import Child, Guardianship
    guardians = select(Guardianship.user_id).where(Guardianship.child_id == child.id)
    older = db.session.scalar(
        select(func.count(func.distinct(Child.id))).join(Guardianship)
        .where(Guardianship.user_id.in_(guardians), Child.id != child.id,
               or_(Child.birth_date < child.birth_date,
                   and_(Child.birth_date == child.birth_date, Child.id < child.id))))
    return max(older or 0, child.older_siblings or 0) + 1


# --- the fee of an enrolment --------------------------------------------------------------

@dataclass(frozen=True)
class Fee:
    base_fee_fen: int      # the slot's fee (an affordable place: never above the city cap)
    birth_order: int
    reduction_pct: int
    reduction_fen: int
    monthly_fee_fen: int   # base − reduction


def fee_of(reservation, on: date | None = None) -> Fee:
    """The monthly fee of an enrolment on `on` (default today): the current slot fee, the family
    and the city policy version in force that day (a month is charged with the version in force
    on its first day, docs/subsidies.md).

    Affordable places (普惠): the fee charged never exceeds the city's guidance price, even if
    the cap was lowered after the slot was published: reduced ≤ base ≤ cap.
    """
    slot = reservation.slot
    policy = policy_for(slot.centre.district.city, on)
    base = slot.monthly_fee_fen
    cap = policy.affordable_cap_fen(slot.age_band) if policy and slot.category == "affordable" else None
    if cap is not None:
        base = min(base, cap)
    order = birth_order(reservation.child)
    pct = pct_for_order(order, policy)
    cut = reduction_fen(base, pct)
    fee = Fee(base, order, pct, cut, base - cut)
    assert 0 <= fee.monthly_fee_fen <= fee.base_fee_fen
    assert cap is None or fee.base_fee_fen <= cap
    return fee


def care_start(reservation) -> date:
    """First day in care: the slot's start, or the enrolment day if later."""
    start = reservation.slot.starts_on
    if reservation.enrolled_at is not None:
        start = max(start, local_date(reservation.enrolled_at))
    return start


def care_last_day(reservation) -> date | None:
    """Last day in care: the leaving date given at withdrawal; for a place ended otherwise
    (a closure), the day before it ended; None while enrolled with no leaving date."""
    if reservation.leaves_on is not None:
        return reservation.leaves_on
    if reservation.status == Status.ENROLLED:
        return None
    if reservation.ended_at is not None:
        return local_date(reservation.ended_at) - timedelta(days=1)
    return None


def due_for_month(reservation, first: date, fee: Fee | None = None) -> tuple[int, int, int]:
    """(fee due for month `first`, days in care, days in the month)."""
    if reservation.enrolled_at is None:
        return 0, 0, calendar.monthrange(first.year, first.month)[1]
    fee = fee or fee_of(reservation, first)
    dim = calendar.monthrange(first.year, first.month)[1]
    days = days_in_care(first, care_start(reservation), care_last_day(reservation))
    return prorate(fee.monthly_fee_fen, days, dim), days, dim
