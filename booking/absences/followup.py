"""Illness absence follow-up (因病缺勤追踪): after the centre's follow-up time (10:00 unless
the director sets another), children neither arrived nor reported absent are listed for the
staff to call the family; what the call found becomes an absence with source
"staff_follow_up" (docs/absences.md, Follow-up)."""
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.services import record
from ..auth.permissions import can
from ..centres.models import Centre
from ..children.models import Child
from ..clock import LOCAL, local_date
from ..clock import now as clock_now
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..health.models import Attendance
from ..outbreaks import detection as outbreaks
from ..places.locking import lock_children
from ..reservations.models import Reservation, in_care_on
from ..rosters.checks import is_open
from ..slots.models import Slot
from ..transactions import command
from . import queries
from .models import DEFAULT_FOLLOW_UP_MINUTES, FOLLOW_UP_RANGE, Absence, AbsencePolicy
from .services import arrived_on, check_reason, make


def follow_up_minutes(centre_id: int) -> int:
    """Minutes after midnight (local) from which the unexplained are followed up."""
    return db.session.scalar(select(AbsencePolicy.follow_up_minutes).where(
        AbsencePolicy.centre_id == centre_id)) or DEFAULT_FOLLOW_UP_MINUTES


def follow_up_time(centre_id: int) -> time:
    minutes = follow_up_minutes(centre_id)
    return time(minutes // 60, minutes % 60)


def is_due(centre_id: int, now: datetime | None = None) -> bool:
    now = now or clock_now()
    return now.astimezone(LOCAL).time() >= follow_up_time(centre_id)


@command
def set_follow_up_time(centre_id: int, director, at: time, now=None) -> AbsencePolicy:
    """The director sets the centre's follow-up time, between 06:00 and 18:00.

    :raises NotFound: another centre. :raises ValidationFailed: outside those hours.
    """
    now = now or clock_now()
    if director.role != "staff" or not can(director, "absence.settings", centre_id):
        raise NotFound()
    minutes = at.hour * 60 + at.minute
    if not FOLLOW_UP_RANGE[0] <= minutes <= FOLLOW_UP_RANGE[1]:
        raise ValidationFailed(errors={"follow_up_at": [_("追踪时间应在 06:00 到 18:00 之间")]})
    policy = db.session.get(AbsencePolicy, centre_id)
    before = policy.follow_up_minutes if policy else DEFAULT_FOLLOW_UP_MINUTES
    if policy is None:
        policy = AbsencePolicy(centre_id=centre_id)
        db.session.add(policy)
    policy.follow_up_minutes, policy.updated_by, policy.updated_at = minutes, director.id, now
    db.session.flush()
    record("absence.follow_up_time_set", ("absence_policy", centre_id), actor=director,
           centre_id=centre_id, at=now, before={"minutes": before}, after={"minutes": minutes})
    db.session.commit()
    return policy


@dataclass
class Unexplained:
    reservation: Reservation
    child: Child
    marked_absent: bool  # the staff pressed "absent" without knowing why


def unexplained(centre_id: int, day: date) -> list[Unexplained]:
    """Children in care at the centre on `day` who have not arrived and have no absence
    standing that day, by class then child. A closed day has none."""
    centre = db.session.get(Centre, centre_id)
    if centre is None or not is_open(centre, day):
        return []
    rows = db.session.execute(
        select(Reservation, Child).join(Slot, Slot.id == Reservation.slot_id)
        .join(Child, Child.id == Reservation.child_id)
        .where(Slot.centre_id == centre_id, in_care_on(day), Slot.starts_on <= day)
        .order_by(Slot.group_id, Child.name, Reservation.id)).all()
    if not rows:
        return []
    days = {a.reservation_id: a for a in db.session.scalars(select(Attendance).where(
        Attendance.on_date == day, Attendance.reservation_id.in_([r.id for r, _c in rows])))}
    away = queries.reported_absent([c.id for _r, c in rows], day)
    out = []
    for r, child in rows:
        a = days.get(r.id)
        if (a is not None and a.arrived_at is not None) or child.id in away:
            continue
        out.append(Unexplained(r, child, bool(a and a.absent)))
    return out


def reservation_for_call(reservation_id: int, staff) -> Reservation:
    """An enrolment of the staff member's centre in care today.

    :raises NotFound: another centre's, or not enrolled now.
    """
    r = db.session.get(Reservation, reservation_id)
    today_ = local_date(clock_now())
    if r is None or staff.role != "staff" or not can(staff, "absence.follow_up", r.slot.centre_id) \
            or queries.enrolment_on(r.child_id, today_) is not r:
        raise NotFound()
    return r


@command
def record_follow_up(reservation_id: int, staff, *, reached: bool, reason: str | None = None,
                     symptoms=(), symptom_other=None, note=None, now=None) -> Absence:
    """The result of calling the family of a child neither arrived nor reported absent
    today: reached (with the reason, and for an illness its symptoms) or not (the reason
    stays unknown). It becomes today's absence, source "staff_follow_up".

    :raises NotFound: not the staff's centre's child in care today. :raises ValidationFailed:
        a reason without its symptoms, or none when the family was reached. :raises Conflict:
        the child arrived today, or an absence stands today already.
    """
    now = now or clock_now()
    r = reservation_for_call(reservation_id, staff)
    today_ = local_date(now)
    errors: dict = {}
    if reached:
        symptoms, symptom_other, note = check_reason(reason, symptoms, symptom_other, note, errors)
    else:
        reason = "unknown"
        symptoms, symptom_other, note = check_reason(reason, symptoms, symptom_other, note,
                                                     errors, reasons=("unknown",))
        if symptoms:
            errors["symptoms"] = [_("没有联系上家长时不填写症状")]
    if errors:
        raise ValidationFailed(errors=errors)
    lock_children([r.child_id])
    if arrived_on(r.id, today_):
        raise Conflict(_("孩子今天已入园"))
    if queries.standing(r.child_id, today_) is not None:
        raise Conflict(_("孩子今天已有请假或追踪记录"))
    absence = make(r, starts_on=today_, ends_on=today_, reason=reason, symptoms=symptoms,
                   symptom_other=symptom_other, note=note, source="staff_follow_up",
                   actor=staff, reached=bool(reached), now=now)
    record("absence.followed_up", absence, actor=staff, centre_id=absence.centre_id, at=now,
           after={"child_id": r.child_id, "on_date": today_, "reached": bool(reached)})
    outbreaks.after_illness_absence(absence, now)
    db.session.commit()
    return absence
