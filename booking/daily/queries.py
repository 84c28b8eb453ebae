"""Reads of the daily record, shared by the pages and the API: a child's day, the days that have
a record, and a class's children today for the staff's class view."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Integer, func, select, union

from ..api.pagination import paginate
from ..centres.models import Group
from ..children.models import Child
from ..errors import NotFound
from ..extensions import db
from ..growth.notes import notes_for_class
from ..health.models import Attendance
from ..reservations.models import Reservation, in_care_on
from ..slots.models import Slot
from . import access
from .models import DailyEntry
from .presence import attendance_of, presence
from .summary import DaySummary, day_summary


def day_of(user, child_id: int, on_date: date, today: date) -> list[DaySummary]:
    """The child's day as `user` may see it, one part per centre (normally one): every centre
    for a guardian, the staff member's own for staff. Today, a child in care with nothing
    recorded yet still has its (empty) part, so the page can say so.

    :raises NotFound: the user may not see the child (access.child_for).
    """
    access.child_for(user, child_id)
    seen = access.reservations_seen(user, child_id)
    with_data = union(
        select(Attendance.reservation_id.label("rid")).where(
            Attendance.reservation_id.in_(seen), Attendance.on_date == on_date),
        select(DailyEntry.reservation_id.label("rid")).where(
            DailyEntry.reservation_id.in_(seen), DailyEntry.on_date == on_date)).subquery()
    ids = set(db.session.scalars(select(with_data.c.rid)))
    if on_date == today:
        ids |= set(db.session.scalars(seen.where(in_care_on(today))))
    rows = db.session.scalars(select(Reservation).where(Reservation.id.in_(ids))
                              .order_by(Reservation.id)).all()
    return [day_summary(r, on_date) for r in rows]


def days_of(user, child_id: int, page: int = 1, per_page: int = 30) -> tuple[list[dict], int]:
    """The days with a record (attendance or entries), newest first, a page at a time: each
    with its first arrival, last departure, and how many entries and photos.

    :raises NotFound: the user may not see the child.
    """
    access.child_for(user, child_id)
    seen = access.reservations_seen(user, child_id)
    dates = union(
        select(Attendance.on_date.label("on_date")).where(Attendance.reservation_id.in_(seen)),
        select(DailyEntry.on_date.label("on_date")).where(DailyEntry.reservation_id.in_(seen))
    ).subquery()
    days, total = paginate(select(dates.c.on_date).order_by(dates.c.on_date.desc()),
                           page, per_page)
    if not days:
        return [], total
    att = db.session.execute(select(
        Attendance.on_date, func.min(Attendance.arrived_at), func.max(Attendance.departed_at),
        func.max(Attendance.absent.cast(Integer))).where(
        Attendance.reservation_id.in_(seen), Attendance.on_date.in_(days))
        .group_by(Attendance.on_date)).all()
    counts = db.session.execute(select(
        DailyEntry.on_date, DailyEntry.kind, func.count(DailyEntry.id)).where(
        DailyEntry.reservation_id.in_(seen), DailyEntry.on_date.in_(days))
        .group_by(DailyEntry.on_date, DailyEntry.kind)).all()
    out = {d: {"on_date": d, "arrived_at": None, "departed_at": None, "absent": False,
               "entries": 0, "photos": 0} for d in days}
    for d, arrived, departed, absent in att:
        out[d].update(arrived_at=arrived, departed_at=departed,
                      absent=bool(absent) and arrived is None)
    for d, kind, n in counts:
        out[d]["entries"] += n
        if kind == "photo":
            out[d]["photos"] += n
    return [out[d] for d in days], total


def groups_of(centre_id: int) -> list[Group]:
    return db.session.scalars(select(Group).where(Group.centre_id == centre_id)
                              .order_by(Group.name)).all()


@dataclass
class ClassRow:
    reservation: Reservation
    child: Child
    attendance: Attendance | None
    state: str
    notes: list[str]
    napping_since: object = None
    meals: list[str] = field(default_factory=list)
    toilets: int = 0
    mood: str | None = None

    @property
    def selectable(self) -> bool:
        return self.state == "present"


def class_view(centre_id: int, group_id: int | None, on_date: date) -> list[ClassRow]:
    """The children of a class (all of the centre's when it has no classes) in care on
    `on_date`, each with its state and what has been logged so far, present ones first."""
    stmt = select(Reservation).join(Slot).join(Child, Child.id == Reservation.child_id).where(
        Slot.centre_id == centre_id, in_care_on(on_date), Child.anonymised_at.is_(None))
    if group_id is not None:
        stmt = stmt.where(Slot.group_id == group_id)
    reservations = db.session.scalars(stmt.order_by(Child.name, Reservation.id)).all()
    days = attendance_of((r.id for r in reservations), on_date)
    # Allergies and diets to keep in mind (docs/growth.md); showing them to staff is logged.
    care = notes_for_class([r.child_id for r in reservations])
    rows = {r.id: ClassRow(r, r.child, days.get(r.id), presence(days.get(r.id)),
                           care.get(r.child_id, [])) for r in reservations}
    if rows:
        for e in db.session.scalars(select(DailyEntry).where(
                DailyEntry.reservation_id.in_(list(rows)), DailyEntry.on_date == on_date)
                .order_by(DailyEntry.at, DailyEntry.id)):
            row = rows[e.reservation_id]
            if e.kind == "meal":
                row.meals.append(e.meal)
            elif e.kind == "nap" and e.ends_at is None:
                row.napping_since = e.at
            elif e.kind == "toilet":
                row.toilets += 1
            elif e.kind == "mood":
                row.mood = e.mood
    order = {"present": 0, "not_arrived": 1, "departed": 2, "sent_home": 3, "absent": 4}
    return sorted(rows.values(), key=lambda row: order[row.state])


def group_for(staff, group_id: int | None) -> tuple[list[Group], int | None]:
    """The centre's classes and the one asked for (the first by default).

    :raises NotFound: a class of another centre."""
    groups = groups_of(staff.centre_id)
    if group_id is None and groups:
        group_id = groups[0].id
    if group_id is not None and group_id not in {g.id for g in groups}:
        raise NotFound()
    return groups, group_id
