"""Which policy version is in force, and money over a month (docs/subsidies.md).

Rounding rule (the only one): an amount for a month is the sum, over the versions in force
during it, of rate × days in force ÷ days in the month, computed exactly and rounded once to
whole fen, halves up. A month with one version is therefore exactly its monthly rate.
"""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Callable

from sqlalchemy import select

from ..clock import today
from ..extensions import db
from .models import CityPolicy


def in_force(city: str | None, on: date | None = None) -> CityPolicy | None:
    """The version of `city`'s policy in force on `on` (default: today in Beijing)."""
    if not city:
        return None
    on = on or today()
    return db.session.scalar(select(CityPolicy).where(
        CityPolicy.city == city, CityPolicy.effective_from <= on)
        .order_by(CityPolicy.effective_from.desc()).limit(1))


def in_force_many(cities, on: date | None = None) -> dict[str, CityPolicy]:
    """{city: version in force on `on`} for several cities, in one query."""
    cities = {c for c in cities if c}
    if not cities:
        return {}
    on = on or today()
    rows = db.session.scalars(select(CityPolicy).where(
        CityPolicy.city.in_(cities), CityPolicy.effective_from <= on)
        .order_by(CityPolicy.city, CityPolicy.effective_from)).all()
    return {p.city: p for p in rows}   # the latest per city wins


def versions(city: str) -> list[CityPolicy]:
    """Every version of `city`'s policy, oldest first."""
    return list(db.session.scalars(select(CityPolicy).where(CityPolicy.city == city)
                                   .order_by(CityPolicy.effective_from)))


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of the month holding `month`."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class Segment:
    first: date             # inclusive
    last: date              # inclusive
    policy: CityPolicy | None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def segments(city: str | None, first: date, last: date) -> list[Segment]:
    """[first, last] cut into runs of days with one version in force (None before the first)."""
    if last < first:
        return []
    rows = [p for p in (versions(city) if city else []) if p.effective_from <= last]
    out, day = [], first
    while day <= last:
        current = None
        nxt = None
        for p in rows:
            if p.effective_from <= day:
                current = p
            elif nxt is None:
                nxt = p.effective_from
        end = min(last, nxt - timedelta(days=1)) if nxt else last
        out.append(Segment(day, end, current))
        day = end + timedelta(days=1)
    return out


def round_fen(amount: Fraction) -> int:
    """Whole fen, halves up (amounts are never negative)."""
    return int(amount + Fraction(1, 2))


def monthly_amount(city: str | None, month: date,
                   rate: Callable[[CityPolicy], int | None],
                   first: date | None = None, last: date | None = None) -> int:
    """An amount for one month, with a monthly `rate` read off each version in force.

    `first`/`last` narrow the days that count (a birthday, a start or leaving date): only
    the days in both the narrowing and a version count, each at rate ÷ days in the month.
    """
    m_first, m_last = month_bounds(month)
    first = max(m_first, first or m_first)
    last = min(m_last, last or m_last)
    n = m_last.day
    total = Fraction(0)
    for s in segments(city, first, last):
        value = rate(s.policy) if s.policy is not None else None
        if value:
            total += Fraction(value * s.days, n)
    return round_fen(total)
