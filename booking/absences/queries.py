"""Reads about absences shared by the pages, the API, the attendance sheet and the ratio check,
and who may see a child's day-to-day records (docs/absences.md, Privacy)."""
from datetime import date

from sqlalchemy import select

from ..auth.permissions import allowed
from ..children import services as children
from ..clock import today
from ..extensions import db
from ..reservations.models import Reservation, in_care_on
from ..slots.models import Slot
from .models import Absence


def enrolment_on(child_id: int, day: date) -> Reservation | None:
    """The enrolment under which the child is in care on `day` (its slot started by then, the
    leaving day not passed), or None."""
    return db.session.scalar(
        select(Reservation).join(Slot, Slot.id == Reservation.slot_id)
        .where(Reservation.child_id == child_id, in_care_on(day), Slot.starts_on <= day)
        .order_by(Reservation.id.desc()).limit(1))


def care_centres(child_id: int, day: date | None = None) -> set[int]:
    """Centres where the child has an enrolment in care on `day` (today by default), started
    or not: the staff who may see the child's absences and pickup list."""
    return set(db.session.scalars(
        select(Slot.centre_id).join(Reservation, Reservation.slot_id == Slot.id)
        .where(Reservation.child_id == child_id, in_care_on(day or today()))))


def staff_reaches(user, child_id: int, action: str) -> bool:
    """Staff whose role may do `action`, at a centre the child is enrolled with."""
    return (user.role == "staff" and allowed(user, action)
            and user.centre_id in care_centres(child_id))


def may_read(user, child_id: int, action: str) -> bool:
    """The child's guardians, and the staff of its centre (by `action`); nobody else."""
    if user.role == "parent":
        return allowed(user, action) and children.is_guardian(user, child_id)
    return staff_reaches(user, child_id, action)


def absences_of(child_id: int, limit: int = 100) -> list[Absence]:
    """A child's absences, the latest first (withdrawn ones too: the family sees its history)."""
    return db.session.scalars(select(Absence).where(Absence.child_id == child_id)
                              .order_by(Absence.starts_on.desc(), Absence.id.desc())
                              .limit(limit)).all()


def standing(child_id: int, day: date) -> Absence | None:
    """The child's absence standing on `day`, if any (absences never overlap)."""
    return db.session.scalar(select(Absence).where(Absence.child_id == child_id,
                                                   Absence.covering(day)).limit(1))


def overlapping(child_id: int, starts_on: date, ends_on: date) -> Absence | None:
    return db.session.scalar(select(Absence).where(
        Absence.child_id == child_id, Absence.withdrawn_at.is_(None),
        Absence.starts_on <= ends_on, Absence.ends_on >= starts_on).limit(1))


def reported_absent(child_ids, day: date) -> set[int]:
    """Those of `child_ids` with an absence standing on `day` (the ratio check leaves them
    out of the children expected)."""
    ids = list(set(child_ids))
    if not ids:
        return set()
    return set(db.session.scalars(select(Absence.child_id).where(
        Absence.child_id.in_(ids), Absence.covering(day))))


def on_day(centre_id: int, day: date) -> list[Absence]:
    """The centre's absences standing on `day`, by class then child."""
    return db.session.scalars(
        select(Absence).join(Reservation, Reservation.id == Absence.reservation_id)
        .join(Slot, Slot.id == Reservation.slot_id)
        .where(Absence.centre_id == centre_id, Absence.covering(day))
        .order_by(Slot.group_id, Absence.child_id)).all()
