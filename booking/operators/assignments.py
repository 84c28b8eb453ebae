"""Staff across an operator's centres (docs/operators.md, Staff across centres): where a staff
account works, adding it to another centre of the same operator, ending that, and switching.

The account's own `centre_id` and `staff_role` are its current assignment: a switch copies
them from the assignment, so every CENTRE-scoped rule keeps comparing `user.centre_id` and
needs no change. The session is kept (no session_version bump): a switch is not a sign-out.
"""
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..auth.models import STAFF_ROLES, User
from ..auth.permissions import allowed
from ..centres.models import Centre
from ..clock import now
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..transactions import command
from .models import OperatorManager, StaffAssignment
from .queries import current_operator


def active_of(user_id: int) -> list[StaffAssignment]:
    """The account's active assignments, by centre name."""
    return db.session.scalars(
        select(StaffAssignment).join(Centre, Centre.id == StaffAssignment.centre_id)
        .where(StaffAssignment.user_id == user_id, StaffAssignment.ended_at.is_(None))
        .order_by(Centre.name, Centre.id)).all()


def active_at(user_id: int, centre_id: int) -> StaffAssignment | None:
    return db.session.scalar(select(StaffAssignment).where(
        StaffAssignment.user_id == user_id, StaffAssignment.centre_id == centre_id,
        StaffAssignment.ended_at.is_(None)))


def managed_operator_id(user) -> int | None:
    """The operator `user` is 运营负责人 of, if any."""
    if user is None or getattr(user, "role", None) != "staff":
        return None
    return db.session.scalar(select(OperatorManager.operator_id)
                             .where(OperatorManager.user_id == user.id))


def lock_account(user_id: int) -> None:
    # The account's row first: two changes to one account's assignments queue here
    # (docs/design.md, Locking); the partial unique index is the backstop.
    db.session.execute(update(User).where(User.id == user_id).values(name=User.name)
                       .execution_options(synchronize_session=False))


def _directs(actor, centre_id: int) -> bool:
    """The actor directs the centre: a director assignment there, or it manages its operator."""
    row = active_at(actor.id, centre_id)
    if row is not None and row.staff_role == "director":
        return True
    op = current_operator(centre_id)
    return op is not None and managed_operator_id(actor) == op.id


def staff_account(actor, user_id: int) -> User:
    """A staff account of a centre the actor directs now (its current centre, or any centre
    of the operator it manages). :raises NotFound: otherwise."""
    user = db.session.get(User, user_id)
    if user is None or user.role != "staff" or user.deleted_at is not None:
        raise NotFound()
    if actor.role == "admin":
        return user
    if not any(_directs(actor, a.centre_id) for a in active_of(user.id)):
        raise NotFound()
    return user


@command
def assign(actor, user_id: int, centre_id: int, staff_role: str) -> StaffAssignment:
    """Add a staff account to another centre of its centre's operator, in `staff_role`.

    :raises NotFound: the account is not one the actor directs, or no such centre.
    :raises ValidationFailed: an unknown role.
    :raises Conflict: the centre is not run by the same operator, or the account works
        there already. :raises Forbidden: the actor does not direct the centre."""
    if not allowed(actor, "staff_accounts.manage"):
        raise Forbidden()
    user = staff_account(actor, user_id)
    if staff_role not in STAFF_ROLES:
        raise ValidationFailed(errors={"staff_role": [_("未知岗位")]})
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        raise NotFound()
    here = current_operator(user.centre_id)
    there = current_operator(centre.id)
    if here is None or there is None or here.id != there.id:
        raise Conflict(_("只能安排到同一举办者目前运营的其他机构"))
    if actor.role != "admin" and not _directs(actor, centre.id):
        raise Forbidden(_("只有该机构的负责人或运营负责人可以安排人员"))
    lock_account(user.id)
    row = add(user, centre.id, staff_role, actor)
    db.session.commit()
    return row


def add(user: User, centre_id: int, staff_role: str, actor) -> StaffAssignment:
    """Insert an active assignment and audit it. :raises Conflict: already assigned there."""
    taken = _("该人员已在此机构任职")
    if active_at(user.id, centre_id) is not None:
        raise Conflict(taken)
    row = StaffAssignment(user_id=user.id, centre_id=centre_id, staff_role=staff_role,
                          created_by=actor.id if actor else None)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # @command rolls back
        raise Conflict(taken) from None
    record("staff.assigned", row, actor=actor, centre_id=centre_id,
           after={"user_id": user.id, "staff_role": staff_role})
    return row


@command
def end(actor, assignment_id: int) -> StaffAssignment:
    """End an assignment; the account's current centre moves to another when it was this one.

    :raises NotFound: no such active assignment the actor directs.
    :raises Conflict: it is the account's last one."""
    if not allowed(actor, "staff_accounts.manage"):
        raise Forbidden()
    row = db.session.get(StaffAssignment, assignment_id)
    if row is None or row.ended_at is not None:
        raise NotFound()
    staff_account(actor, row.user_id)
    if actor.role != "admin" and not _directs(actor, row.centre_id):
        raise NotFound()
    lock_account(row.user_id)
    if len(active_of(row.user_id)) < 2:
        raise Conflict(_("这是该人员唯一的任职机构，不能结束"))
    finish(row, actor)
    db.session.commit()
    return row


def finish(row: StaffAssignment, actor) -> None:
    """End `row` inside the caller's transaction, moving the account off it if current."""
    row.ended_at = now()
    record("staff.assignment_ended", row, actor=actor, centre_id=row.centre_id,
           before={"user_id": row.user_id, "staff_role": row.staff_role})
    db.session.flush()
    user = db.session.get(User, row.user_id)
    if user.centre_id == row.centre_id:
        rest = active_of(user.id)
        if rest:
            _move(user, rest[0], actor)


def _move(user: User, to: StaffAssignment, actor) -> None:
    before = {"centre_id": user.centre_id, "staff_role": user.staff_role}
    user.centre_id, user.staff_role = to.centre_id, to.staff_role
    record("staff.centre_switched", user, actor=actor, centre_id=to.centre_id, before=before,
           after={"centre_id": to.centre_id, "staff_role": to.staff_role})
    db.session.flush()


@command
def switch(user, centre_id: int) -> User:
    """Make `centre_id` the account's current centre, in its role there.
    :raises NotFound: the account has no active assignment at that centre."""
    if user.role != "staff":
        raise NotFound()
    row = active_at(user.id, centre_id)
    if row is None:
        raise NotFound()
    if user.centre_id != centre_id or user.staff_role != row.staff_role:
        _move(user, row, user)
    db.session.commit()
    return user
