"""Who sees a child's daily record: its guardians (everything, at every centre) and the staff of
a centre caring for it now (that centre's part only). Everyone else, other families, other
centres' staff, is answered as if the child did not exist; regulators' role has no access to
daily records at all (auth/permissions.py)."""
from sqlalchemy import select

from ..auth.permissions import can
from ..children import services as children
from ..children.models import Child
from ..clock import now as clock_now
from ..errors import NotFound
from ..extensions import db
from ..reservations.models import Reservation, in_care_at
from ..slots.models import Slot
from .models import DailyEntry


def _staff_reaches(user, child_id: int, now=None) -> bool:
    if user.role != "staff" or not can(user, "daily.read", user.centre_id):
        return False
    return db.session.scalar(select(Reservation.id).join(Slot).where(
        Reservation.child_id == child_id, Slot.centre_id == user.centre_id,
        in_care_at(now or clock_now())).limit(1)) is not None


def child_for(user, child_id: int, now=None) -> Child:
    """The child, for a guardian or a staff member of a centre caring for it.

    :raises NotFound: anyone else, or no such child (or one anonymised).
    """
    child = db.session.get(Child, child_id)
    if child is None or child.anonymised_at is not None or not (
            (user.role == "parent" and children.is_guardian(user, child_id))
            or _staff_reaches(user, child_id, now)):
        raise NotFound()
    return child


def reservations_seen(user, child_id: int):
    """A select of the child's reservation ids whose record `user` sees (call after child_for):
    all of them for a guardian, those at the staff member's centre for staff."""
    stmt = select(Reservation.id).where(Reservation.child_id == child_id)
    if user.role != "parent":
        stmt = stmt.join(Slot).where(Slot.centre_id == user.centre_id)
    return stmt


def photo_for(user, photo_id: int):
    """A photo entry for someone who may see the child's record at the photo's centre.

    :raises NotFound: no such photo, or one the user may not see."""
    entry = db.session.get(DailyEntry, photo_id)
    if entry is None or entry.kind != "photo":
        raise NotFound()
    child_for(user, entry.child_id)
    if entry.reservation_id not in set(db.session.scalars(reservations_seen(user, entry.child_id))):
        raise NotFound()
    return entry
