"""Jurisdiction: which districts a regulator's scope holds (docs/permissions.md).

A regulator account has one scope: a district (`district_id`), a city (`city`), or the whole
country, and the last only when made so explicitly (`national`). An account with none of
the three holds nothing, so a blank form field never widens what anyone sees. Admins hold
everything; every other role holds no jurisdiction (their reach is by guardianship or centre).

Outside a regulator's scope a record is answered as missing (404), exactly like one that
does not exist, so the scope itself leaks nothing. A centre is in scope by its district; a
child by its centres (a place held or once held, a waitlist entry, a session booking), which
is what opens its health record to a regulator.
"""
from sqlalchemy import false, select, true, union

from ..centres.models import Centre, District
from ..children.models import Guardianship
from ..extensions import db
from ..reservations.models import Reservation
from ..sessions.models import CareSession, SessionBooking
from ..slots.models import Slot
from ..waitlists.models import WaitlistEntry


def is_national(user) -> bool:
    return user.role == "admin" or (user.role == "regulator" and bool(user.national))


def holds(user, district) -> bool:
    """Does `user`'s jurisdiction hold `district` (a District, or None for no district)?"""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    if is_national(user):
        return True
    if user.role != "regulator" or district is None:
        return False
    if user.district_id:
        return district.id == user.district_id
    if user.city:
        return district.city == user.city
    return False


def holds_centre(user, centre) -> bool:
    return centre is not None and holds(user, centre.district)


def district_clause(user):
    """A SQL condition on `District` for the statement's joined district: true for admins and
    national regulators, the account's district or city otherwise, false for everyone else."""
    if is_national(user):
        return true()
    if user.role != "regulator":
        return false()
    if user.district_id:
        return District.id == user.district_id
    if user.city:
        return District.city == user.city
    return false()


def within(stmt, user):
    """`stmt` (which must join `District`) limited to `user`'s jurisdiction."""
    return stmt.where(district_clause(user))


def centre_ids(user):
    """The ids of the centres `user`'s jurisdiction holds, as a subquery for `IN`."""
    return (select(Centre.id).join(District, District.id == Centre.district_id)
            .where(district_clause(user)))


def centre_clause(user, centre_id_column):
    """A SQL condition: the row's centre (`centre_id_column`) is in `user`'s jurisdiction."""
    if is_national(user):
        return true()
    if user.role != "regulator":
        return false()
    return centre_id_column.in_(centre_ids(user))


def _centre_links():
    """(centre id column, statement) for each way a child is tied to a centre: a place held
    or once held, a waitlist entry, a session booking."""
    return (
        (Slot.centre_id, select(Slot.centre_id, Reservation.child_id)
         .join(Reservation, Reservation.slot_id == Slot.id)),
        (Slot.centre_id, select(Slot.centre_id, WaitlistEntry.child_id)
         .join(WaitlistEntry, WaitlistEntry.slot_id == Slot.id)),
        (CareSession.centre_id, select(CareSession.centre_id, SessionBooking.child_id)
         .join(SessionBooking, SessionBooking.session_id == CareSession.id)),
    )


def child_clause(user, child_id_column):
    """A SQL condition: the child (`child_id_column`) is one of the children of a centre in
    `user`'s jurisdiction (it holds, held, waits or waited for a place, or booked a session
    there). Admins and national regulators: every child."""
    if is_national(user):
        return true()
    if user.role != "regulator":
        return false()
    centres = centre_ids(user)
    children = union(*(stmt.where(col.in_(centres)).with_only_columns(stmt.selected_columns[1])
                       for col, stmt in _centre_links())).subquery()
    return child_id_column.in_(select(children.c[0]))


def child_centre(user, child_id: int) -> int | None:
    """The centre (lowest id) in `user`'s jurisdiction that ties the child to it, or None."""
    if not is_national(user) and user.role != "regulator":
        return None
    found = []
    for col, stmt in _centre_links():
        stmt = stmt.where(stmt.selected_columns[1] == child_id, centre_clause(user, col))
        first = db.session.scalar(stmt.with_only_columns(col).order_by(col).limit(1))
        if first is not None:
            found.append(first)
    return min(found) if found else None


def holds_child(user, child_id: int) -> bool:
    """Does `user`'s jurisdiction hold the child (one of its centres' children)?"""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    if is_national(user):
        return True
    return child_centre(user, child_id) is not None


def listed(stmt, user, *, centre_col, child_col, centre_id=None, district=None, city=None):
    """`stmt` (joining `District` for the centre of `centre_col`) limited to the bookings
    `user` may list: a parent their children's, staff their centre's, regulators and admins
    their jurisdiction. The filters narrow the list; they never widen it."""
    if user.role == "parent":
        stmt = stmt.where(child_col.in_(select(Guardianship.child_id)
                                        .where(Guardianship.user_id == user.id)))
    elif user.role == "staff":
        stmt = stmt.where(centre_col == user.centre_id)
    else:
        stmt = within(stmt, user)
    if centre_id:
        stmt = stmt.where(centre_col == centre_id)
    if district:
        stmt = stmt.where(District.code == district)
    if city:
        stmt = stmt.where(District.city == city)
    return stmt
