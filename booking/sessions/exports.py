"""A family's session bookings as an iCalendar feed (times in Asia/Shanghai)."""
from flask_babel import gettext as _
from icalendar import Calendar, Event

from ..clock import LOCAL, now
from . import queries
from .labels import KIND_LABELS


def family_ical(parent) -> bytes:
    """Every booked, attended or missed session of the family's children; a cancelled one
    is sent as CANCELLED so a calendar that imported it before removes it."""
    cal = Calendar()
    cal.add("prodid", "-//Tuowei//sessions//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("托育场次预约"))
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = now()
    for b in queries.family_bookings(parent):
        s = b.session
        ev = Event()
        ev.add("uid", f"session-booking-{b.id}@tuowei")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", s.starts_at.astimezone(LOCAL))
        ev.add("dtend", s.ends_at.astimezone(LOCAL))
        ev.add("summary", _("%(kind)s · %(child)s · %(centre)s", kind=KIND_LABELS[s.kind],
                            child=b.child.name, centre=s.centre.name))
        ev.add("location", s.centre.address)
        ev.add("status", "CANCELLED" if b.status == "cancelled" else "CONFIRMED")
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()
