"""Staff records and the roster (排班): the rules and the transactions.

Every command commits once, with its audit event (docs/design.md, Unit of work). Shifts are refused
when they would put a carer in two places at once, when the staff member's health
certificate (健康合格证) has lapsed on the shift's date (《托儿所幼儿园卫生保健管理办法》
76号令 art. 14; 管理规范 art. 28), when a carer's qualification certificate or anyone's
background check has expired by then (docs/workforce.md), or when the day's rostered hours
would pass TUOWEI_MAX_SHIFT_HOURS.
"""
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..centres.models import Group
from ..clock import LOCAL, local_date, today
from ..errors import (Conflict, HealthCertificateLapsed, NotFound, QualificationLapsed,
                      ShiftOverlap, ShiftTooLong, ValidationFailed)
from ..extensions import db
from ..transactions import command
from .labels import WEEKDAYS
from . import persons
from .models import CARER_ROLES, STAFF_ROLES, Shift, StaffMember
from .weeks import local_day_bounds, week_shifts, week_start

STAFF_FIELDS = ("name", "role", "qualification_level", "certificate_no",
                "certificate_expires_on", "health_cert_expires_on", "background_checked_on",
                "background_check_expires_on", "active")
LAPSING_DAYS = 30


def _staff_snapshot(s: StaffMember) -> dict:
    return {f: getattr(s, f) for f in STAFF_FIELDS}


def _validate_staff(fields: dict) -> None:
    errors = {}
    if "name" in fields and not (fields["name"] or "").strip():
        errors["name"] = [_("请填写姓名")]
    if "role" in fields and fields["role"] not in STAFF_ROLES:
        errors["role"] = [_("岗位无效")]
    level = fields.get("qualification_level")
    if level is not None and not 1 <= level <= 5:
        errors["qualification_level"] = [_("等级应为 1–5（一级最高）")]
    if errors:
        raise ValidationFailed(errors=errors)


@command
def create_staff(centre_id: int, *, actor=None, **fields) -> StaffMember:
    """Add a staff record to a centre (保育师 levels 1–5, certificates, 无犯罪记录 check).

    :raises ValidationFailed: a missing name, an unknown role or a level outside 1–5.
    """
    fields = {k: v for k, v in fields.items() if k in STAFF_FIELDS}
    fields.setdefault("active", True)
    _validate_staff({"name": fields.get("name"), "role": fields.get("role"), **fields})
    staff = StaffMember(centre_id=centre_id, **fields)
    db.session.add(staff)
    record("staff.created", staff, actor=actor, centre_id=centre_id,
           after=_staff_snapshot(staff))
    db.session.commit()
    return staff


@command
def update_staff(staff_id: int, *, actor=None, **fields) -> StaffMember:
    """Change a staff record. :raises NotFound, ValidationFailed, SecondCentre: (reactivating
    a person now on another centre's staff, 挂靠; docs/workforce.md)"""
    staff = db.session.get(StaffMember, staff_id)
    if staff is None:
        raise NotFound()
    fields = {k: v for k, v in fields.items() if k in STAFF_FIELDS}
    _validate_staff(fields)
    if fields.get("active") and not staff.active:
        from ..workforce.identity import reactivation_refusal  # workforce builds on rosters
        if (refusal := reactivation_refusal(staff)) is not None:
            raise refusal
    elif "active" in fields and not fields["active"] and staff.active:
        persons.release(staff)
    before = _staff_snapshot(staff)
    for k, v in fields.items():
        setattr(staff, k, v)
    try:
        record("staff.updated", staff, actor=actor, centre_id=staff.centre_id, before=before,
               after=_staff_snapshot(staff))
        db.session.commit()
    except IntegrityError:
        # The person's scope key or the one-row-per-centre index: a register changed meanwhile.
        db.session.rollback()
        from ..workforce.identity import reactivation_refusal
        raise (reactivation_refusal(db.session.get(StaffMember, staff_id))
               or Conflict()) from None
    return staff


def staff_of(centre_id: int, *, active_only=False) -> list[StaffMember]:
    stmt = select(StaffMember).where(StaffMember.centre_id == centre_id)
    if active_only:
        stmt = stmt.where(StaffMember.active.is_(True))
    return db.session.scalars(stmt.order_by(StaffMember.role, StaffMember.name,
                                            StaffMember.id)).all()


def health_cert_alerts(centre_id: int, on_date: date | None = None,
                       days: int = LAPSING_DAYS) -> list[tuple[StaffMember, str]]:
    """Active staff whose health certificate is missing, lapsed, or lapses within `days`
    (renewed yearly: 76号令 art. 14). Each with ``missing``, ``lapsed`` or ``lapsing``."""
    on_date = on_date or today()
    out = []
    for s in staff_of(centre_id, active_only=True):
        exp = s.health_cert_expires_on
        if exp is None:
            out.append((s, "missing"))
        elif exp < on_date:
            out.append((s, "lapsed"))
        elif exp <= on_date + timedelta(days=days):
            out.append((s, "lapsing"))
    return out


# -- shifts -------------------------------------------------------------------------------

def _hm(dt: datetime) -> str:
    return dt.astimezone(LOCAL).strftime("%H:%M")


def check_shift(staff: StaffMember, group_id: int | None, starts_at: datetime,
                ends_at: datetime, *, exclude_id: int | None = None) -> None:
    """Every rule a shift must pass; raises the first it breaks.

    :raises ValidationFailed: end not after start, a shift across midnight, an inactive
        staff member, or a class of another centre.
    :raises HealthCertificateLapsed: no health certificate valid on the shift's date
        (76号令 art. 14: a certificate before work, renewed yearly).
    :raises ShiftOverlap: the same person already rostered at an overlapping time.
    :raises ShiftTooLong: the day's shifts would add up to more than TUOWEI_MAX_SHIFT_HOURS.
    """
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("shift times must be aware")
    if ends_at <= starts_at:
        msg = _("下班时间须晚于上班时间")
        raise ValidationFailed(msg, errors={"ends_at": [msg]})
    day = local_date(starts_at)
    if ends_at.astimezone(LOCAL) > local_day_bounds(day)[1]:
        raise ValidationFailed(_("班次须在同一天内开始和结束"),
                               errors={"ends_at": [_("班次须在同一天内开始和结束")]})
    if not staff.active:
        raise ValidationFailed(_("%(name)s 已停用，不能排班", name=staff.name),
                               errors={"staff_member_id": [_("该员工已停用")]})
    if group_id is not None:
        group = db.session.get(Group, group_id)
        if group is None or group.centre_id != staff.centre_id:
            raise ValidationFailed(_("班级不属于本机构"), errors={"group_id": [_("班级不属于本机构")]})
    exp = staff.health_cert_expires_on
    if exp is None or exp < day:
        msg = (_("%(name)s 没有登记健康合格证，不能排班（《托儿所幼儿园卫生保健管理办法》第十四条）",
                 name=staff.name) if exp is None else
               _("%(name)s 的健康合格证已于 %(date)s 过期，不能排在 %(day)s 的班（《托儿所幼儿园卫生保健管理办法》第十四条）",
                 name=staff.name, date=exp.isoformat(), day=day.isoformat()))
        raise HealthCertificateLapsed(msg)
    if (lapse := _credential_lapse(staff, day)) is not None:
        raise QualificationLapsed(lapse)
    day_start, day_end = local_day_bounds(day)
    stmt = select(Shift).where(Shift.staff_member_id == staff.id,
                               Shift.starts_at < day_end, Shift.ends_at > day_start)
    if exclude_id is not None:
        stmt = stmt.where(Shift.id != exclude_id)
    same_day = db.session.scalars(stmt).all()
    for other in same_day:
        if other.starts_at < ends_at and other.ends_at > starts_at:
            where = other.group.name if other.group else _("未指定班级")
            raise ShiftOverlap(_("%(name)s 在 %(start)s–%(end)s 已排在「%(where)s」，同一时间不能在两处",
                                 name=staff.name, start=_hm(other.starts_at),
                                 end=_hm(other.ends_at), where=where))
    if (found := persons.overlapping_elsewhere(staff, starts_at, ends_at)) is not None:
        other, centre_name = found
        raise ShiftOverlap(_("%(name)s 在 %(start)s–%(end)s 已排在同一举办者的「%(centre)s」，同一时间不能在两家机构上班",
                             name=staff.name, start=_hm(other.starts_at),
                             end=_hm(other.ends_at), centre=centre_name),
                           extra={"centre": centre_name, "starts_at": other.starts_at.isoformat(),
                                  "ends_at": other.ends_at.isoformat()})
    limit = current_app.config["TUOWEI_MAX_SHIFT_HOURS"]
    total = sum(((s.ends_at - s.starts_at) for s in same_day), ends_at - starts_at)
    hours = total.total_seconds() / 3600
    if hours > limit:
        raise ShiftTooLong(_("%(name)s 在 %(day)s 将排班 %(h)s 小时，超过每日最多 %(max)s 小时",
                             name=staff.name, day=day.isoformat(), h=f"{hours:g}", max=limit))


def _credential_lapse(staff: StaffMember, day: date) -> str | None:
    """A carer's qualification certificate or anyone's background check (无犯罪记录) expired
    before `day` (docs/workforce.md). An expiry not recorded is not a lapse here: the filing
    and the regulator's coverage count it as missing."""
    exp = staff.certificate_expires_on
    if staff.role in CARER_ROLES and exp is not None and exp < day:
        return _("%(name)s 的资格证书已于 %(date)s 过期，不能排在 %(day)s 的班",
                 name=staff.name, date=exp.isoformat(), day=day.isoformat())
    exp = staff.background_check_expires_on
    if exp is not None and exp < day:
        return _("%(name)s 的背景审查（无犯罪记录）已于 %(date)s 过期，不能排在 %(day)s 的班",
                 name=staff.name, date=exp.isoformat(), day=day.isoformat())
    return None


_SKIPPABLE = (ValidationFailed, HealthCertificateLapsed, QualificationLapsed, ShiftOverlap,
              ShiftTooLong)


def day_label(day: date) -> str:
    """周二 12-01: how the roster names a day in its messages."""
    return f"{WEEKDAYS[day.weekday()]} {day.strftime('%m-%d')}"


def ineligible_reason(staff: StaffMember, day: date) -> str | None:
    """Why nobody may roster `staff` on `day` whatever the times (the grid shows the cell
    disabled with this), or None. The same rules as check_shift's, in a few words."""
    if not staff.active:
        return _("已停用")
    exp = staff.health_cert_expires_on
    if exp is None:
        return _("未登记健康合格证")
    if exp < day:
        return _("健康合格证 %(d)s 已过期", d=exp.isoformat())
    exp = staff.certificate_expires_on
    if staff.role in CARER_ROLES and exp is not None and exp < day:
        return _("资格证书 %(d)s 已过期", d=exp.isoformat())
    exp = staff.background_check_expires_on
    if exp is not None and exp < day:
        return _("背景审查 %(d)s 已过期", d=exp.isoformat())
    return None


def _shift_snapshot(s: Shift) -> dict:
    return {"staff_member_id": s.staff_member_id, "group_id": s.group_id,
            "starts_at": s.starts_at, "ends_at": s.ends_at}


def _staff_in(centre_id: int, staff_id: int) -> StaffMember:
    staff = db.session.get(StaffMember, staff_id)
    if staff is None or staff.centre_id != centre_id:
        raise ValidationFailed(_("员工不属于本机构"), errors={"staff_member_id": [_("员工不属于本机构")]})
    return staff


@command
def add_shift(centre_id: int, *, staff_member_id: int, group_id: int | None,
              starts_at: datetime, ends_at: datetime, actor=None) -> Shift:
    """Roster a staff member of `centre_id` (see `check_shift` for the rules).

    :raises ValidationFailed, HealthCertificateLapsed, ShiftOverlap, ShiftTooLong:
    """
    staff = _staff_in(centre_id, staff_member_id)
    persons.lock_people([staff])
    check_shift(staff, group_id, starts_at, ends_at)
    shift = Shift(staff_member_id=staff.id, group_id=group_id, starts_at=starts_at,
                  ends_at=ends_at)
    db.session.add(shift)
    record("shift.added", shift, actor=actor, centre_id=centre_id, after=_shift_snapshot(shift))
    db.session.commit()
    return shift


def get_shift(centre_id: int, shift_id: int) -> Shift:
    """:raises NotFound: no such shift at this centre."""
    shift = db.session.get(Shift, shift_id)
    if shift is None or shift.staff_member.centre_id != centre_id:
        raise NotFound()
    return shift


@command
def move_shift(centre_id: int, shift_id: int, *, staff_member_id: int, group_id: int | None,
               starts_at: datetime, ends_at: datetime, actor=None) -> Shift:
    """Change who, where or when; the same rules as adding.

    :raises NotFound, ValidationFailed, HealthCertificateLapsed, ShiftOverlap, ShiftTooLong:
    """
    shift = get_shift(centre_id, shift_id)
    staff = _staff_in(centre_id, staff_member_id)
    persons.lock_people([staff])
    check_shift(staff, group_id, starts_at, ends_at, exclude_id=shift.id)
    before = _shift_snapshot(shift)
    shift.staff_member_id, shift.group_id = staff.id, group_id
    shift.starts_at, shift.ends_at = starts_at, ends_at
    record("shift.moved", shift, actor=actor, centre_id=centre_id, before=before,
           after=_shift_snapshot(shift))
    db.session.commit()
    return shift


@command
def delete_shift(centre_id: int, shift_id: int, *, actor=None) -> None:
    """:raises NotFound:"""
    shift = get_shift(centre_id, shift_id)
    record("shift.deleted", shift, actor=actor, centre_id=centre_id, before=_shift_snapshot(shift))
    db.session.delete(shift)
    db.session.commit()


@command
def copy_last_week(centre_id: int, monday: date, *, actor=None) -> tuple[int, list[str]]:
    """Copy the shifts of the week before `monday` into the week of `monday`.

    Each copied shift passes the same rules as one added by hand; those that do not (a
    certificate lapsed since, an overlap with a shift already there) are skipped and their
    reasons returned. Returns (number copied, reasons skipped); one commit.
    """
    monday = week_start(monday)
    copied, skipped = 0, []
    last_week = week_shifts(centre_id, monday - timedelta(days=7))
    persons.lock_people([old.staff_member for old in last_week])
    for old in last_week:
        starts = (old.starts_at.astimezone(LOCAL) + timedelta(days=7))
        ends = (old.ends_at.astimezone(LOCAL) + timedelta(days=7))
        try:
            check_shift(old.staff_member, old.group_id, starts, ends)
        except _SKIPPABLE as err:
            # Say which day: the overlap and hours messages name the person, not the day.
            skipped.append(_("%(day)s：%(reason)s", day=day_label(local_date(starts)),
                             reason=err.message))
            continue
        shift = Shift(staff_member_id=old.staff_member_id, group_id=old.group_id,
                      starts_at=starts, ends_at=ends)
        db.session.add(shift)
        db.session.flush()  # the next copies' overlap checks see this one
        copied += 1
    record("roster.week_copied", ("centre", centre_id), actor=actor, centre_id=centre_id,
           after={"week": monday, "copied": copied, "skipped": len(skipped)})
    db.session.commit()
    return copied, skipped


@command
def add_weekday_shifts(centre_id: int, *, staff_member_id: int, group_id: int | None,
                       monday: date, starts: time, ends: time,
                       actor=None) -> tuple[list[date], list[str]]:
    """重复周一至周五: the same shift (Beijing times) for one staff member on each weekday of
    `monday`'s week. Each day passes check_shift like a shift added by hand; a day that does
    not (certificate lapsed by then, already rostered then, too many hours) is skipped and
    its reason returned, naming the day. Returns (days added, reasons skipped); one commit.

    :raises ValidationFailed: a staff member of another centre (nothing is added).
    """
    staff = _staff_in(centre_id, staff_member_id)
    persons.lock_people([staff])
    monday = week_start(monday)
    added, skipped = [], []
    for offset in range(5):
        day = monday + timedelta(days=offset)
        starts_at = datetime.combine(day, starts, tzinfo=LOCAL)
        ends_at = datetime.combine(day, ends, tzinfo=LOCAL)
        try:
            check_shift(staff, group_id, starts_at, ends_at)
        except _SKIPPABLE as err:
            skipped.append(_("%(day)s：%(reason)s", day=day_label(day), reason=err.message))
            continue
        shift = Shift(staff_member_id=staff.id, group_id=group_id, starts_at=starts_at,
                      ends_at=ends_at)
        db.session.add(shift)
        record("shift.added", shift, actor=actor, centre_id=centre_id,
               after=_shift_snapshot(shift))  # flushes: the next day's checks see it
        added.append(day)
    db.session.commit()
    return added, skipped
