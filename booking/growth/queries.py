"""The staff's class list of growth flags: the children in care at the centre (one class, or
all), each with its latest point, those below −2 SD first (docs/growth.md)."""
from dataclasses import dataclass

from sqlalchemy import select

from ..centres.models import Group
from ..children.models import Child
from ..clock import now as clock_now
from ..errors import NotFound
from ..extensions import db
from ..reservations.models import Reservation, in_care_at
from ..slots.models import Slot
from ..transactions import command
from . import access
from .services import READ, Point, points_of


@dataclass
class FlagRow:
    child: Child
    group: Group | None
    latest: Point | None

    @property
    def flagged(self) -> bool:
        return self.latest is not None and self.latest.z.flagged


def groups_of(centre_id: int) -> list[Group]:
    return db.session.scalars(select(Group).where(Group.centre_id == centre_id)
                              .order_by(Group.name)).all()


@command
def class_flags(user, group_id: int | None = None, now=None) -> list[FlagRow]:
    """The children in care at the staff member's centre (in `group_id` when given), flagged
    first, then by name; every child listed is a logged read of its growth.

    :raises NotFound: a class of another centre.
    """
    now = now or clock_now()
    if group_id is not None:
        group = db.session.get(Group, group_id)
        if group is None or group.centre_id != user.centre_id:
            raise NotFound()
    stmt = select(Reservation).join(Slot).join(Child, Child.id == Reservation.child_id).where(
        Slot.centre_id == user.centre_id, in_care_at(now), Child.anonymised_at.is_(None))
    if group_id is not None:
        stmt = stmt.where(Slot.group_id == group_id)
    seen, rows = set(), []
    for r in db.session.scalars(stmt.order_by(Child.name, Reservation.id)):
        if r.child_id in seen:
            continue
        seen.add(r.child_id)
        points = points_of(r.child)
        rows.append(FlagRow(r.child, r.slot.group, points[-1] if points else None))
    access.log_staff_reads(user, READ, seen, where="class")
    db.session.commit()
    return sorted(rows, key=lambda row: not row.flagged)
