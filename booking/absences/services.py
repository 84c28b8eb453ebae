"""A guardian reports an absence (请假) for a day or a range of days, and withdraws it before
the day (docs/absences.md). Staff learn of the others by calling (followup.py)."""
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.services import record
from ..children import services as children
from ..clock import local_date
from ..clock import now as clock_now
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..health.models import Attendance
from ..outbreaks import detection as outbreaks
from ..places.locking import lock_children
from ..reservations.models import Reservation, in_care_on
from ..transactions import command
from . import queries
from .models import SYMPTOMS, Absence, AbsenceSymptom

MAX_DAYS = 31      # one report covers at most a month (*default*)
HORIZON_DAYS = 60  # and starts at most two months ahead (*default*)
NOTE_MAX = 500


def check_reason(reason: str, symptoms, symptom_other, note, errors: dict, *,
                 reasons=("illness", "family")) -> tuple[list[str], str | None, str | None]:
    """The reason and what goes with it: an illness names at least one symptom ("other" with
    words), a family reason none. Returns the symptoms (in SYMPTOMS order), the other
    symptom's words and the note, cleaned; puts what is wrong into `errors`."""
    chosen = set(symptoms or ())
    other = (symptom_other or "").strip() or None
    note = (note or "").strip() or None
    if reason not in reasons:
        errors["reason"] = [_("请选择请假原因")]
    if chosen - set(SYMPTOMS):
        errors["symptoms"] = [_("请从列出的症状中选择")]
    if other:
        chosen.add("other")
    if reason == "illness":
        if not chosen:
            errors["symptoms"] = [_("病假请至少选择一项症状")]
        elif "other" in chosen and not other:
            errors["symptom_other"] = [_("请写明其他症状")]
    elif chosen and reason in reasons:
        errors["symptoms"] = [_("只有病假需要填写症状")]
    if other and len(other) > 200:
        errors["symptom_other"] = [_("最多 200 个字")]
    if note and len(note) > NOTE_MAX:
        errors["note"] = [_("最多 %(n)s 个字", n=NOTE_MAX)]
    return [s for s in SYMPTOMS if s in chosen], other if "other" in chosen else None, note


def arrived_on(reservation_id: int, day: date) -> bool:
    return db.session.scalar(select(Attendance.id).where(
        Attendance.reservation_id == reservation_id, Attendance.on_date == day,
        Attendance.arrived_at.is_not(None))) is not None


def make(r, *, starts_on, ends_on, reason, symptoms, symptom_other, note, source, actor,
         reached=None, now) -> Absence:
    """Insert an absence (flushes; the caller audits and commits)."""
    absence = Absence(child_id=r.child_id, reservation_id=r.id, centre_id=r.slot.centre_id,
                      starts_on=starts_on, ends_on=ends_on, reason=reason,
                      symptom_other=symptom_other, note=note, source=source, reached=reached,
                      reported_by=actor.id, reported_at=now,
                      symptom_rows=[AbsenceSymptom(symptom=s) for s in symptoms])
    db.session.add(absence)
    db.session.flush()
    return absence


@command
def report(child_id: int, guardian, *, starts_on: date, ends_on: date | None = None,
           reason: str, symptoms=(), symptom_other=None, note=None, now=None) -> Absence:
    """A guardian reports the child away from `starts_on` to `ends_on` (one day when
    omitted), for illness (with its symptoms) or family reasons.

    :raises NotFound: not their child. :raises ValidationFailed: a day in the past, more
        than HORIZON_DAYS ahead, a range backwards or over MAX_DAYS, a reason without what
        goes with it. :raises Conflict: the child not in care on those days, already arrived
        today, or already reported away on one of the days.
    """
    now = now or clock_now()
    if guardian.role != "parent":
        raise NotFound()
    children.child_for_guardian(guardian, child_id)
    today_ = local_date(now)
    ends_on = ends_on or starts_on
    errors: dict = {}
    if starts_on < today_:
        errors["starts_on"] = [_("不能为已经过去的日期请假")]
    elif starts_on > today_ + timedelta(days=HORIZON_DAYS):
        errors["starts_on"] = [_("最多可提前 %(n)s 天请假", n=HORIZON_DAYS)]
    if ends_on < starts_on:
        errors["ends_on"] = [_("结束日期不能早于开始日期")]
    elif (ends_on - starts_on).days >= MAX_DAYS:
        errors["ends_on"] = [_("一次最多请假 %(n)s 天", n=MAX_DAYS)]
    symptoms, symptom_other, note = check_reason(reason, symptoms, symptom_other, note, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    # The child's row first: two reports at once queue here, so the overlap check below is
    # never stale (docs/design.md, Lock order).
    lock_children([child_id])
    r = queries.enrolment_on(child_id, starts_on)
    if r is None:
        raise Conflict(_("孩子这一天不在园（尚未入托或已离园），不需要请假"))
    if r.leaves_on is not None and r.leaves_on < ends_on:
        raise Conflict(_("孩子将于 %(d)s 离园，请假不能晚于这一天", d=r.leaves_on.isoformat()))
    if starts_on == today_ and arrived_on(r.id, today_):
        raise Conflict(_("孩子今天已入园；需要提前接回请直接联系老师"))
    clash = queries.overlapping(child_id, starts_on, ends_on)
    if clash is not None:
        raise Conflict(_("这段时间已有请假（%(a)s 至 %(b)s），请先撤回或改选日期",
                         a=clash.starts_on.isoformat(), b=clash.ends_on.isoformat()))
    absence = make(r, starts_on=starts_on, ends_on=ends_on, reason=reason, symptoms=symptoms,
                   symptom_other=symptom_other, note=note, source="guardian", actor=guardian,
                   now=now)
    # No reason or symptom in the log: the audit log is read by regulators, these are health
    # data (docs/absences.md, Privacy).
    record("absence.reported", absence, actor=guardian, centre_id=absence.centre_id, at=now,
           after={"child_id": child_id, "starts_on": starts_on, "ends_on": ends_on})
    outbreaks.after_illness_absence(absence, now)
    db.session.commit()
    return absence


def absence_for(absence_id: int, guardian, child_id: int | None = None) -> Absence:
    a = db.session.get(Absence, absence_id)
    if a is None or (child_id is not None and a.child_id != child_id) \
            or guardian.role != "parent" or not children.is_guardian(guardian, a.child_id):
        raise NotFound()
    return a


@command
def withdraw(absence_id: int, guardian, *, child_id: int | None = None, now=None) -> Absence:
    """Withdraw an absence before its first day (all of it), or, once it has begun, the days
    after today (the child comes back tomorrow).

    :raises NotFound: not their child's. :raises Conflict: already withdrawn, recorded by the
        staff, or nothing left after today.
    """
    now = now or clock_now()
    a = absence_for(absence_id, guardian, child_id)
    today_ = local_date(now)
    if a.withdrawn_at is not None:
        raise Conflict(_("这次请假已经撤回"))
    if a.source != "guardian":
        raise Conflict(_("老师追踪登记的缺勤不能撤回"))
    before = {"starts_on": a.starts_on, "ends_on": a.ends_on}
    if a.starts_on > today_:
        a.withdrawn_at, a.withdrawn_by = now, guardian.id
    elif a.ends_on > today_:
        a.ends_on = today_
    else:
        raise Conflict(_("请假的日子已经开始，不能撤回"))
    record("absence.withdrawn", a, actor=guardian, centre_id=a.centre_id, at=now, before=before,
           after={"ends_on": a.ends_on, "withdrawn": a.withdrawn_at is not None})
    db.session.commit()
    return a


def children_with_care(guardian) -> list[tuple]:
    """The guardian's children, each with the enrolment in care today (or None)."""
    today_ = local_date(clock_now())
    return [(c, queries.enrolment_on(c.id, today_) or _next_enrolment(c.id))
            for c in children.children_of(guardian)]


def _next_enrolment(child_id: int):
    """An enrolment whose care has not started yet (the family may report ahead for it)."""
    return db.session.scalar(select(Reservation).where(
        Reservation.child_id == child_id, in_care_on(local_date(clock_now())))
        .order_by(Reservation.id).limit(1))
