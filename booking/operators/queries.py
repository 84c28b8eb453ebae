"""Reads: which operators a user's scope holds, a centre's operator and its history, the
figures of the regulator's list, and what the public disclosure shows (docs/operators.md)."""
from sqlalchemy import exists, false, func, or_, select, true

from ..centres.models import Centre, District
from ..errors import NotFound
from ..extensions import db
from ..regulator.jurisdiction import centre_ids, district_clause, is_national
from ..regulator.models import Filing
from ..regulator.services import enrolled_by, places_by
from .models import CentreOperator, Operator

PUBLIC_STATUSES = ("approved", "suspended", "closed")  # as the public registry lists them


def current_link():
    """The condition of a current row of `centre_operator`."""
    return CentreOperator.to_date.is_(None)


def visible_clause(user):
    """An operator is in a regulator's scope when it is registered in a district the scope
    holds, or runs a centre there now; admins and national regulators see every one."""
    if is_national(user):
        return true()
    if user.role != "regulator":
        return false()
    registered = Operator.district_id.in_(
        select(District.id).where(district_clause(user)))
    runs = exists(select(CentreOperator.id).where(
        CentreOperator.operator_id == Operator.id, current_link(),
        CentreOperator.centre_id.in_(centre_ids(user))))
    return or_(registered, runs)


def operator_for(user, operator_id: int) -> Operator:
    """:raises NotFound: no such operator, or outside `user`'s scope."""
    op = db.session.scalar(select(Operator).where(Operator.id == operator_id,
                                                  visible_clause(user)))
    if op is None:
        raise NotFound()
    return op


def current_operator(centre_id: int) -> Operator | None:
    return db.session.scalar(select(Operator).join(
        CentreOperator, CentreOperator.operator_id == Operator.id).where(
        CentreOperator.centre_id == centre_id, current_link()))


def centre_history(centre_id: int) -> list[CentreOperator]:
    """Every operator the centre has had, the latest first."""
    return db.session.scalars(select(CentreOperator).where(
        CentreOperator.centre_id == centre_id).order_by(
        CentreOperator.from_date.desc(), CentreOperator.id.desc())).all()


def links_in_scope(user, operator_id: int, current_only=False) -> list[CentreOperator]:
    """The operator's links to centres `user`'s scope holds (current and past), by centre."""
    stmt = (select(CentreOperator).join(Centre, Centre.id == CentreOperator.centre_id)
            .where(CentreOperator.operator_id == operator_id,
                   Centre.id.in_(centre_ids(user)))
            .order_by(CentreOperator.to_date.is_not(None), Centre.id,
                      CentreOperator.from_date.desc()))
    if current_only:
        stmt = stmt.where(current_link())
    return db.session.scalars(stmt).all()


def listing(user) -> list[dict]:
    """The operators in `user`'s scope, each with its centres in scope now, their places
    (approved centres' slots) and the children in care there."""
    places = places_by(Centre.id)
    enrolled = enrolled_by(Centre.id)
    counts = (select(CentreOperator.operator_id.label("operator_id"),
                     func.count(CentreOperator.centre_id).label("centres"),
                     func.coalesce(func.sum(places.c.places), 0).label("places"),
                     func.coalesce(func.sum(enrolled.c.enrolled), 0).label("enrolled"))
              .outerjoin(places, places.c.id == CentreOperator.centre_id)
              .outerjoin(enrolled, enrolled.c.id == CentreOperator.centre_id)
              .where(current_link(), CentreOperator.centre_id.in_(centre_ids(user)))
              .group_by(CentreOperator.operator_id).subquery())
    rows = db.session.execute(
        select(Operator, counts.c.centres, counts.c.places, counts.c.enrolled)
        .outerjoin(counts, counts.c.operator_id == Operator.id)
        .where(visible_clause(user)).order_by(Operator.name, Operator.id)).all()
    return [{"operator": op, "centres": int(n or 0), "places": int(p or 0),
             "enrolled": int(e or 0)} for op, n, p, e in rows]


def public_operators(centre_ids) -> dict[int, dict]:
    """What the disclosure and the registry show of each centre's operator, by centre id: its
    name and credit code, and the other centres it runs that the public registry lists
    (id, name). Never a person's phone: the contact stays with the regulators."""
    ids = list(centre_ids)
    if not ids:
        return {}
    mine = dict(db.session.execute(select(CentreOperator.centre_id, CentreOperator.operator_id)
                                   .where(current_link(), CentreOperator.centre_id.in_(ids))).all())
    if not mine:
        return {}
    ops = {op.id: op for op in db.session.scalars(
        select(Operator).where(Operator.id.in_(set(mine.values()))))}
    listed: dict[int, list[dict]] = {}
    for op_id, cid, name in db.session.execute(
            select(CentreOperator.operator_id, Centre.id, Centre.name)
            .join(Centre, Centre.id == CentreOperator.centre_id)
            .join(Filing, Filing.centre_id == Centre.id)
            .where(current_link(), CentreOperator.operator_id.in_(set(mine.values())),
                   Filing.status.in_(PUBLIC_STATUSES)).order_by(Centre.id)):
        listed.setdefault(op_id, []).append({"id": cid, "name": name})
    return {cid: {"id": op_id, "name": ops[op_id].name, "credit_code": ops[op_id].credit_code,
                  "other_centres": [c for c in listed.get(op_id, []) if c["id"] != cid]}
            for cid, op_id in mine.items()}


def public_operator(centre_id: int) -> dict | None:
    return public_operators([centre_id]).get(centre_id)
