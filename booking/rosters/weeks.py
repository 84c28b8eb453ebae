"""A roster's days and weeks in Beijing time, and the shifts within them: read by the
roster's rules (services.py) and by the ratio check (checks.py) alike."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..clock import LOCAL
from ..extensions import db
from .models import Shift, StaffMember


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """A Beijing-time day as aware instants [start, next start)."""
    start = datetime.combine(day, time(0), tzinfo=LOCAL)
    return start, start + timedelta(days=1)


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def shifts_between(centre_id: int, start: datetime, end: datetime) -> list[Shift]:
    """A centre's shifts overlapping [start, end), by start, with their staff and class."""
    return db.session.scalars(
        select(Shift).join(StaffMember, StaffMember.id == Shift.staff_member_id)
        .where(StaffMember.centre_id == centre_id, Shift.starts_at < end, Shift.ends_at > start)
        .options(selectinload(Shift.staff_member), selectinload(Shift.group))
        .order_by(Shift.starts_at, Shift.id)).all()


def week_shifts(centre_id: int, monday: date) -> list[Shift]:
    """The shifts of the week (Monday to Sunday) starting `monday`."""
    start, _end = local_day_bounds(monday)
    return shifts_between(centre_id, start, start + timedelta(days=7))
