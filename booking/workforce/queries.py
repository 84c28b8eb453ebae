"""Reading the workforce register: validity, training hours, the regulator's coverage
(docs/workforce.md). Reads only."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import extract, func, select

from ..centres.models import Centre, District
from ..clock import today
from ..extensions import db
from ..regulator.jurisdiction import district_clause
from ..rosters.models import CARER_ROLES, StaffMember
from .models import TrainingRecord

# The yearly training target per carer. A *default* (no city has set one here yet, Xi'an §16
# asks for regular training without a number); configurable later with the city policy.
TRAINING_HOURS_TARGET = 20


def qualified(s: StaffMember, on: date) -> bool:
    """A qualification certificate recorded and not expired (none recorded = no expiry)."""
    return bool(s.certificate_no) and (s.certificate_expires_on is None
                                       or s.certificate_expires_on >= on)


def background_valid(s: StaffMember, on: date) -> bool:
    """A background check (无犯罪记录) done, with an expiry not passed."""
    return (s.background_check_expires_on is not None and s.background_check_expires_on >= on)


def active_carers(centre_id: int) -> list[StaffMember]:
    return db.session.scalars(select(StaffMember).where(
        StaffMember.centre_id == centre_id, StaffMember.active.is_(True),
        StaffMember.role.in_(CARER_ROLES)).order_by(StaffMember.id)).all()


def unqualified_carers(centre_id: int, on: date | None = None) -> int:
    """How many active carers of the centre lack a valid qualification certificate."""
    on = on or today()
    return sum(1 for s in active_carers(centre_id) if not qualified(s, on))


def hours_by_staff(staff_ids, year: int) -> dict[int, Decimal]:
    """Training hours in calendar `year`, per staff member (absent = 0)."""
    if not staff_ids:
        return {}
    rows = db.session.execute(
        select(TrainingRecord.staff_member_id, func.sum(TrainingRecord.hours))
        .where(TrainingRecord.staff_member_id.in_(list(staff_ids)),
               extract("year", TrainingRecord.on_date) == year)
        .group_by(TrainingRecord.staff_member_id)).all()
    return {sid: Decimal(str(h)) for sid, h in rows}


def training_of(staff_id: int) -> list[TrainingRecord]:
    return db.session.scalars(select(TrainingRecord).where(
        TrainingRecord.staff_member_id == staff_id)
        .order_by(TrainingRecord.on_date.desc(), TrainingRecord.id.desc())).all()


@dataclass
class Coverage:
    key: int
    name: str
    carers: int
    qualified: int
    background_valid: int
    trained: int          # carers at or above the yearly target
    hours: Decimal        # all carers' hours this year

    def share(self, n: int) -> float | None:
        return round(n / self.carers, 3) if self.carers else None


def coverage(user, group: str, on: date | None = None) -> list[Coverage]:
    """Per centre or per district of `user`'s jurisdiction: active carers, how many hold a
    valid qualification, a valid background check, and the year's training target."""
    on = on or today()
    rows = db.session.execute(
        select(Centre.id, Centre.name, District.id, District.name)
        .join(District, District.id == Centre.district_id)
        .where(district_clause(user)).order_by(District.id, Centre.id)).all()
    by_centre = {cid: (cname, did, dname) for cid, cname, did, dname in rows}
    carers = db.session.scalars(select(StaffMember).where(
        StaffMember.centre_id.in_(list(by_centre) or [0]), StaffMember.active.is_(True),
        StaffMember.role.in_(CARER_ROLES))).all()
    hours = hours_by_staff([s.id for s in carers], on.year)
    out: dict[int, Coverage] = {}
    for cid, (cname, did, dname) in by_centre.items():
        key, name = (cid, cname) if group == "centre" else (did, dname)
        out.setdefault(key, Coverage(key, name, 0, 0, 0, 0, Decimal(0)))
    for s in carers:
        cname, did, dname = by_centre[s.centre_id]
        row = out[s.centre_id if group == "centre" else did]
        h = hours.get(s.id, Decimal(0))
        row.carers += 1
        row.qualified += qualified(s, on)
        row.background_valid += background_valid(s, on)
        row.trained += h >= TRAINING_HOURS_TARGET
        row.hours += h
    return list(out.values())
