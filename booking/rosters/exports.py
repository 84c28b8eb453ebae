"""Roster and ratio report as CSV, and one staff member's shifts as iCalendar.

CSV is written as utf-8-sig so Excel shows Chinese, and any cell starting with = + - @
is prefixed with ' so a spreadsheet never runs it as a formula (CSV injection).
"""
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from icalendar import Calendar, Event

from ..clock import LOCAL, now
from ..extensions import db
from ..web import csv_bytes
from .checks import check_week
from .labels import role_label
from .models import StaffMember
from .weeks import week_shifts


def roster_csv(centre, monday: date) -> bytes:
    """The week's shifts, one row each, in Beijing time."""
    rows = []
    for s in week_shifts(centre.id, monday):
        start, end = s.starts_at.astimezone(LOCAL), s.ends_at.astimezone(LOCAL)
        rows.append([start.date().isoformat(), s.group.name if s.group else "",
                     s.staff_member.name, role_label(s.staff_member.role),
                     start.strftime("%H:%M"), end.strftime("%H:%M"),
                     f"{(s.ends_at - s.starts_at).total_seconds() / 3600:g}"])
    return csv_bytes([[_("日期"), _("班级"), _("姓名"), _("岗位"), _("上班"), _("下班"), _("时数")], *rows])


def ratio_csv(centre, monday: date) -> bytes:
    """Every class and hour of the week with children, carers, needed and missing; then
    the days without a health worker or security guard on shift."""
    rows = []
    for day in check_week(centre, monday):
        for c in day.classes:
            for h in c.hours:
                rows.append([day.day.isoformat(), c.group.name,
                             f"{h.start.strftime('%H:%M')}-{h.end.strftime('%H:%M')}",
                             h.children, h.carers, h.needed, h.missing])
        if day.open and not day.health_worker:
            rows.append([day.day.isoformat(), "", "", "", "", "", _("无卫生保健人员在岗")])
        if day.open and not day.security:
            rows.append([day.day.isoformat(), "", "", "", "", "", _("无安保人员在岗")])
    return csv_bytes([[_("日期"), _("班级"), _("时段"), _("幼儿数"), _("在岗保育人员"),
                       _("应配保育人员"), _("缺少")], *rows])


def staff_ical(staff, shifts) -> bytes:
    """One staff member's shifts as an iCalendar feed, times in Asia/Shanghai."""
    cal = Calendar()
    cal.add("prodid", "-//Tuowei//roster//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("%(name)s 的排班", name=staff.name))
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = now()
    for s in shifts:
        ev = Event()
        ev.add("uid", f"shift-{s.id}@tuowei")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", s.starts_at.astimezone(LOCAL))
        ev.add("dtend", s.ends_at.astimezone(LOCAL))
        where = s.group.name if s.group else _("未指定班级")
        ev.add("summary", _("%(centre)s · %(where)s", centre=staff.centre.name, where=where))
        ev.add("location", staff.centre.address)
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()


def ical_range(day: date) -> tuple[date, date]:
    """The feed shows four weeks back and eight ahead."""
    return day - timedelta(days=28), day + timedelta(days=56)


def _feed_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="roster-feed")


def feed_token(staff) -> str:
    """A subscription address's key for one staff member's shifts (iCalendar)."""
    return _feed_signer().dumps([staff.id, staff.centre_id])


def staff_from_feed_token(token: str):
    """The staff member a feed key was made for, or None if it is forged or they left."""
    try:
        staff_id, centre_id = _feed_signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    staff = db.session.get(StaffMember, staff_id) if isinstance(staff_id, int) else None
    if staff is None or staff.centre_id != centre_id or not getattr(staff, "active", True):
        return None
    return staff
