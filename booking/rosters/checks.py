"""The hourly ratio check (师幼比核查): children expected against carers on shift.

For each class and each opening hour of a day: the children expected (enrolled in the
class's slots, less those whose family reported them absent that day; today, the attendance
recorded so far replaces the expectation for each child it covers) against the carers rostered to that class for the whole hour, at
设置标准 art. 20's ratios (see `ratios`). Also, each open day needs at least one health
worker (76号令 art. 12; 设置标准 art. 18) and one security guard (设置标准 art. 21) on shift.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..absences.queries import reported_absent
from ..centres.models import Centre, Group
from ..children.models import Child
from ..clock import LOCAL, today
from ..extensions import db
from ..health.models import Attendance
from ..reservations.models import Reservation, in_care_on
from ..sessions.models import CareSession, SessionBooking
from ..slots.models import Slot
from . import ratios
from .models import CARER_ROLES, Shift, StaffMember
from .weeks import local_day_bounds, shifts_between, week_start

DEFAULT_HOURS = (time(7, 30), time(18, 0))
_HOURS = re.compile(r"\s*(\d{1,2}):(\d{2})\s*[-–~至]\s*(\d{1,2}):(\d{2})\s*")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def opening_hours(centre: Centre) -> tuple[time, time]:
    """The centre's "HH:MM-HH:MM" opening hours, or 07:30–18:00 when not given."""
    m = _HOURS.fullmatch(centre.opening_hours or "")
    if not m:
        return DEFAULT_HOURS
    h1, m1, h2, m2 = (int(x) for x in m.groups())
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60) or (h2, m2) <= (h1, m1):
        return DEFAULT_HOURS
    return time(h1, m1), time(h2, m2)


def is_open(centre: Centre, day: date) -> bool:
    """Open days as "Mon-Fri" / "Mon-Sat" / "Mon-Sun" (seeds); Monday to Friday otherwise."""
    m = re.fullmatch(r"\s*(\w{3})\w*\s*-\s*(\w{3})\w*\s*", (centre.open_days or "").lower())
    first, last = 0, 4
    if m and m.group(1) in DAY_NAMES and m.group(2) in DAY_NAMES:
        first, last = DAY_NAMES.index(m.group(1)), DAY_NAMES.index(m.group(2))
    return first <= day.weekday() <= last


def hour_windows(centre: Centre, day: date) -> list[tuple[datetime, datetime]]:
    """The day's opening hours cut at each clock hour, as aware local instants."""
    open_t, close_t = opening_hours(centre)
    start = datetime.combine(day, open_t, tzinfo=LOCAL)
    close = datetime.combine(day, close_t, tzinfo=LOCAL)
    out = []
    while start < close:
        nxt = min(start.replace(minute=0) + timedelta(hours=1), close)
        out.append((start, nxt))
        start = nxt
    return out


@dataclass
class HourCheck:
    start: datetime
    end: datetime
    children: int
    carers: int
    needed: int

    @property
    def missing(self) -> int:
        return max(self.needed - self.carers, 0)


@dataclass
class ClassCheck:
    group: Group
    hours: list[HourCheck] = field(default_factory=list)

    @property
    def gaps(self) -> list[HourCheck]:
        return [h for h in self.hours if h.missing]


@dataclass
class DayCheck:
    centre: Centre
    day: date
    open: bool
    classes: list[ClassCheck]
    health_worker: bool
    security: bool

    @property
    def gap_count(self) -> int:
        """Runs of short hours (see `gap_runs`) plus a missing health worker or guard."""
        return sum(len(gap_runs(c.hours)) for c in self.classes) + (
            (not self.health_worker) + (not self.security) if self.open else 0)

    @property
    def ok(self) -> bool:
        return self.gap_count == 0


# Each child present in the day: (birth date, from, until); None = the whole day.
Presence = tuple[date, datetime | None, datetime | None]


def expected_children(group_id: int, day: date, *, except_child: int | None = None) -> list[Presence]:
    """Children expected in a class on `day`: in care in its slots starting by then (a child
    leaving counts until its last day, reservations.models.in_care_on), less those with an
    absence standing that day (absences/: reported by the family or found by the staff's
    follow-up call).

    For today, a child's recorded attendance decides: arrived / departed → there between
    those times, whatever was reported (the child came after all); marked absent → not
    there. Children with nothing recorded and no absence are expected.
    """
    return expected_by_group([group_id], day, except_child=except_child)[group_id]


def expected_by_group(group_ids, day: date, *, except_child: int | None = None
                      ) -> dict[int, list[Presence]]:
    """`expected_children` for many classes at once, in a fixed number of statements (the
    operator's overview checks every class of its centres)."""
    ids = list(group_ids)
    out: dict[int, list[Presence]] = {g: [] for g in ids}
    if not ids:
        return out
    rows = db.session.execute(
        select(Reservation.id, Child.birth_date, Reservation.child_id, Slot.group_id)
        .join(Slot, Slot.id == Reservation.slot_id).join(Child, Child.id == Reservation.child_id)
        .where(Slot.group_id.in_(ids), in_care_on(day), Slot.starts_on <= day,
               Reservation.child_id != (except_child or 0))).all()
    attendance = {}
    if rows and day == today():
        attendance = {a.reservation_id: a for a in db.session.scalars(
            select(Attendance).where(Attendance.on_date == day,
                                     Attendance.reservation_id.in_([r[0] for r in rows])))}
    away = reported_absent([r[2] for r in rows], day)
    for res_id, birth, child_id, group_id in rows:
        a = attendance.get(res_id)
        if a is not None and a.arrived_at is not None:
            if a.morning_check_passed is not False:
                out[group_id].append((birth, a.arrived_at, a.departed_at))
        elif (a is None or not a.absent) and child_id not in away:
            out[group_id].append((birth, None, None))
    for group_id, presences in session_children_by_group(ids, day, except_child).items():
        out[group_id].extend(presences)
    return out


def session_children(group_id: int, day: date, *, except_child: int | None = None) -> list[Presence]:
    """Children booked on the class's sessions that day (临时托育 / 亲子活动), present for the
    session's hours (docs/domain.md: session children count toward the class ratio at that hour).
    Cancelled bookings and recorded no-shows do not count."""
    return session_children_by_group([group_id], day, except_child).get(group_id, [])


def session_children_by_group(group_ids, day: date, except_child: int | None = None
                              ) -> dict[int, list[Presence]]:
    start, end = local_day_bounds(day)
    out: dict[int, list[Presence]] = {}
    for group_id, birth, starts, ends in db.session.execute(
            select(CareSession.group_id, Child.birth_date, CareSession.starts_at,
                   CareSession.ends_at)
            .join(SessionBooking, SessionBooking.session_id == CareSession.id)
            .join(Child, Child.id == SessionBooking.child_id)
            .where(CareSession.group_id.in_(list(group_ids)), CareSession.cancelled_at.is_(None),
                   CareSession.starts_at < end, CareSession.ends_at > start,
                   SessionBooking.status.in_(("booked", "attended")),
                   SessionBooking.child_id != (except_child or 0))):
        out.setdefault(group_id, []).append((birth, starts, ends))
    return out


def _present(p: Presence, start: datetime, end: datetime) -> bool:
    _birth, came, left = p
    return (came is None or came < end) and (left is None or left > start)


def _covers(shift: Shift, start: datetime, end: datetime) -> bool:
    return shift.starts_at <= start and shift.ends_at >= end


def check_class(group: Group, day: date, windows, shifts: list[Shift],
                extra: list[Presence] = (), except_child: int | None = None,
                children: list[Presence] | None = None) -> ClassCheck:
    """One class's hours; `extra` adds children (see `gap_if_enrolled`); `children`, when
    given, are the class's expected children read already (`check_days`)."""
    if children is None:
        children = expected_children(group.id, day, except_child=except_child)
    children = list(children) + list(extra)
    carers = [s for s in shifts if s.group_id == group.id
              and s.staff_member.role in CARER_ROLES]
    result = ClassCheck(group)
    for start, end in windows:
        here = [p[0] for p in children if _present(p, start, end)]
        on_shift = len({s.staff_member_id for s in carers if _covers(s, start, end)})
        needed = ratios.carers_needed_for_class(group.age_band, here, day)
        result.hours.append(HourCheck(start, end, len(here), on_shift, needed))
    return result


def check_day(centre: Centre, day: date) -> DayCheck:
    """Every class of `centre` hour by hour on `day`, and the health worker and security
    guard on shift (设置标准 art. 18, 20, 21; 76号令 art. 12). A closed day checks nothing."""
    open_ = is_open(centre, day)
    if not open_:
        return DayCheck(centre, day, False, [], True, True)
    windows = hour_windows(centre, day)
    shifts = shifts_between(centre.id, *local_day_bounds(day))
    roles = {s.staff_member.role for s in shifts}
    classes = [check_class(g, day, windows, shifts) for g in centre.groups]
    return DayCheck(centre, day, True, classes, "health_worker" in roles, "security" in roles)


def check_days(centres: list[Centre], day: date) -> dict[int, DayCheck]:
    """`check_day` for many centres in a fixed number of statements, by centre id."""
    open_ = [c for c in centres if is_open(c, day)]
    out = {c.id: DayCheck(c, day, False, [], True, True) for c in centres if c not in open_}
    if not open_:
        return out
    ids = [c.id for c in open_]
    start, end = local_day_bounds(day)
    shifts = db.session.scalars(
        select(Shift).join(StaffMember, StaffMember.id == Shift.staff_member_id)
        .where(StaffMember.centre_id.in_(ids), Shift.starts_at < end, Shift.ends_at > start)
        .options(selectinload(Shift.staff_member)).order_by(Shift.starts_at, Shift.id)).all()
    groups = db.session.scalars(select(Group).where(Group.centre_id.in_(ids))
                                .order_by(Group.id)).all()
    children = expected_by_group([g.id for g in groups], day)
    for c in open_:
        mine = [s for s in shifts if s.staff_member.centre_id == c.id]
        windows = hour_windows(c, day)
        roles = {s.staff_member.role for s in mine}
        classes = [check_class(g, day, windows, mine, children=children[g.id])
                   for g in groups if g.centre_id == c.id]
        out[c.id] = DayCheck(c, day, True, classes, "health_worker" in roles, "security" in roles)
    return out


def check_week(centre: Centre, monday: date) -> list[DayCheck]:
    monday = week_start(monday)
    return [check_day(centre, monday + timedelta(days=i)) for i in range(7)]


def gap_if_enrolled(group_id: int, child, on_date: date) -> list[HourCheck]:
    """Hours of `on_date` when class `group_id` would be short of carers with `child`
    (anything with a `birth_date`) added to the children expected; [] when the roster
    still meets 设置标准 art. 20. Call before confirming an enrolment to warn the staff.
    A child already enrolled in the class is counted once. Reads only; commits nothing.
    """
    group = db.session.get(Group, group_id)
    if group is None or not is_open(group.centre, on_date):
        return []
    windows = hour_windows(group.centre, on_date)
    shifts = shifts_between(group.centre_id, *local_day_bounds(on_date))
    result = check_class(group, on_date, windows, shifts,
                         extra=[(child.birth_date, None, None)],
                         except_child=getattr(child, "id", None))
    return result.gaps


def gap_runs(hours: list[HourCheck]) -> list[tuple[datetime, datetime, int]]:
    """Consecutive hours short by the same number of carers, merged: (from, to, missing)."""
    runs: list[list] = []
    for h in hours:
        if not h.missing:
            continue
        if runs and runs[-1][1] == h.start and runs[-1][2] == h.missing:
            runs[-1][1] = h.end
        else:
            runs.append([h.start, h.end, h.missing])
    return [tuple(r) for r in runs]
