"""The daily morning check (晨检) and attendance: arrival with temperature and observations,
departure and who collected (chosen from the child's pickup list, docs/absences.md), absences;
and the 3-month rule (管理规范 art. 11; 76号令 art. 18): a child away for 3 months or more
needs a new intake check before returning.

An absence the family reported (absences/) is read beside the day's row, never written into
it: it may cover days ahead and be withdrawn, and the row stays what the staff saw."""
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..absences import queries as absences
from ..audit.services import notify, record
from ..auth.permissions import can
from ..centres.models import Group
from ..children import services as children
from ..clock import local_date, today
from ..clock import now as clock_now
from ..errors import Conflict, HealthCheckRequired, NotFound, ValidationFailed
from ..daily.summary import notify_pickup
from ..extensions import db
from ..reservations.models import Reservation, Status, in_care_on, is_live
from ..outbreaks.detection import check_flush as check_outbreaks
from ..pickup import departures
from ..transactions import command
from ..slots.models import Slot
from .models import FEVER_C, Attendance, HealthCheck

AWAY_DAYS = 90  # "3 months or more" away (docs/domain.md, Health)


def groups_of(centre_id: int) -> list[Group]:
    return db.session.scalars(select(Group).where(Group.centre_id == centre_id)
                              .order_by(Group.name)).all()


def _enrolled_of_centre(staff, reservation_id: int) -> Reservation:
    r = db.session.get(Reservation, reservation_id)
    if r is None or staff.role != "staff" \
            or not can(staff, "attendance.record", r.slot.centre_id):
        raise NotFound()
    if not (r.status == Status.ENROLLED and is_live(r, clock_now())):
        raise Conflict(_("只有在读的孩子可以登记考勤"))
    return r


def last_arrival(reservation_or_child_id: int) -> date | None:
    """The last day the child arrived at any centre."""
    return db.session.scalar(select(func.max(Attendance.on_date)).join(Reservation).where(
        Reservation.child_id == reservation_or_child_id, Attendance.arrived_at.is_not(None)))


def needs_new_check(reservation: Reservation, on_date: date | None = None) -> bool:
    """True when an enrolled child has not arrived for 90 days or more (and was enrolled
    before that), unless a verified, passing intake check was made since the last arrival
    and is valid on `on_date`."""
    on_date = on_date or today()
    if reservation.status != Status.ENROLLED or reservation.enrolled_at is None:
        return False
    enrolled_on = local_date(reservation.enrolled_at)
    cutoff = on_date - timedelta(days=AWAY_DAYS)
    if enrolled_on > cutoff:
        return False
    last = last_arrival(reservation.child_id)
    if last is not None and last > cutoff:
        return False
    since = last or enrolled_on
    recheck = db.session.scalar(select(HealthCheck.id).where(
        HealthCheck.child_id == reservation.child_id, HealthCheck.status == "verified",
        HealthCheck.result == "pass", HealthCheck.examined_on > since,
        HealthCheck.examined_on <= on_date, HealthCheck.valid_until >= on_date).limit(1))
    return recheck is None


def roster(centre_id: int, group_id: int | None, on_date: date | None = None) -> list[dict]:
    """Enrolled children of a class (slots of that group) with their day's attendance and
    whether they need a new intake check before returning."""
    on_date = on_date or today()
    stmt = select(Reservation).join(Slot).where(Slot.centre_id == centre_id, in_care_on(on_date))
    if group_id is not None:
        stmt = stmt.where(Slot.group_id == group_id)
    return [row_for(r, on_date) for r in db.session.scalars(stmt.order_by(Reservation.id)).all()]


def row_for(r: Reservation, on_date: date) -> dict:
    """One child's row of the roster: the day's attendance, the absence reported for the day,
    the 3-month rule, and for a departure still to record who may collect the child."""
    day = db.session.scalar(select(Attendance).where(Attendance.reservation_id == r.id,
                                                     Attendance.on_date == on_date))
    to_collect = day is not None and day.arrived_at is not None and not day.collected_by
    return {"reservation": r, "child": r.child, "attendance": day,
            "absence": absences.standing(r.child_id, on_date),
            "pickup": departures.record_of(day.id) if day is not None else None,
            "collectors": departures.choices(r.child_id) if to_collect else [],
            "needs_check": needs_new_check(r, on_date)}


def _day(r: Reservation, on_date: date) -> Attendance:
    day = db.session.scalar(select(Attendance).where(Attendance.reservation_id == r.id,
                                                     Attendance.on_date == on_date))
    if day is None:
        day = Attendance(reservation_id=r.id, on_date=on_date, absent=False)
        db.session.add(day)
    return day


@command
def record_arrival(reservation_id: int, staff, *, temperature_c: float, observations=None,
                   passed: bool = True, now=None) -> Attendance:
    """Arrival with the morning check. A failed check (or a fever) sends the child home:
    the guardians are told at once.

    :raises NotFound: not their centre's child. :raises Conflict: not enrolled, or already
        arrived today. :raises HealthCheckRequired: away 3 months or more without a new check.
    :raises ValidationFailed: a temperature outside 30–45 ℃.
    """
    now = now or clock_now()
    r = _enrolled_of_centre(staff, reservation_id)
    on_date = today()
    if temperature_c is None or not 30 <= float(temperature_c) <= 45:
        raise ValidationFailed(errors={"temperature_c": [_("体温应在 30–45 ℃ 之间")]})
    if needs_new_check(r, on_date):
        raise HealthCheckRequired(_("孩子 3 个月以上未入园，返园前需重新进行入托体检"))
    day = _day(r, on_date)
    if day.arrived_at is not None:
        raise Conflict(_("今天已登记入园"))
    temperature_c = round(float(temperature_c), 1)
    passed = bool(passed) and temperature_c < FEVER_C
    day.arrived_at, day.temperature_c, day.morning_check_passed = now, temperature_c, passed
    day.observations = (observations or "").strip() or None
    day.absent, day.recorded_by = False, staff.id
    if not passed:
        day.departed_at, day.collected_by = now, None
    db.session.flush()
    record("attendance.arrived", day, actor=staff, centre_id=staff.centre_id,
           after={"reservation_id": r.id, "temperature_c": temperature_c, "passed": passed})
    if not passed:
        record("attendance.sent_home", day, actor=staff, centre_id=staff.centre_id,
               reason=day.observations)
        for guardian_id in children.guardians_of(r.child_id):
            notify(guardian_id, "sent_home", reservation_id=r.id, centre=r.slot.centre.name,
                   child=r.child.name, child_id=r.child_id,
                   temperature_c=temperature_c, observations=day.observations or "")
        # A child sent home is an illness signal today: check at once, not at the next job.
        check_outbreaks(r.slot.centre_id, on_date, now)
    db.session.commit()
    return day


@command
def record_departure(reservation_id: int, staff, *, person_id: int | None = None,
                     guardian_id: int | None = None, unlisted_name: str | None = None,
                     reason: str | None = None, now=None) -> Attendance:
    """Who collected the child: one of its guardians (`guardian_id`), a person on its pickup
    list (`person_id`), or, as an exception, someone else (`unlisted_name` with `reason`),
    which every guardian is told of at once (pickup/departures.py).

    :raises NotFound: not their centre's child. :raises ValidationFailed: no collector or
        several, a person not on this child's list, an exception without its reason.
    :raises Conflict: not arrived today, or already gone home.
    """
    now = now or clock_now()
    r = _enrolled_of_centre(staff, reservation_id)
    who = departures.collector(r.child_id, person_id=person_id, guardian_id=guardian_id,
                               unlisted_name=unlisted_name, reason=reason)
    day = db.session.scalar(select(Attendance).where(Attendance.reservation_id == r.id,
                                                     Attendance.on_date == today()))
    if day is None or day.arrived_at is None:
        raise Conflict(_("孩子今天还没有入园"))
    # A child sent home by the morning check has left already; who came for it is recorded
    # once, like any departure.
    if day.collected_by or (day.departed_at is not None and day.morning_check_passed is not False):
        raise Conflict(_("今天已登记接走"))
    day.departed_at, day.collected_by = now, who.name[:80]
    departures.note(day, r, who, staff, now)
    record("attendance.departed", day, actor=staff, centre_id=staff.centre_id,
           after={"collected_by": day.collected_by, "collector": who.kind})
    # The family's day in one notice at pickup (docs/daily.md).
    notify_pickup(r, day.on_date)
    db.session.commit()
    return day


@command
def mark_absent(reservation_id: int, staff, now=None) -> Attendance:
    """:raises Conflict: the child has already arrived today."""
    r = _enrolled_of_centre(staff, reservation_id)
    day = _day(r, today())
    if day.arrived_at is not None:
        raise Conflict(_("孩子今天已入园"))
    day.absent, day.recorded_by = True, staff.id
    db.session.flush()
    record("attendance.absent", day, actor=staff, centre_id=staff.centre_id,
           after={"reservation_id": r.id})
    db.session.commit()
    return day


def arrivals(centre_id: int, on_date: date | None = None) -> dict:
    """The day's arrivals at a glance (the staff's home): children in care that day, how many
    have arrived, how many are away (reported absent by the family or marked absent), and so
    how many are still expected. Three reads, whatever the centre's size."""
    on_date = on_date or today()
    rows = db.session.execute(select(Reservation.id, Reservation.child_id).join(Slot).where(
        Slot.centre_id == centre_id, in_care_on(on_date), Slot.starts_on <= on_date)).all()
    days = {a.reservation_id: a for a in db.session.scalars(select(Attendance).where(
        Attendance.on_date == on_date,
        Attendance.reservation_id.in_([r[0] for r in rows])))} if rows else {}
    away_reported = absences.reported_absent([r[1] for r in rows], on_date)
    arrived = away = 0
    for res_id, child_id in rows:
        a = days.get(res_id)
        if a is not None and a.arrived_at is not None:
            arrived += 1
        elif (a is not None and a.absent) or child_id in away_reported:
            away += 1
    return {"in_care": len(rows), "arrived": arrived, "away": away,
            "expected": len(rows) - arrived - away}
