"""Who is in the centre: a child's state today from its attendance row, and the enrolments a
centre's staff may record the day of."""
from datetime import date

from sqlalchemy import select

from ..auth.permissions import can
from ..errors import NotFound
from ..extensions import db
from ..health.models import Attendance
from ..reservations.models import Reservation, in_care_on
from ..slots.models import Slot

STATES = ("present", "departed", "sent_home", "absent", "not_arrived")


def presence(day: Attendance | None) -> str:
    """present (arrived, not gone home), departed, sent_home (failed the morning check),
    absent, or not_arrived."""
    if day is None or day.arrived_at is None:
        return "absent" if day is not None and day.absent else "not_arrived"
    if day.departed_at is not None:
        return "sent_home" if day.morning_check_passed is False else "departed"
    return "present"


def attendance_of(reservation_ids, on_date: date) -> dict[int, Attendance]:
    """The day's attendance rows by reservation id."""
    ids = list(reservation_ids)
    if not ids:
        return {}
    return {a.reservation_id: a for a in db.session.scalars(select(Attendance).where(
        Attendance.reservation_id.in_(ids), Attendance.on_date == on_date))}


def enrolments_here(staff, child_ids, on_date: date,
                    action="daily.record") -> dict[int, Reservation]:
    """Each child's enrolment in care on `on_date` at the staff member's own centre, by child id.

    A child with two such enrolments (a transfer between two of the centre's classes, confirmed
    before the new start) is recorded on the one it attended today, else the older.

    :raises NotFound: the account may not do `action`, or a child is not in care at its centre
        (other centres' children are not told apart from children that do not exist).
    """
    ids = set(child_ids)
    if staff is None or staff.role != "staff" or not can(staff, action, staff.centre_id):
        raise NotFound()
    rows = db.session.scalars(select(Reservation).join(Slot).where(
        Reservation.child_id.in_(ids), Slot.centre_id == staff.centre_id, in_care_on(on_date))
        .order_by(Reservation.id)).all()
    days = attendance_of((r.id for r in rows), on_date)
    found: dict[int, Reservation] = {}
    for r in rows:
        if r.child_id not in found or (r.id in days and found[r.child_id].id not in days):
            found[r.child_id] = r
    if set(found) != ids:
        raise NotFound()
    return found
