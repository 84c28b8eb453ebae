"""Holds for far-off starts (docs/domain.md, "Holds for far-off starts").

The intake check must be valid on the start date (`valid_days_for`, 90 days by default), so a
place starting further off than that cannot be completed within an ordinary hold: no check
made before the hold ends counts. Such a hold can be kept, by the family's one step, until
the check is due: `check_due_on` days before the start (TUOWEI_CHECK_DUE_DAYS, 14 by
default), with a reminder when the check window opens and one before it closes.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..audit.services import notify_many
from ..children.models import Child
from ..clock import end_of_day, local_date
from ..clock import now as clock_now
from ..extensions import db
from ..reservations.models import Reservation, Status
from ..slots.models import Slot
from ..transactions import command
from .services import valid_days_for

DEFAULT_DUE_DAYS = 14


@dataclass(frozen=True)
class FarOff:
    opens_on: date  # the first examination date whose validity covers the start
    due_on: date  # the last day the check may be verified on: the hold is kept to its end
    keep_until: datetime  # end_of_day(due_on), the hold's new expiry


def far_off(slot: Slot, now: datetime) -> FarOff | None:
    """The far-off deadlines of a place on `slot`, when no check made today could be valid on
    the start date; otherwise None (a check can be made now: the ordinary hold is enough)."""
    valid = valid_days_for(slot)
    opens_on = slot.starts_on - timedelta(days=valid)
    if opens_on <= local_date(now):
        return None
    due_days = int(current_app.config.get("TUOWEI_CHECK_DUE_DAYS") or DEFAULT_DUE_DAYS)
    # The window to be examined and verified is at least half the validity.
    due_on = slot.starts_on - timedelta(days=min(due_days, valid // 2))
    return FarOff(opens_on, due_on, end_of_day(due_on))


@command
def remind_check_window(now=None) -> int:
    """Tell each family whose kept hold's check window has opened, once (the conditional
    UPDATE claims it, so two schedulers send one notice). Only long holds are read: one that
    lapses within two days has its own reminder."""
    now = now or clock_now()
    today = local_date(now)
    rows = db.session.execute(select(Reservation, Slot, Child.name).join(
        Slot, Slot.id == Reservation.slot_id).join(Child, Child.id == Reservation.child_id).where(
        Reservation.status == Status.HELD, Reservation.check_reminded_at.is_(None),
        Reservation.expires_at > now + timedelta(days=2), Slot.starts_on > today)).all()
    due = [(r, slot, child) for r, slot, child in rows
           if slot.starts_on - timedelta(days=valid_days_for(slot)) <= today]
    sent = []
    for r, slot, child in due:
        claimed = db.session.execute(update(Reservation).where(
            Reservation.id == r.id, Reservation.check_reminded_at.is_(None))
            .values(check_reminded_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount:
            sent.append({"user_id": r.parent_id, "kind": "check_window_open", "params": {
                "reservation_id": r.id, "child_id": r.child_id, "child": child,
                "centre": slot.centre.name, "expires_at": r.expires_at.isoformat(),
                "starts_on": slot.starts_on.isoformat()}})
    notify_many(sent, at=now)
    db.session.commit()
    return len(sent)
