"""Children and guardianship: who may act for a child."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from ..audit.services import record
from ..centres.bands import age_in_months
from ..centres.models import Centre
from ..clock import today
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..transactions import command
from ..regulator.jurisdiction import holds_centre
from .models import Child, Guardianship


def children_of(user) -> list[Child]:
    return db.session.scalars(select(Child).join(Guardianship).where(
        Guardianship.user_id == user.id, Child.anonymised_at.is_(None))
        .order_by(Child.birth_date, Child.id)).all()


def is_guardian(user, child_id: int) -> bool:
    return db.session.scalar(select(Guardianship.id).where(
        Guardianship.user_id == user.id, Guardianship.child_id == child_id)) is not None


def guardians_of(child_id: int) -> list[int]:
    return list(db.session.scalars(select(Guardianship.user_id).where(
        Guardianship.child_id == child_id)))


def child_for_guardian(user, child_id: int) -> Child:
    """The child if `user` is its guardian; 404 otherwise, so strangers learn nothing."""
    # One query for the child and the guardianship (every booking asks this first).
    child = db.session.scalar(select(Child).where(guarded_by(user, child_id)))
    if child is None:
        raise NotFound()
    return child


def guarded_by(user, child_id: int):
    """The child `child_id`, not anonymised, of which `user` is a guardian: a SQL condition."""
    return guarded_by_id(user.id, child_id)


def guarded_by_id(user_id, child_id):
    """guarded_by with the ids given (values or bound parameters)."""
    return and_(Child.id == child_id, Child.anonymised_at.is_(None),
                select(Guardianship.id).where(Guardianship.user_id == user_id,
                                              Guardianship.child_id == Child.id).exists())


def names_of(child_ids) -> dict[int, str]:
    """{child id: name} for a collection of ids or a subquery of them, in one read (a notice
    names the child; a lazy load per notice cost a statement each)."""
    return dict(db.session.execute(select(Child.id, Child.name)
                                   .where(Child.id.in_(child_ids))).all())


def multiples_of(child: Child, guardian_id: int) -> list[Child]:
    """The child and its twins/multiples under the same guardian (same birth key)."""
    if not child.multiple_birth_key:
        return [child]
    return db.session.scalars(select(Child).join(Guardianship).where(
        Guardianship.user_id == guardian_id,
        Child.multiple_birth_key == child.multiple_birth_key).order_by(Child.id)).all()


MAX_OLDER_SIBLINGS = 10


def _check_older_siblings(n, errors: dict) -> None:
    if not isinstance(n, int) or not 0 <= n <= MAX_OLDER_SIBLINGS:
        errors["older_siblings"] = [_("年长的兄弟姐妹人数应在 0 到 %(n)s 之间", n=MAX_OLDER_SIBLINGS)]


@command
def add_child(parent, *, name: str, birth_date: date, twin_of: int | None = None,
              older_siblings: int = 0) -> Child:
    """Register a child under a parent. Children are born; they are not yet 3 years old
    when a family first books (centres take 6–36 months, docs/domain.md).

    :raises ValidationFailed: a birth date in the future or over 3 years ago, an unknown twin.
    """
    errors = {}
    if not name or not name.strip():
        errors["name"] = [_("请填写孩子的姓名")]
    if birth_date > today():
        errors["birth_date"] = [_("出生日期不能晚于今天")]
    elif age_in_months(birth_date, today()) >= 48:
        errors["birth_date"] = [_("平台服务 3 岁以下婴幼儿，请检查出生日期")]
    _check_older_siblings(older_siblings, errors)
    twin = None
    if twin_of is not None:
        twin = db.session.get(Child, twin_of)
        if twin is None or not is_guardian(parent, twin_of):
            errors["twin_of"] = [_("找不到这个孩子")]
        elif twin.birth_date != birth_date:
            errors["twin_of"] = [_("双（多）胞胎的出生日期应相同")]
    if errors:
        raise ValidationFailed(errors=errors)
    child = Child(name=name.strip(), birth_date=birth_date, older_siblings=older_siblings)
    if twin is not None:
        twin.multiple_birth_key = twin.multiple_birth_key or f"mb-{twin.id}"
        child.multiple_birth_key = twin.multiple_birth_key
    db.session.add(child)
    db.session.flush()
    db.session.add(Guardianship(child_id=child.id, user_id=parent.id, position=1))
    record("child.added", child, actor=parent,
           after={"birth_date": birth_date, "older_siblings": older_siblings})
    db.session.commit()
    return child


@command
def set_older_siblings(child_id: int, parent, n: int) -> Child:
    """A guardian declares how many older brothers and sisters the child has (二孩三孩托费减免:
    the reduction follows birth order, and older children are rarely registered here).

    :raises NotFound: not their child. :raises ValidationFailed: out of range.
    """
    child = db.session.get(Child, child_id)
    if child is None or child.anonymised_at is not None or not is_guardian(parent, child_id):
        raise NotFound()
    errors = {}
    _check_older_siblings(n, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    before = child.older_siblings
    child.older_siblings = n
    record("child.older_siblings_set", child, actor=parent, before={"older_siblings": before},
           after={"older_siblings": n})
    db.session.commit()
    return child


def guardian_count(child_id: int) -> int:
    return db.session.scalar(select(func.count(Guardianship.id)).where(
        Guardianship.child_id == child_id)) or 0


def may_see_booking(user, child_id: int, centre_id: int) -> bool:
    """A reservation or waitlist entry is seen by the child's guardians, the staff of its
    centre, regulators whose jurisdiction holds the centre, and admins (PIPL: nobody else
    learns it exists)."""
    if user.role == "parent":
        return is_guardian(user, child_id)
    if user.role == "staff":
        return user.centre_id == centre_id
    return holds_centre(user, db.session.get(Centre, centre_id))
