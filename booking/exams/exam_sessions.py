"""Exam sessions: an institution publishes sittings (a day, a Beijing time window, a capacity,
the items examined and what to bring) and may call one off (docs/exams.md, Sessions).

Only the institution's own accounts act on its sessions; another institution's session is
answered as missing (404). A session called off cancels its booked appointments, each with
the reason, and tells each child's guardians (notification `exam_cancelled`).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..audit.services import notify_many, record, record_many
from ..auth.permissions import allowed
from ..centres.models import District
from ..children import services as children
from ..clock import LOCAL, local_date
from ..clock import now as clock_now
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..transactions import command
from .models import SESSION_ITEMS, ExamAppointment, ExamSession, HealthInstitution

MAX_CAPACITY = 200
MAX_DAYS = 14  # one form publishes at most two weeks of days at once


@dataclass
class ExamSessionSpec:
    on_date: date
    start: time
    end: time
    capacity: int
    items: list = field(default_factory=lambda: list(SESSION_ITEMS))
    bring: str | None = None
    days: int = 1  # consecutive days from on_date, weekends skipped when more than one


def staff_of(actor, institution_id: int, action: str = "exam.schedule") -> None:
    """:raises Forbidden: a role without `action`. :raises NotFound: another institution's."""
    if actor is None or not allowed(actor, action):
        raise Forbidden()
    if actor.institution_id != institution_id:
        raise NotFound()


def own_session(session_id: int, actor, action: str = "exam.schedule") -> ExamSession:
    s = db.session.get(ExamSession, session_id)
    if s is None:
        if actor is None or not allowed(actor, action):
            raise Forbidden()
        raise NotFound()
    staff_of(actor, s.institution_id, action)
    return s


def lock_session(session_id: int) -> ExamSession:
    """Write the session row first (a no-op bump of `version`): every transaction that
    changes who holds its places waits here for the one before (docs/design.md, Locking)."""
    result = db.session.execute(
        update(ExamSession).where(ExamSession.id == session_id)
        .values(version=ExamSession.version + 1).execution_options(synchronize_session=False))
    if result.rowcount == 0:
        raise NotFound()
    return db.session.get(ExamSession, session_id, populate_existing=True)


# A place is taken by every appointment but a cancelled one (an examined child or a no-show
# held it too).
_TAKES_PLACE = ExamAppointment.status != "cancelled"


def booked_count(session_id: int) -> int:
    return db.session.scalar(select(func.count(ExamAppointment.id)).where(
        ExamAppointment.session_id == session_id, _TAKES_PLACE)) or 0


def booked_counts(session_ids) -> dict[int, int]:
    ids = list(session_ids)
    counts = dict.fromkeys(ids, 0)
    if ids:
        counts.update(db.session.execute(
            select(ExamAppointment.session_id, func.count(ExamAppointment.id))
            .where(ExamAppointment.session_id.in_(ids), _TAKES_PLACE)
            .group_by(ExamAppointment.session_id)).all())
    return counts


def cancel_cutoff(s: ExamSession) -> datetime:
    return s.starts_at - timedelta(hours=s.institution.cancel_cutoff_hours)


def _dates(spec: ExamSessionSpec) -> list[date]:
    if spec.days <= 1:
        return [spec.on_date]
    out, d = [], spec.on_date
    while len(out) < spec.days:
        if d.isoweekday() <= 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def validate_spec(spec: ExamSessionSpec, now) -> list[date]:
    errors: dict[str, list] = {}
    if not isinstance(spec.capacity, int) or not 1 <= spec.capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("名额应在 1 到 %(max)s 之间", max=MAX_CAPACITY)]
    if spec.end <= spec.start:
        errors["end"] = [_("结束时间应晚于开始时间")]
    if not spec.items or any(i not in SESSION_ITEMS for i in spec.items):
        errors["items"] = [_("请选择体检项目")]
    if spec.bring and len(spec.bring) > 500:
        errors["bring"] = [_("需携带的材料最多 500 个字")]
    if not 1 <= spec.days <= MAX_DAYS:
        errors["days"] = [_("连续天数应在 1 到 %(max)s 之间", max=MAX_DAYS)]
    if errors:
        raise ValidationFailed(errors=errors)
    dates = _dates(spec)
    if datetime.combine(dates[0], spec.start, tzinfo=LOCAL) <= now:
        raise ValidationFailed(errors={"on_date": [_("开始时间已过，请选择以后的日期和时间")]})
    return dates


@command
def publish(institution_id: int, spec: ExamSessionSpec, *, actor, now=None) -> list[ExamSession]:
    """Publish one session, or one on each of `days` working days from on_date (all or none).

    :raises Forbidden, NotFound: not the institution's account. :raises ValidationFailed."""
    now = now or clock_now()
    staff_of(actor, institution_id)
    inst = db.session.get(HealthInstitution, institution_id)
    if inst is None:
        raise NotFound()
    if not inst.active:
        raise Conflict(_("机构已停用，不能发布场次"))
    dates = validate_spec(spec, now)
    bring = (spec.bring or "").strip() or None
    made = [ExamSession(institution_id=inst.id, capacity=spec.capacity,
                        starts_at=datetime.combine(d, spec.start, tzinfo=LOCAL),
                        ends_at=datetime.combine(d, spec.end, tzinfo=LOCAL),
                        items=[i for i in SESSION_ITEMS if i in spec.items], bring=bring,
                        created_by=actor.id, created_at=now) for d in dates]
    db.session.add_all(made)
    db.session.flush()
    record_many([{"action": "exam_session.published", "entity_type": "exam_session",
                  "entity_id": s.id, "actor_id": actor.id,
                  "after": {"institution_id": inst.id, "starts_at": s.starts_at,
                            "ends_at": s.ends_at, "capacity": s.capacity, "items": s.items}}
                 for s in made], at=now)
    db.session.commit()
    return made


@command
def cancel_session(session_id: int, *, actor, reason: str | None = None,
                   now=None) -> ExamSession:
    """Call a session off: its booked appointments are cancelled with the reason, and each
    child's guardians told. :raises Conflict: already cancelled, or already over."""
    now = now or clock_now()
    own_session(session_id, actor)
    s = lock_session(session_id)
    if s.cancelled_at is not None:
        raise Conflict(_("该场次已取消"))
    if s.ends_at <= now:
        raise Conflict(_("已结束的场次不能取消"))
    reason = (reason or "").strip()[:200] or None
    s.cancelled_at = now
    booked = list(db.session.scalars(select(ExamAppointment).where(
        ExamAppointment.session_id == s.id, ExamAppointment.status == "booked")))
    for a in booked:
        a.status, a.cancelled_at = "cancelled", now
        a.cancel_reason = reason or "session cancelled"
    record("exam_session.cancelled", s, actor=actor, reason=reason, at=now,
           before={"cancelled_at": None}, after={"cancelled_at": now, "appointments": len(booked)})
    record_many([{"action": "exam_appointment.cancelled", "entity_type": "exam_appointment",
                  "entity_id": a.id, "actor_id": actor.id, "reason": "session cancelled",
                  "before": {"status": "booked"}, "after": {"status": "cancelled"}}
                 for a in booked], at=now)
    starts = s.starts_at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")
    notify_many([{"user_id": g, "kind": "exam_cancelled",
                  "params": {"appointment_id": a.id, "institution": s.institution.name,
                             "starts_at": starts, "reason": reason or "",
                             "child": a.child.name, "child_id": a.child_id}}
                 for a in booked for g in children.guardians_of(a.child_id)], at=now)
    db.session.commit()
    return s


def institution_sessions(institution_id: int, *, since: datetime, until: datetime | None = None,
                         limit: int = 200) -> list[ExamSession]:
    stmt = select(ExamSession).where(ExamSession.institution_id == institution_id,
                                     ExamSession.ends_at > since)
    if until is not None:
        stmt = stmt.where(ExamSession.starts_at < until)
    return list(db.session.scalars(stmt.order_by(ExamSession.starts_at).limit(limit)))


def open_to_institution(a: ExamAppointment, now) -> bool:
    """Whether the institution still sees the child of `a` (docs/exams.md, Who sees what):
    while the appointment and its result are open (`booked`), and a no-show on its own day,
    so that an arrival can correct it. Once examined, cancelled or past, the child is not
    the institution's to see."""
    return a.status == "booked" or (
        a.status == "no_show" and local_date(a.session.starts_at) == local_date(now))


def session_appointments(session_id: int, now=None) -> list[ExamAppointment]:
    """The session's open appointments (open_to_institution): the institution's list."""
    now = now or clock_now()
    rows = db.session.scalars(select(ExamAppointment).where(
        ExamAppointment.session_id == session_id,
        ExamAppointment.status.in_(("booked", "no_show"))).order_by(ExamAppointment.id))
    return sorted((a for a in rows if open_to_institution(a, now)),
                  key=lambda a: (a.status != "booked", a.id))


def closed_counts(session_id: int) -> dict[str, int]:
    """How many of the session's appointments ended, by status, without whose they were."""
    return dict(db.session.execute(
        select(ExamAppointment.status, func.count()).where(
            ExamAppointment.session_id == session_id,
            ExamAppointment.status.in_(("examined", "no_show", "cancelled")))
        .group_by(ExamAppointment.status)).all())


def open_sessions(*, now, district_id=None, institution_id=None, date_from=None,
                  has_places=False, page=1, per_page=50) -> tuple[list[tuple], int]:
    """Bookable sessions (active institutions, not cancelled, not started) with their booked
    count, by start."""
    booked = (select(func.count(ExamAppointment.id))
              .where(ExamAppointment.session_id == ExamSession.id,
                     _TAKES_PLACE).correlate(ExamSession)
              .scalar_subquery())
    stmt = (select(ExamSession, booked).join(HealthInstitution)
            .join(District, District.id == HealthInstitution.district_id)
            .where(ExamSession.cancelled_at.is_(None), ExamSession.starts_at > now,
                   HealthInstitution.active.is_(True)))
    if district_id:
        stmt = stmt.where(HealthInstitution.district_id == district_id)
    if institution_id:
        stmt = stmt.where(ExamSession.institution_id == institution_id)
    if date_from:
        stmt = stmt.where(ExamSession.starts_at >= datetime.combine(date_from, time(),
                                                                    tzinfo=LOCAL))
    if has_places:
        stmt = stmt.where(booked < ExamSession.capacity)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.execute(stmt.order_by(ExamSession.starts_at, ExamSession.id)
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return [(s, n) for s, n in rows], total
