"""Publishing sessions and booking them (临时托育 / 亲子活动, docs/domain.md "Hourly and occasional care").

Beijing asks centres for hourly billing (按时间计费) and occasional care; community baby
rooms give families a yearly number of free sessions. The rules, each written once here:

- A booking locks the session row first (locking.py), so no session is oversold.
- A child's band is by age in months on the session's date (设置标准 art. 19), as for places.
- A family (the children of the booking parent's guardianships) may hold at most the city's
  `session_quota_per_year` subsidised bookings for sessions starting in one calendar year
  (Beijing time); cancelled ones do not count, no-shows do. Within the quota they are free.
- `TUOWEI_NO_SHOW_LIMIT` no-shows in sessions of the last `TUOWEI_NO_SHOW_WINDOW_DAYS`
  days refuse new bookings until the oldest falls out of the window.
- A parent cancels online until the cut-off, `session_cancel_cutoff_hours` before the start,
  the cut-off instant itself included; staff may cancel at any time.
Every command commits once and writes its audit events in the same transaction.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.services import notify_many, record, record_many
from ..auth.permissions import allowed, can
from ..centres.bands import AGE_BANDS, check_band
from ..centres.models import Centre, Group
from ..children import services as children
from ..clock import LOCAL, local_date
from ..clock import now as clock_now
from ..errors import (AlreadyReserved, Conflict, Forbidden, NoShowLimit, NotFound,
                      SessionCancelCutoff, SessionFull, SessionQuotaExceeded, ValidationFailed)
from ..extensions import db
from ..transactions import command
from . import queries
from .locking import lock_family, lock_session
from .models import KINDS, LIVE, CareSession, SessionBooking

MAX_WEEKS = 26
SESSION_BAND_REFUSAL = _l("%(name)s 在 %(date)s 时 %(m)s 个月，该场次收 %(lo)s–%(hi)s 个月的孩子")
MAX_CAPACITY = 100
MAX_PRICE_PER_HOUR_FEN = 100_000  # 1,000 yuan an hour


def price_for(session: CareSession) -> int:
    """Hours × the hourly price, in whole fen (half a fen rounds up): 按时间计费."""
    return (session.minutes * session.price_per_hour_fen + 30) // 60


def _staff_of(actor, centre_id: int) -> None:
    """Those who manage the centre's sessions (its director, admins; auth/permissions.py).
    Other centres' staff learn nothing (404).

    :raises Forbidden: a role without session.manage. :raises NotFound: another centre's staff.
    """
    if actor is None or not allowed(actor, "session.manage"):
        raise Forbidden()
    if not can(actor, "session.manage", centre_id):
        raise NotFound()


# --- publishing -----------------------------------------------------------------------------

@dataclass
class SessionSpec:
    kind: str
    age_band: str
    on_date: date
    start: time
    end: time
    capacity: int
    price_per_hour_fen: int = 0
    subsidised: bool = False
    group_id: int | None = None
    weekdays: tuple[int, ...] = ()   # ISO weekdays 1 (Monday) – 7 (Sunday); a pattern
    repeat_weeks: int = 1


def pattern_dates(on_date: date, weekdays, weeks: int) -> list[date]:
    """The dates of a weekly pattern: each of `weekdays` (ISO, 1 = Monday) in the `weeks`
    weeks from `on_date` on (on_date included; with no weekdays, on_date's own weekday)."""
    days = set(weekdays) or {on_date.isoweekday()}
    return [d for d in (on_date + timedelta(days=i) for i in range(weeks * 7))
            if d.isoweekday() in days]


def validate_spec(centre: Centre, spec: SessionSpec, now) -> tuple[Group | None, list[date]]:
    errors: dict[str, list] = {}
    if spec.kind not in KINDS:
        errors["kind"] = [_("请选择场次类型")]
    if spec.age_band not in AGE_BANDS:
        errors["age_band"] = [_("请选择班型")]
    elif centre.kind == "kindergarten_class" and spec.age_band != "preschool":
        errors["age_band"] = [_("幼儿园托班只招收 2–3 岁幼儿")]
    if not 1 <= spec.capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("名额应在 1 到 %(max)s 之间", max=MAX_CAPACITY)]
    if not 0 <= spec.price_per_hour_fen <= MAX_PRICE_PER_HOUR_FEN:
        errors["price_per_hour_fen"] = [_("每小时价格应在 0 到 1000 元之间")]
    if spec.end <= spec.start:
        errors["end"] = [_("结束时间应晚于开始时间")]
    if not 1 <= spec.repeat_weeks <= MAX_WEEKS:
        errors["repeat_weeks"] = [_("重复周数应在 1 到 %(max)s 之间", max=MAX_WEEKS)]
    if any(not 1 <= d <= 7 for d in spec.weekdays):
        errors["weekdays"] = [_("星期应为 1（周一）到 7（周日）")]
    group = None
    if spec.group_id is not None:
        group = db.session.get(Group, spec.group_id)
        if group is None or group.centre_id != centre.id:
            errors["group_id"] = [_("班级不存在")]
        elif spec.age_band in AGE_BANDS and group.age_band != spec.age_band:
            errors["age_band"] = [_("班型与所属班级不一致")]
    if errors:
        raise ValidationFailed(errors=errors)
    dates = pattern_dates(spec.on_date, spec.weekdays, spec.repeat_weeks)
    if not dates:
        raise ValidationFailed(errors={"weekdays": [_("所选星期在这段时间内没有日期")]})
    if datetime.combine(dates[0], spec.start, tzinfo=LOCAL) <= now:
        raise ValidationFailed(errors={"on_date": [_("开始时间已过，请选择以后的日期和时间")]})
    return group, dates


@command
def publish(centre: Centre, spec: SessionSpec, *, actor, now=None) -> list[CareSession]:
    """Publish one session, or a weekly pattern of them (all or none).

    Sessions of a pattern share `pattern_id`, the id of its first session.
    :raises Forbidden, NotFound: not the centre's staff. :raises ValidationFailed: bad values,
        a class of another band or centre, a start in the past, a pattern with no dates.
    """
    now = now or clock_now()
    _staff_of(actor, centre.id)
    group, dates = validate_spec(centre, spec, now)
    made = []
    for d in dates:
        s = CareSession(centre_id=centre.id, group_id=group.id if group else None,
                        kind=spec.kind, age_band=spec.age_band,
                        starts_at=datetime.combine(d, spec.start, tzinfo=LOCAL),
                        ends_at=datetime.combine(d, spec.end, tzinfo=LOCAL),
                        capacity=spec.capacity, price_per_hour_fen=spec.price_per_hour_fen,
                        subsidised=spec.subsidised, created_at=now)
        db.session.add(s)
        made.append(s)
    db.session.flush()
    if len(made) > 1:
        for s in made:
            s.pattern_id = made[0].id
    record_many([{"action": "session.published", "entity_type": "care_session",
                  "entity_id": s.id, "centre_id": centre.id, "actor_id": actor.id,
                  "after": {"kind": s.kind, "age_band": s.age_band, "starts_at": s.starts_at,
                            "ends_at": s.ends_at, "capacity": s.capacity,
                            "price_per_hour_fen": s.price_per_hour_fen,
                            "subsidised": s.subsidised, "pattern_id": s.pattern_id}}
                 for s in made], at=now)
    db.session.commit()
    return made


@command
def change(session_id: int, *, actor, capacity=None, price_per_hour_fen=None,
           now=None) -> CareSession:
    """Change a session's capacity (never below its bookings) or hourly price (future
    bookings only; a booking keeps the price it was made at).

    :raises NotFound, Forbidden. :raises Conflict: cancelled or ended, or capacity below the
        places booked. :raises ValidationFailed: out-of-range values.
    """
    now = now or clock_now()
    s = db.session.get(CareSession, session_id)
    if s is None:
        raise NotFound()
    _staff_of(actor, s.centre_id)
    s = lock_session(session_id)
    if s.cancelled_at is not None or s.ends_at <= now:
        raise Conflict(_("已取消或已结束的场次不能修改"))
    before = {"capacity": s.capacity, "price_per_hour_fen": s.price_per_hour_fen}
    if capacity is not None:
        if not 1 <= capacity <= MAX_CAPACITY:
            raise ValidationFailed(errors={"capacity": [
                _("名额应在 1 到 %(max)s 之间", max=MAX_CAPACITY)]})
        booked = queries.live_count(s.id)
        if capacity < booked:
            raise Conflict(_("名额不能少于已预约的 %(n)s 人", n=booked),
                           errors={"capacity": [_("不能少于 %(n)s", n=booked)]})
        s.capacity = capacity
    if price_per_hour_fen is not None:
        if not 0 <= price_per_hour_fen <= MAX_PRICE_PER_HOUR_FEN:
            raise ValidationFailed(errors={"price_per_hour_fen": [
                _("每小时价格应在 0 到 1000 元之间")]})
        s.price_per_hour_fen = price_per_hour_fen
    record("session.changed", s, actor=actor, centre_id=s.centre_id, before=before,
           after={"capacity": s.capacity, "price_per_hour_fen": s.price_per_hour_fen}, at=now)
    db.session.commit()
    return s


@command
def cancel_session(session_id: int, *, actor, reason: str | None = None,
                   now=None) -> CareSession:
    """The centre calls a session off: every live booking is cancelled and each family told.

    :raises NotFound, Forbidden. :raises Conflict: already cancelled, or already over.
    """
    now = now or clock_now()
    s = db.session.get(CareSession, session_id)
    if s is None:
        raise NotFound()
    _staff_of(actor, s.centre_id)
    s = lock_session(session_id)
    if s.cancelled_at is not None:
        raise Conflict(_("该场次已取消"))
    if s.ends_at <= now:
        raise Conflict(_("已结束的场次不能取消"))
    reason = (reason or "").strip()[:200] or None
    s.cancelled_at = now
    booked = db.session.scalars(select(SessionBooking).where(
        SessionBooking.session_id == s.id, SessionBooking.status == "booked")).all()
    for b in booked:
        b.status, b.cancelled_at, b.cancel_reason = "cancelled", now, "cancelled by centre"
    record("session.cancelled", s, actor=actor, centre_id=s.centre_id, reason=reason,
           before={"cancelled_at": None}, after={"cancelled_at": now, "bookings": len(booked)},
           at=now)
    record_many([{"action": "session_booking.cancelled", "entity_type": "session_booking",
                  "entity_id": b.id, "centre_id": s.centre_id, "actor_id": actor.id,
                  "before": {"status": "booked"}, "after": {"status": "cancelled"},
                  "reason": "session cancelled"} for b in booked], at=now)
    starts = s.starts_at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")
    notify_many([{"user_id": guardian, "kind": "session_cancelled",
                  "params": {"centre": s.centre.name, "starts_at": starts,
                             "booking_id": b.id, "reason": reason or "",
                             "child": b.child.name, "child_id": b.child_id}}
                 for b in booked for guardian in children.guardians_of(b.child_id)], at=now)
    db.session.commit()
    return s


# --- booking --------------------------------------------------------------------------------

def _check_band(s: CareSession, child) -> None:
    """设置标准 art. 19: the child's age in months on the session's date fits its band."""
    check_band(s.age_band, local_date(s.starts_at), child, SESSION_BAND_REFUSAL)


@command
def book(*, session_id: int, child_id: int, parent, now=None) -> SessionBooking:
    """Book a place in a session for one of the parent's children.

    Rules: the centre's filing is approved; the session is neither cancelled nor started;
    the child fits the age band on the session's date; one live booking per child per
    session; fewer than TUOWEI_NO_SHOW_LIMIT no-shows in the window; a subsidised session
    within the family's yearly quota (and then free); a place left.
    :raises NotFound, Conflict, AgeOutOfBand, AlreadyReserved, NoShowLimit,
        SessionQuotaExceeded, SessionFull.
    """
    now = now or clock_now()
    if parent.role != "parent":
        raise Forbidden()
    child = children.child_for_guardian(parent, child_id)
    # Lock order: the family, then the session (see locking.py).
    lock_family(parent)
    s = lock_session(session_id)
    filing = s.centre.filing
    if filing is None or filing.status != "approved":
        raise NotFound() if filing is None or filing.status in (
            "draft", "submitted", "returned") else Conflict(_("该机构目前不接受预约"))
    if s.cancelled_at is not None:
        raise Conflict(_("该场次已取消"))
    if s.starts_at <= now:
        raise Conflict(_("该场次已开始，不能再预约"))
    _check_band(s, child)
    if db.session.scalar(select(SessionBooking.id).where(
            SessionBooking.session_id == s.id, SessionBooking.child_id == child.id,
            SessionBooking.status.in_(LIVE))):
        raise AlreadyReserved(_("%(name)s 已预约该场次", name=child.name))
    limit = current_app.config["TUOWEI_NO_SHOW_LIMIT"]
    missed = queries.no_shows(parent, now)
    if limit and missed >= limit:
        raise NoShowLimit(_("近 %(d)s 天内爽约 %(n)s 次（上限 %(limit)s 次），暂时不能预约新的场次。",
                            d=current_app.config["TUOWEI_NO_SHOW_WINDOW_DAYS"], n=missed,
                            limit=limit), extra={"no_shows": missed, "limit": limit})
    if s.subsidised:
        quota, _cutoff = queries.session_policy(s)
        year = local_date(s.starts_at).year
        used = queries.quota_used(parent, year)
        if used >= quota:
            raise SessionQuotaExceeded(
                _("%(year)s 年的 %(quota)s 次免费或补贴场次已全部预约", year=year, quota=quota),
                extra={"quota": quota, "used": used, "year": year})
    if queries.live_count(s.id) >= s.capacity:
        raise SessionFull(extra={"session_id": s.id})
    b = SessionBooking(session_id=s.id, child_id=child.id, parent_id=parent.id,
                       status="booked", subsidised=s.subsidised,
                       price_fen=0 if s.subsidised else price_for(s), created_at=now)
    db.session.add(b)
    db.session.flush()
    record("session_booking.booked", b, actor=parent, centre_id=s.centre_id, at=now,
           after={"status": "booked", "session_id": s.id, "child_id": child.id,
                  "price_fen": b.price_fen, "subsidised": b.subsidised})
    notify_many([{"user_id": parent.id, "kind": "session_booked",
                  "params": {"booking_id": b.id, "centre": s.centre.name, "child": child.name,
                             "child_id": child.id,
                             "starts_at": s.starts_at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")}}],
                at=now)
    db.session.commit()
    return b


def visible_booking(booking_id: int, user) -> SessionBooking:
    """A booking its child's guardians, its centre's staff, the regulators whose jurisdiction
    holds its centre, and admins may see (404 for anyone else)."""
    b = db.session.get(SessionBooking, booking_id)
    if b is None or not children.may_see_booking(user, b.child_id, b.session.centre_id):
        raise NotFound()
    return b


def may_cancel_online(b: SessionBooking, now=None) -> bool:
    """A parent may cancel a booked place until the cut-off instant, that instant included."""
    now = now or clock_now()
    return b.status == "booked" and now <= queries.cancel_cutoff(b.session)


@command
def cancel_booking(booking_id: int, actor, now=None) -> SessionBooking:
    """Cancel a booked place: the child's guardian until the cut-off (inclusive), the
    centre's staff at any time. The place frees at once; a subsidised booking gives its
    quota back.

    :raises NotFound: not theirs. :raises Forbidden: not a parent or staff.
    :raises Conflict: not booked. :raises SessionCancelCutoff: a parent after the cut-off.
    """
    now = now or clock_now()
    b = visible_booking(booking_id, actor)
    if actor.role not in ("parent", "staff") or not allowed(actor, "session.cancel_booking"):
        raise Forbidden()
    s = lock_session(b.session_id)
    db.session.refresh(b)
    if b.status != "booked":
        raise Conflict(_("只有已预约的场次可以取消"))
    if actor.role == "parent":
        cutoff = queries.cancel_cutoff(s)
        if now > cutoff:
            raise SessionCancelCutoff(
                _("取消截止时间是 %(t)s（开始前 %(h)s 小时），请直接联系机构。",
                  t=cutoff.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M"),
                  h=queries.session_policy(s)[1]),
                extra={"cutoff_at": cutoff.astimezone(LOCAL).isoformat()})
    b.status, b.cancelled_at = "cancelled", now
    b.cancel_reason = "cancelled by parent" if actor.role == "parent" else "cancelled by centre"
    record("session_booking.cancelled", b, actor=actor, centre_id=s.centre_id, at=now,
           before={"status": "booked"}, after={"status": "cancelled", "by": actor.role})
    if actor.role != "parent":
        notify_many([{"user_id": g, "kind": "session_cancelled",
                      "params": {"centre": s.centre.name, "booking_id": b.id, "reason": "",
                                 "child": b.child.name, "child_id": b.child_id,
                                 "starts_at": s.starts_at.astimezone(LOCAL)
                                 .strftime("%Y-%m-%d %H:%M")}}
                     for g in children.guardians_of(b.child_id)], at=now)
    db.session.commit()
    return b


@command
def mark_attendance(booking_id: int, staff, status: str, now=None) -> SessionBooking:
    """Staff record that a booked child came (attended) or did not (no_show), once the
    session has started; a mistake may be corrected the same way.

    :raises NotFound, Forbidden. :raises ValidationFailed: another status.
    :raises Conflict: before the start, or a cancelled booking.
    """
    now = now or clock_now()
    if status not in ("attended", "no_show"):
        raise ValidationFailed(errors={"status": [_("应为 attended 或 no_show")]})
    b = visible_booking(booking_id, staff)
    if staff.role != "staff" or not allowed(staff, "attendance.record"):
        raise Forbidden()
    if b.status == "cancelled":
        raise Conflict(_("已取消的预约不能登记出勤"))
    if b.session.starts_at > now:
        raise Conflict(_("场次开始后才能登记出勤"))
    before = b.status
    b.status, b.marked_at = status, now
    record(f"session_booking.{status}", b, actor=staff, centre_id=b.session.centre_id, at=now,
           before={"status": before}, after={"status": status})
    db.session.commit()
    return b
