"""Who hears of a centre's or a district's oversight matters: the one definition of a centre's
directors and of a district's regulators, for the notices of changes, complaints,
recognitions, subsidy claims and fix items."""
from sqlalchemy import or_, select

from ..extensions import db
from .models import User


def directors_of(centre_id: int) -> list[int]:
    """The centre's active directors (the accounts that answer for it)."""
    return list(db.session.scalars(select(User.id).where(
        User.role == "staff", User.staff_role == "director", User.centre_id == centre_id,
        User.active.is_(True), User.deleted_at.is_(None)).order_by(User.id)))


def regulators_of(district) -> list[int]:
    """The district's own regulators and its city's (not national accounts: they oversee, the
    district handles)."""
    return list(db.session.scalars(select(User.id).where(
        User.role == "regulator", User.active.is_(True), User.deleted_at.is_(None),
        or_(User.district_id == district.id,
            (User.district_id.is_(None)) & (User.city == district.city))).order_by(User.id)))
