"""Who takes part in a child's conversation with a centre (docs/messages.md, "Who takes part").

- The child's guardians, always for what was said; they may write while the child has a live
  place at the centre (a hold not lapsed, or care not ended: `Reservation.live_at`).
- The centre's staff whose staff role may use messages (the care roles: director, carer,
  health), while they belong to the centre and the child has a live place there. A staff
  member who moves to another centre, or a child who leaves, ends the staff's access at once.
- Nobody else: other families, other centres' staff, regulators and admins are answered as if
  the thread did not exist (404).
"""
from sqlalchemy import select

from ..auth.models import STAFF_ROLES, User
from ..auth.permissions import TABLE, allowed
from ..children.models import Child, Guardianship
from ..clock import now as clock_now
from ..errors import NotFound
from ..extensions import db
from ..reservations.models import Reservation, live_at
from ..slots.models import Slot
from .models import Thread

READ, SEND = "message.read", "message.send"


def side_of(user) -> str | None:
    """The side a user speaks for: a parent for the family, staff for the centre."""
    return {"parent": "family", "staff": "centre"}.get(getattr(user, "role", None))


def other_side(side: str) -> str:
    return "centre" if side == "family" else "family"


def child_at_centre(child_id: int, centre_id: int, now=None) -> bool:
    """Does the child have a live place (held or in care) at the centre at `now`?"""
    now = now or clock_now()
    return db.session.scalar(select(Reservation.id).join(Slot).where(
        Reservation.child_id == child_id, Slot.centre_id == centre_id, live_at(now))
        .limit(1)) is not None


def centres_of_child(child_id: int, now=None) -> list[int]:
    now = now or clock_now()
    return list(db.session.scalars(select(Slot.centre_id).join(Reservation).where(
        Reservation.child_id == child_id, live_at(now)).distinct()))


def _guardian(user, child_id: int) -> bool:
    return db.session.scalar(select(Guardianship.id).join(Child).where(
        Guardianship.user_id == user.id, Guardianship.child_id == child_id,
        Child.anonymised_at.is_(None))) is not None


def is_centre_staff(user, centre_id: int, action: str = READ) -> bool:
    """A staff account of the centre whose role may do `action` (auth/permissions.py)."""
    return (getattr(user, "role", None) == "staff" and user.centre_id == centre_id
            and allowed(user, action))


def may_read(user, thread: Thread, now=None) -> bool:
    if getattr(user, "role", None) == "parent":
        return allowed(user, READ) and _guardian(user, thread.child_id)
    return (is_centre_staff(user, thread.centre_id, READ)
            and child_at_centre(thread.child_id, thread.centre_id, now))


def may_write(user, thread: Thread, now=None) -> bool:
    """Whoever may read, while the child still has its place there (guardians keep reading a
    finished conversation, but it takes no new messages)."""
    if getattr(user, "role", None) == "parent":
        return (allowed(user, SEND) and _guardian(user, thread.child_id)
                and child_at_centre(thread.child_id, thread.centre_id, now))
    return (is_centre_staff(user, thread.centre_id, SEND)
            and child_at_centre(thread.child_id, thread.centre_id, now))


def thread_for(user, thread_id: int, now=None) -> Thread:
    """The thread if `user` takes part in it. :raises NotFound: otherwise, or no such thread."""
    thread = db.session.get(Thread, thread_id)
    if thread is None or not may_read(user, thread, now):
        raise NotFound()
    return thread


def care_roles() -> tuple[str, ...]:
    """The staff roles that take part in conversations: those the table lets read them."""
    return tuple(r for r in STAFF_ROLES if r in TABLE[READ])


def centre_participants(centre_id: int) -> list[int]:
    """Active staff accounts of the centre in a care role: who hears of a family's message."""
    return list(db.session.scalars(select(User.id).where(
        User.role == "staff", User.centre_id == centre_id, User.active.is_(True),
        User.staff_role.in_(care_roles())).order_by(User.id)))


def family_participants(child_id: int) -> list[int]:
    """Active guardian accounts of the child: who hears of the centre's message."""
    return list(db.session.scalars(select(User.id).join(
        Guardianship, Guardianship.user_id == User.id).where(
        Guardianship.child_id == child_id, User.active.is_(True)).order_by(User.id)))
