"""Families' exam appointments (docs/exams.md, Appointments).

- One live (`booked`) appointment per child: checked, and held by the partial unique index
  when two requests race (the loser is told which appointment the child already has).
- A booking writes the session row first (exam_sessions.lock_session), then counts, then
  inserts: a session is never overbooked.
- The family cancels or moves until the institution's cut-off (`cancel_cutoff_hours` before
  the start, that instant included); a move cancels the old appointment and books the new
  one in one transaction, so the child is never left with none or two.
- The institution's accounts mark arrival (`marked_at`; the status stays `booked` until the
  doctor signs the result) or a no-show.
"""
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..auth.permissions import allowed
from ..children import services as children
from ..clock import LOCAL, local_date
from ..clock import now as clock_now
from ..errors import Conflict, Forbidden, NotFound, SessionFull, ValidationFailed
from ..extensions import db
from ..health.services import DEFAULT_VALID_DAYS, valid_days_for
from ..reservations.models import Reservation, Status
from ..transactions import command
from .exam_sessions import (booked_count, cancel_cutoff, lock_session, open_sessions,
                            open_to_institution, staff_of)
from .models import ExamAppointment, ExamSession

MARKS = ("arrived", "no_show")


def when(s: ExamSession) -> str:
    start, end = s.starts_at.astimezone(LOCAL), s.ends_at.astimezone(LOCAL)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def live_of(child_id: int) -> ExamAppointment | None:
    return db.session.scalar(select(ExamAppointment).where(
        ExamAppointment.child_id == child_id, ExamAppointment.status == "booked"))


def _already(existing: ExamAppointment) -> Conflict:
    s = existing.session
    return Conflict(_("孩子已预约 %(inst)s %(when)s 的体检，请先取消或改约该预约",
                      inst=s.institution.name, when=when(s)),
                    extra={"appointment_id": existing.id})


def for_child(parent, child_id: int) -> list[ExamAppointment]:
    """The child's appointments, newest first (its guardians only; 404 otherwise)."""
    children.child_for_guardian(parent, child_id)
    return list(db.session.scalars(select(ExamAppointment).where(
        ExamAppointment.child_id == child_id).order_by(ExamAppointment.id.desc())))


def hold_of(child_id: int, reservation_id: int | None) -> Reservation | None:
    """The child's live hold the exam is for; 404 for any other reservation."""
    if reservation_id is None:
        return None
    r = db.session.get(Reservation, reservation_id)
    if r is None or r.child_id != child_id or r.status not in (Status.HELD, Status.ENROLLED):
        raise NotFound()
    return r


def visible(appointment_id: int, user) -> ExamAppointment:
    """Seen by the child's guardians and the accounts of the session's institution."""
    a = db.session.get(ExamAppointment, appointment_id)
    if a is None or user is None:
        raise NotFound()
    if user.role == "parent" and children.is_guardian(user, a.child_id):
        return a
    if user.role == "institution" and user.institution_id == a.session.institution_id \
            and open_to_institution(a, clock_now()):
        return a
    raise NotFound()


def _bookable(s: ExamSession, now) -> None:
    if s.cancelled_at is not None:
        raise Conflict(_("该场次已取消"))
    if not s.institution.active:
        raise Conflict(_("该机构目前不接受预约"))
    if s.starts_at <= now:
        raise ValidationFailed(errors={"session_id": [_("该场次已开始或已过去，请选择以后的场次")]})


def _insert(s: ExamSession, child_id: int, parent, reservation_id, now) -> ExamAppointment:
    if booked_count(s.id) >= s.capacity:
        raise SessionFull(_("该场次已约满，请选择其他场次"), extra={"session_id": s.id})
    a = ExamAppointment(session_id=s.id, child_id=child_id, booked_by=parent.id,
                        reservation_id=reservation_id, status="booked", created_at=now)
    db.session.add(a)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request booked for the child in the meantime (the unique index held).
        db.session.rollback()
        existing = live_of(child_id)
        raise _already(existing) if existing else Conflict(_("孩子已有一个体检预约"))
    return a


@command
def book(*, child_id: int, session_id: int, parent, reservation_id: int | None = None,
         now=None) -> ExamAppointment:
    """:raises Forbidden: not a parent. :raises NotFound: not their child, no such session.
    :raises Conflict: a live appointment already, a cancelled session; SessionFull.
    :raises ValidationFailed: a session already started."""
    now = now or clock_now()
    if parent is None or not allowed(parent, "exam.book"):
        raise Forbidden()
    child = children.child_for_guardian(parent, child_id)
    hold = hold_of(child.id, reservation_id)
    if db.session.get(ExamSession, session_id) is None:
        raise NotFound()
    s = lock_session(session_id)
    _bookable(s, now)
    existing = live_of(child.id)
    if existing is not None:
        raise _already(existing)
    a = _insert(s, child.id, parent, hold.id if hold else None, now)
    record("exam_appointment.booked", a, actor=parent, at=now,
           after={"status": "booked", "session_id": s.id, "child_id": child.id,
                  "reservation_id": a.reservation_id})
    db.session.commit()
    return a


def may_change_online(a: ExamAppointment, now=None) -> bool:
    now = now or clock_now()
    return a.status == "booked" and a.marked_at is None and now <= cancel_cutoff(a.session)


def _family_change(appointment_id: int, parent, now) -> ExamAppointment:
    if parent is None or not allowed(parent, "exam.book"):
        raise Forbidden()
    a = visible(appointment_id, parent)
    if parent.role != "parent":
        raise Forbidden()
    lock_session(a.session_id)
    db.session.refresh(a)
    if a.status != "booked":
        raise Conflict(_("只有已预约的体检可以取消或改约"))
    cutoff = cancel_cutoff(a.session)
    if now > cutoff:
        raise Conflict(_("取消或改约截止时间是 %(t)s（开始前 %(h)s 小时），请直接联系体检机构。",
                         t=cutoff.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M"),
                         h=a.session.institution.cancel_cutoff_hours),
                       extra={"cutoff_at": cutoff.astimezone(LOCAL).isoformat()})
    return a


@command
def cancel(appointment_id: int, *, parent, now=None) -> ExamAppointment:
    """The family cancels until the cut-off. :raises NotFound, Forbidden, Conflict."""
    now = now or clock_now()
    a = _family_change(appointment_id, parent, now)
    a.status, a.cancelled_at, a.cancel_reason = "cancelled", now, "cancelled by family"
    record("exam_appointment.cancelled", a, actor=parent, at=now,
           before={"status": "booked"}, after={"status": "cancelled", "by": "family"})
    db.session.commit()
    return a


@command
def move(appointment_id: int, *, session_id: int, parent, now=None) -> ExamAppointment:
    """Cancel the appointment and book `session_id` instead, both or neither.

    :raises ValidationFailed: the same session, or one already started; else as book and
        cancel."""
    now = now or clock_now()
    old = db.session.get(ExamAppointment, appointment_id)
    if old is not None and old.session_id == session_id:
        raise ValidationFailed(errors={"session_id": [_("请选择另一个场次")]})
    if db.session.get(ExamSession, session_id) is None:
        raise NotFound()
    # Both session rows are written in id order, so two moves never wait on each other.
    if old is not None and session_id < old.session_id:
        lock_session(session_id)
    old = _family_change(appointment_id, parent, now)
    s = lock_session(session_id)
    _bookable(s, now)
    old.status, old.cancelled_at, old.cancel_reason = "cancelled", now, "moved"
    db.session.flush()
    new = _insert(s, old.child_id, parent, old.reservation_id, now)
    old.moved_to_id = new.id
    record("exam_appointment.moved", old, actor=parent, at=now,
           before={"status": "booked", "session_id": old.session_id},
           after={"status": "cancelled", "moved_to_id": new.id, "session_id": s.id})
    record("exam_appointment.booked", new, actor=parent, at=now,
           after={"status": "booked", "session_id": s.id, "child_id": new.child_id,
                  "moved_from_id": old.id})
    db.session.commit()
    return new


@command
def mark(appointment_id: int, *, actor, status: str, now=None) -> ExamAppointment:
    """The institution records arrival (the status stays booked; the result comes later) or
    a no-show; an arrival corrects a no-show marked by mistake.

    :raises ValidationFailed: another mark. :raises Forbidden, NotFound.
    :raises Conflict: before the session's day, or a cancelled or examined appointment."""
    now = now or clock_now()
    if status not in MARKS:
        raise ValidationFailed(errors={"status": [_("应为 arrived 或 no_show")]})
    a = db.session.get(ExamAppointment, appointment_id)
    if a is None:
        if actor is None or not allowed(actor, "exam.attendance"):
            raise Forbidden()
        raise NotFound()
    staff_of(actor, a.session.institution_id, "exam.attendance")
    if not open_to_institution(a, now):
        raise NotFound()
    if a.status not in ("booked", "no_show"):
        raise Conflict(_("已取消或已完成体检的预约不能登记到场"))
    if local_date(a.session.starts_at) > local_date(now):
        raise Conflict(_("体检当天才能登记到场或爽约"))
    if status == "no_show" and a.session.starts_at > now:
        raise Conflict(_("场次开始后才能登记爽约"))
    if status == "arrived" and a.status == "no_show" and live_of(a.child_id) is not None:
        raise Conflict(_("孩子已有另一个体检预约"))
    before = {"status": a.status, "marked_at": a.marked_at}
    a.status = "booked" if status == "arrived" else "no_show"
    a.marked_at, a.marked_by = now, actor.id
    record(f"exam_appointment.{status}", a, actor=actor, at=now, before=before,
           after={"status": a.status, "marked_at": now})
    db.session.commit()
    return a


# --- suggestion ---------------------------------------------------------------------------

def valid_window(hold: Reservation | None, today: date) -> tuple[date, date | None, int]:
    """(earliest exam date, latest, validity days): an exam on or after start − valid days
    is still valid on the hold's start date, and it must happen before the start."""
    if hold is None:
        return today, None, DEFAULT_VALID_DAYS
    valid = valid_days_for(hold.slot)
    starts_on = hold.slot.starts_on
    return max(today, starts_on - timedelta(days=valid)), starts_on, valid


def home_district(parent, child_id: int, hold: Reservation | None = None) -> int | None:
    """The district of the child's centre (the hold's, else a live place's), else the
    parent's own."""
    if hold is not None:
        return hold.slot.centre.district_id
    r = db.session.scalar(select(Reservation).where(
        Reservation.child_id == child_id,
        Reservation.status.in_((Status.HELD, Status.ENROLLED))).order_by(Reservation.id.desc()))
    if r is not None:
        return r.slot.centre.district_id
    return parent.district_id


def suggest(parent, child_id: int, reservation_id: int | None = None, now=None) -> dict:
    """The earliest session with a free place whose result will still be valid on the hold's
    start date (not before start − valid days, not in the past, before the start); the
    child's home district first among sessions of the same day. Also says why."""
    now = now or clock_now()
    child = children.child_for_guardian(parent, child_id)
    hold = hold_of(child.id, reservation_id)
    today = local_date(now)
    earliest, latest, valid = valid_window(hold, today)
    district = home_district(parent, child.id, hold)
    rows, _total = open_sessions(now=now, date_from=earliest, has_places=True, per_page=200)
    if latest is not None:
        rows = [(s, n) for s, n in rows if local_date(s.starts_at) < latest]
    best = None
    if rows:
        first_day = local_date(rows[0][0].starts_at)
        same_day = [r for r in rows if local_date(r[0].starts_at) == first_day]
        best = next((r for r in same_day if r[0].institution.district_id == district),
                    same_day[0])
    return {"session": best[0] if best else None, "booked": best[1] if best else 0,
            "earliest": earliest, "latest": latest, "valid_days": valid,
            "starts_on": latest, "district_id": district, "reservation": hold}
