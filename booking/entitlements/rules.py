"""What a child is entitled to, month by month (docs/subsidies.md, "Family entitlements").

A child is entitled for each day from its birth date to the day before its third birthday.
Each month's amount is `policy.services.monthly_amount` (the one rounding rule) over those
days, with the rates of the city's versions in force: the 育儿补贴 (a yearly rate, ÷ 12 inside
the one rounding) and the city's own monthly allowance where the child qualifies (birth order
and birth date). Pure reading: nothing here writes.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from ..policy.services import month_bounds, monthly_amount, segments


def third_birthday(birth: date) -> date:
    """A child born on 29 February turns three on 1 March (there is no 29 February then)."""
    try:
        return birth.replace(year=birth.year + 3)
    except ValueError:
        return date(birth.year + 3, 3, 1)


def last_entitled_day(birth: date) -> date:
    return third_birthday(birth) - timedelta(days=1)


def months_of(birth: date) -> list[date]:
    """The first day of each month holding an entitled day, birth month first."""
    out, month, last = [], birth.replace(day=1), last_entitled_day(birth)
    while month <= last:
        out.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def national_rate(policy):
    """The 育儿补贴's monthly rate: the yearly rate ÷ 12, exact (rounded once, per month)."""
    return Fraction(policy.allowance_fen_per_year, 12) if policy.allowance_fen_per_year else None


def extra_applies(policy, birth: date, order: int) -> bool:
    if not policy.extra_allowance_fen_per_month:
        return False
    if policy.extra_allowance_from_child and order < policy.extra_allowance_from_child:
        return False
    return not (policy.extra_allowance_born_from and birth < policy.extra_allowance_born_from)


def extra_rate(birth: date, order: int):
    return lambda p: p.extra_allowance_fen_per_month if extra_applies(p, birth, order) else None


@dataclass(frozen=True)
class Part:
    """One version's share of a month: what the rule shows beside the amount."""
    scheme: str                 # 'national' | 'city'
    effective_from: date
    rate_fen: int               # per year (national) or per month (city)
    per: str                    # 'year' | 'month'
    days: int                   # days counted in the month
    days_in_month: int
    from_child: int | None = None
    born_from: date | None = None

    @property
    def prorated(self) -> bool:
        return self.days < self.days_in_month


@dataclass
class MonthRow:
    month: date
    national_fen: int
    extra_fen: int
    parts: list[Part] = field(default_factory=list)
    # Why a month is zero or the city's allowance is missing: 'no_policy', 'not_qualified'.
    reasons: list[str] = field(default_factory=list)
    future: bool = False

    @property
    def total_fen(self) -> int:
        return self.national_fen + self.extra_fen


@dataclass
class Entitlement:
    city: str
    birth_date: date
    birth_order: int
    third_birthday: date
    months: list[MonthRow]

    @property
    def total_fen(self) -> int:
        return sum(m.total_fen for m in self.months)

    @property
    def city_pays(self) -> bool:
        """Whether the city has its own allowance in any of the months (shown or not)."""
        return any(p.scheme == "city" for m in self.months for p in m.parts) or any(
            "not_qualified" in m.reasons for m in self.months)

    def years(self) -> list[tuple[int, int, int, int]]:
        """(year, national, city, total) per calendar year."""
        out: dict[int, list[int]] = {}
        for m in self.months:
            acc = out.setdefault(m.month.year, [0, 0])
            acc[0] += m.national_fen
            acc[1] += m.extra_fen
        return [(y, n, e, n + e) for y, (n, e) in sorted(out.items())]


def month_row(city: str, birth: date, order: int, month: date, today: date) -> MonthRow:
    m_first, m_last = month_bounds(month)
    first, last = max(m_first, birth), min(m_last, last_entitled_day(birth))
    national = monthly_amount(city, month, national_rate, first=birth,
                              last=last_entitled_day(birth))
    extra = monthly_amount(city, month, extra_rate(birth, order), first=birth,
                           last=last_entitled_day(birth))
    row = MonthRow(month=m_first, national_fen=national, extra_fen=extra,
                   future=m_first > today)
    n, has_policy, city_has_extra = m_last.day, False, False
    for s in segments(city, first, last):
        p = s.policy
        if p is None:
            continue
        has_policy = True
        if p.allowance_fen_per_year:
            row.parts.append(Part("national", p.effective_from, p.allowance_fen_per_year, "year",
                                  s.days, n))
        if p.extra_allowance_fen_per_month:
            city_has_extra = True
            if extra_applies(p, birth, order):
                row.parts.append(Part("city", p.effective_from, p.extra_allowance_fen_per_month,
                                      "month", s.days, n, p.extra_allowance_from_child,
                                      p.extra_allowance_born_from))
    if not has_policy:
        row.reasons.append("no_policy")
    elif city_has_extra and not any(p.scheme == "city" for p in row.parts):
        row.reasons.append("not_qualified")
    return row


def entitlement(city: str, birth: date, order: int, today: date) -> Entitlement:
    return Entitlement(city=city, birth_date=birth, birth_order=order,
                       third_birthday=third_birthday(birth),
                       months=[month_row(city, birth, order, m, today) for m in months_of(birth)])
