"""Generating a centre's monthly subsidy claim, and the director's submission (docs/subsidies.md,
"Centre subsidies and claims").

A claim is computed from what the system already holds: the care spans of the fee rules, the
attendance register, the sibling reductions the ledger shows granted, the filing's approval.
Every amount goes through the one rounding rule (policy/services.monthly_amount).
"""
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from ..audit.models import AuditEvent
from ..audit.services import record
from ..auth.permissions import can
from ..centres.models import Centre
from ..clock import local_date, now, start_of_day, today
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..fees.models import LedgerEntry
from ..fees.rules import care_last_day, care_start, month_end, month_key, parse_month
from ..health.models import Attendance
from ..policy.services import in_force, monthly_amount, segments
from ..regulator.models import Filing
from ..regulator.workdays import is_workday
from ..reservations.models import Reservation
from ..slots.models import Slot
from ..transactions import command
from .models import SubsidyClaim, SubsidyClaimLine, lock_claim

OPEN = ("draft", "returned")   # a claim the centre may (re)generate and submit
PAYING = ("operating_subsidy_fen", "construction_subsidy_fen", "sibling_reward_pct")


def past_month(month) -> date:
    """The first day of `month` ('YYYY-MM'), which must have ended (Beijing time).
    :raises ValidationFailed: malformed, or this month or later."""
    first = parse_month(month) if isinstance(month, str) else None
    if first is None:
        raise ValidationFailed(errors={"month": [_("月份格式应为 YYYY-MM")]})
    if first >= today().replace(day=1):
        raise ValidationFailed(errors={"month": [_("只能为已结束的月份申领补贴")]})
    return first


def pays_subsidy(city: str | None, first: date) -> bool:
    """Whether any version of the city's policy in force during the month pays a centre
    subsidy (operating, construction or the sibling reward)."""
    return any(s.policy is not None and any(getattr(s.policy, f) for f in PAYING)
               for s in segments(city, first, month_end(first)))


# --- what a claim counts ------------------------------------------------------------------

@dataclass
class Line:
    child_id: int
    reservation_id: int
    slot_id: int
    days_enrolled: int = 0
    days_attended: int = 0
    open_days: int = 0
    operating_fen: int = 0
    sibling_reduction_fen: int = 0
    sibling_reward_fen: int = 0


def _open_days(first: date, last: date) -> int:
    return sum(1 for i in range((last - first).days + 1)
               if is_workday(first + timedelta(days=i))[0])


def _attended(reservation_id: int, first: date, last: date) -> int:
    return db.session.scalar(select(func.count(Attendance.id)).where(
        Attendance.reservation_id == reservation_id, Attendance.on_date.between(first, last),
        Attendance.arrived_at.is_not(None), Attendance.absent.is_(False))) or 0


def _reduction(reservation_id: int, key: str) -> int:
    """The sibling reduction the ledger shows granted in the month's charge (0 when none, or
    for a charge posted before the ledger kept it)."""
    return db.session.scalar(select(LedgerEntry.reduction_fen).where(
        LedgerEntry.reservation_id == reservation_id, LedgerEntry.kind == "charge",
        LedgerEntry.month == key)) or 0


def _meets_attendance(city, first: date, attended: int, open_days: int) -> bool:
    """The version in force on the month's first day decides the minimum attendance."""
    policy = in_force(city, first)
    pct = policy.operating_min_attendance_pct if policy is not None else None
    return pct is None or attended * 100 >= pct * open_days


def count_lines(centre: Centre, first: date) -> list[Line]:
    """One line per child in care at the centre during the month on an affordable place, or
    with a sibling reduction granted on any place. A child moved between two of the centre's
    slots in the month has one line: the days and amounts of both places added."""
    last, key, city = month_end(first), month_key(first), centre.district.city
    rows = db.session.scalars(select(Reservation).join(Slot).where(
        Slot.centre_id == centre.id, Slot.starts_on <= last,
        Reservation.enrolled_at.is_not(None)).order_by(Reservation.id)).all()
    lines: dict[int, Line] = {}
    for r in rows:
        lo = max(first, care_start(r))
        hi = min(last, care_last_day(r) or last)
        if hi < lo or local_date(r.enrolled_at) > last:
            continue
        affordable = r.slot.category == "affordable"
        reduction = _reduction(r.id, key)
        if not affordable and not reduction:
            continue
        line = lines.setdefault(r.child_id, Line(r.child_id, r.id, r.slot_id))
        line.reservation_id, line.slot_id = r.id, r.slot_id   # the latest place names the line
        days, open_days, attended = (hi - lo).days + 1, _open_days(lo, hi), _attended(r.id, lo, hi)
        line.days_enrolled += days
        line.open_days += open_days
        line.days_attended += attended
        if affordable and _meets_attendance(city, first, attended, open_days):
            line.operating_fen += monthly_amount(city, first, lambda p: p.operating_subsidy_fen,
                                                 first=lo, last=hi)
        if reduction:
            line.sibling_reduction_fen += reduction
            line.sibling_reward_fen += monthly_amount(
                city, first, lambda p: Fraction(reduction * p.sibling_reward_pct, 100)
                if p.sibling_reward_pct else None)
    return list(lines.values())


def approval_day(centre_id: int) -> date | None:
    """The day the centre's filing was first approved: the first `filing.approve` in the audit
    log (a reinstatement rewrites the filing's decided_at, the log keeps the first), else the
    filing's decision day for an approved filing the log does not cover (seeded data)."""
    first = db.session.scalar(select(func.min(AuditEvent.at)).where(
        AuditEvent.action == "filing.approve", AuditEvent.centre_id == centre_id))
    if first is not None:
        return local_date(first)
    filing = db.session.scalar(select(Filing).where(Filing.centre_id == centre_id))
    if filing is not None and filing.status == "approved" and filing.decided_at is not None:
        return local_date(filing.decided_at)
    return None


def construction(centre: Centre, first: date) -> tuple[int, int]:
    """(places, fen): a centre whose filing was approved in the month claims its places — the
    capacity of its slots created by the month's end — at the rate in force on the approval
    day. Any other month: none."""
    day = approval_day(centre.id)
    if day is None or day.replace(day=1) != first:
        return 0, 0
    policy = in_force(centre.district.city, day)
    rate = policy.construction_subsidy_fen if policy is not None else None
    if not rate:
        return 0, 0
    places = db.session.scalar(select(func.coalesce(func.sum(Slot.capacity), 0)).where(
        Slot.centre_id == centre.id,
        Slot.created_at < start_of_day(month_end(first) + timedelta(days=1)))) or 0
    return int(places), int(places) * rate


# --- the commands -------------------------------------------------------------------------

def _dialect_insert(model):
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def _claim_row(centre_id: int, key: str) -> SubsidyClaim:
    """The centre-month's claim, made if missing. Two generators at once both insert; the
    unique constraint keeps one, the other's insert does nothing and it reads that one."""
    db.session.execute(_dialect_insert(SubsidyClaim).values(
        centre_id=centre_id, month=key, status="draft", operating_fen=0, sibling_reward_fen=0,
        construction_places=0, construction_fen=0, total_fen=0, generated_at=now())
        .on_conflict_do_nothing(index_elements=["centre_id", "month"]))
    return db.session.scalar(select(SubsidyClaim).where(SubsidyClaim.centre_id == centre_id,
                                                        SubsidyClaim.month == key))


@command
def generate(centre_id: int, month: str, actor=None) -> tuple[SubsidyClaim, bool]:
    """Build or rebuild the centre's claim for a past month: (claim, made now).

    :raises NotFound: no such centre. :raises ValidationFailed: a month not yet ended, or a
    city paying no centre subsidy that month. :raises Conflict: submitted or decided.
    """
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        raise NotFound()
    first = past_month(month)
    key = month_key(first)
    if not pays_subsidy(centre.district.city, first):
        raise ValidationFailed(errors={"month": [_("本市该月未设机构补贴，无需申领")]})
    existed = db.session.scalar(select(SubsidyClaim.id).where(
        SubsidyClaim.centre_id == centre_id, SubsidyClaim.month == key)) is not None
    claim = lock_claim(_claim_row(centre_id, key).id)
    if claim.status not in OPEN:
        raise Conflict(_("补贴申领已提交或已审核，不能重新生成"))
    lines = count_lines(centre, first)
    places, construction_fen = construction(centre, first)
    # The lines are replaced whole, under the claim's lock: a second generator waits, then
    # replaces them again, so no child is ever claimed twice.
    db.session.execute(delete(SubsidyClaimLine).where(SubsidyClaimLine.claim_id == claim.id))
    db.session.add_all(SubsidyClaimLine(claim_id=claim.id, centre_id=centre_id, month=key,
                                        **vars(line)) for line in lines)
    claim.operating_fen = sum(line.operating_fen for line in lines)
    claim.sibling_reward_fen = sum(line.sibling_reward_fen for line in lines)
    claim.construction_places, claim.construction_fen = places, construction_fen
    claim.total_fen = claim.operating_fen + claim.sibling_reward_fen + construction_fen
    claim.generated_at = now()
    record("subsidy_claim.generated", claim, actor=actor, centre_id=centre_id,
           after={"month": key, "lines": len(lines), "operating_fen": claim.operating_fen,
                  "sibling_reward_fen": claim.sibling_reward_fen,
                  "construction_places": places, "construction_fen": construction_fen,
                  "total_fen": claim.total_fen})
    db.session.commit()
    db.session.expire(claim, ["lines"])
    return claim, not existed


@command
def submit(claim_id: int, director) -> SubsidyClaim:
    """The director sends the claim to the district. :raises NotFound: another centre's.
    :raises Forbidden: not the centre's director. :raises Conflict: not draft or returned."""
    claim = lock_claim(claim_id)
    if claim is None or director.centre_id != claim.centre_id or director.role != "staff":
        raise NotFound()
    if director.staff_role != "director":
        raise Forbidden(_("只有园长可以提交补贴申领"))
    if claim.status not in OPEN:
        raise Conflict(_("补贴申领已提交或已审核"))
    before = claim.status
    claim.status, claim.submitted_at, claim.submitted_by = "submitted", now(), director.id
    record("subsidy_claim.submitted", claim, actor=director, centre_id=claim.centre_id,
           before={"status": before}, after={"status": "submitted", "month": claim.month,
                                             "total_fen": claim.total_fen})
    db.session.commit()
    return claim


def for_centre(claim_id: int, user) -> SubsidyClaim:
    """A claim `user` may read (the centre's directors and finance staff, admins).
    :raises NotFound: no such claim, or another centre's."""
    claim = db.session.get(SubsidyClaim, claim_id)
    if claim is None or not can(user, "fees.read", claim.centre_id):
        raise NotFound()
    return claim


def centre_for(centre_id: int, user) -> Centre:
    """:raises NotFound: no such centre, or not one whose claims `user` may see."""
    centre = db.session.get(Centre, centre_id)
    if centre is None or not can(user, "fees.read", centre.id):
        raise NotFound()
    return centre


def of_centre(centre_id: int) -> list[SubsidyClaim]:
    return list(db.session.scalars(select(SubsidyClaim).where(
        SubsidyClaim.centre_id == centre_id).order_by(SubsidyClaim.month.desc())))

