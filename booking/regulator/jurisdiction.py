"""Jurisdiction: which districts a regulator's scope holds (docs/permissions.md).

A regulator account has one scope: a district (`district_id`), a city (`city`), or the whole
country, and the last only when made so explicitly (`national`). An account with none of
the three holds nothing, so a blank form field never widens what anyone sees. Admins hold
everything; every other role holds no jurisdiction (their reach is by guardianship or centre).

Outside a regulator's scope a record is answered as missing (404), exactly like one that
does not exist, so the scope itself leaks nothing.
"""
from sqlalchemy import false, true

from ..centres.models import District


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
