"""A child's day at one centre, put together: the attendance row (arrival, morning check,
departure) with the day's entries, and what they add up to. The parent's day shows it; at
pickup it goes to the guardians as a notification (`notify_pickup`, called by the departure)."""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from ..audit.services import notify
from ..centres.models import Centre
from ..children import services as children
from ..clock import LOCAL
from ..extensions import db
from ..health.models import Attendance
from ..i18n import name_of
from ..reservations.models import Reservation
from .models import DailyEntry


@dataclass
class DaySummary:
    reservation: Reservation
    centre: Centre
    on_date: date
    attendance: Attendance | None
    entries: list[DailyEntry]
    meals: list[tuple[str, str]] = field(default_factory=list)  # (meal, amount), in order
    naps: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    nap_minutes: int = 0  # of the naps that ended
    toilets: int = 0
    mood: str | None = None  # the latest
    notes: int = 0
    photos: int = 0

    @property
    def napping_since(self) -> datetime | None:
        return next((start for start, end in self.naps if end is None), None)

    @property
    def brought_by(self) -> str | None:
        # Who brought the child, once the arrival records it.
        return getattr(self.attendance, "brought_by", None)


def entries_of(reservation_id: int, on_date: date) -> list[DailyEntry]:
    return db.session.scalars(select(DailyEntry).where(
        DailyEntry.reservation_id == reservation_id, DailyEntry.on_date == on_date)
        .order_by(DailyEntry.at, DailyEntry.id)).all()


def day_summary(reservation: Reservation, on_date: date) -> DaySummary:
    """The day of `reservation`'s child at its centre on `on_date`. Callers decide who may
    see it (daily/access.py)."""
    att = db.session.scalar(select(Attendance).where(
        Attendance.reservation_id == reservation.id, Attendance.on_date == on_date))
    entries = entries_of(reservation.id, on_date)
    s = DaySummary(reservation, reservation.slot.centre, on_date, att, entries)
    for e in entries:
        if e.kind == "meal":
            s.meals.append((e.meal, e.amount))
        elif e.kind == "nap":
            s.naps.append((e.at, e.ends_at))
            if e.ends_at is not None:
                s.nap_minutes += int((e.ends_at - e.at).total_seconds() // 60)
        elif e.kind == "toilet":
            s.toilets += 1
        elif e.kind == "mood":
            s.mood = e.mood
        elif e.kind == "note":
            s.notes += 1
        elif e.kind == "photo":
            s.photos += 1
    return s


def _clock(moment: datetime | None) -> str | None:
    return moment.astimezone(LOCAL).strftime("%H:%M") if moment else None


def params_of(s: DaySummary) -> dict:
    """What the `day_summary` notification stores: codes and numbers, rendered in the reader's
    language when shown (audit/render.py, daily/labels.py: summary_body)."""
    att = s.attendance
    return {"reservation_id": s.reservation.id, "child_id": s.reservation.child_id,
            "child": s.reservation.child.name, "centre": name_of(s.centre),
            "on_date": s.on_date.isoformat(),
            "arrived": _clock(att.arrived_at) if att else None,
            "departed": _clock(att.departed_at) if att else None,
            "collected_by": att.collected_by if att else None,
            "meals": [list(m) for m in s.meals], "naps": len(s.naps),
            "nap_minutes": s.nap_minutes, "toilets": s.toilets, "mood": s.mood,
            "notes": s.notes, "photos": s.photos}


def notify_pickup(reservation: Reservation, on_date: date) -> DaySummary:
    """Send the child's guardians the day's summary (notification `day_summary`). Called by
    the departure inside its own command, once per departure: this only adds the
    notifications to the session; the caller commits."""
    s = day_summary(reservation, on_date)
    params = params_of(s)
    for guardian_id in children.guardians_of(reservation.child_id):
        notify(guardian_id, "day_summary", **params)
    db.session.flush()
    return s
