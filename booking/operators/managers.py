"""运营负责人 (operator manager) and the operator's own overview (docs/operators.md, Staff
across centres). A manager is a staff account that directs every centre its operator runs
now: one `director` assignment per current centre, made when it is appointed and when a
centre is linked later, ended when a centre is unlinked."""
from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from ..audit.services import record
from ..auth import services as accounts
from ..auth.models import User
from ..auth.permissions import allowed
from ..centres.models import Centre
from ..clock import now
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..regulator.jurisdiction import holds
from ..regulator.services import enrolled_by, places_by, waiting_by
from ..reservations.models import Reservation
from ..slots.models import Slot
from ..subsidies.forms import STATUS_LABELS as CLAIM_STATUS
from ..transactions import command
from . import assignments, figures
from .models import CentreOperator, Operator, OperatorManager, StaffAssignment
from .queries import current_link, operator_for


def current_centre_ids(operator_id: int) -> list[int]:
    return list(db.session.scalars(select(CentreOperator.centre_id).where(
        CentreOperator.operator_id == operator_id, current_link())
        .order_by(CentreOperator.centre_id)))


def managers_of(operator_id: int) -> list[OperatorManager]:
    return db.session.scalars(select(OperatorManager).where(
        OperatorManager.operator_id == operator_id).order_by(OperatorManager.id)).all()


def _direct_all(user: User, operator_id: int, actor) -> None:
    for cid in current_centre_ids(operator_id):
        row = assignments.active_at(user.id, cid)
        if row is None:
            assignments.add(user, cid, "director", actor)
        elif row.staff_role != "director":
            row.staff_role = "director"
    if user.staff_role != "director":
        user.staff_role = "director"


@command
def appoint(actor, operator_id: int, *, user_id: int | None = None, name=None, email=None,
            password=None) -> OperatorManager:
    """Make an existing staff account of one of the operator's centres, or a new account,
    the operator's manager (regulators of its district of registration, admins).

    :raises NotFound: the operator outside the scope, or the account not staff of its centres.
    :raises Forbidden: the actor only sees the operator through a centre.
    :raises Conflict: the account manages an operator already. :raises ValidationFailed."""
    if not allowed(actor, "operator.manage"):
        raise NotFound()
    op = operator_for(actor, operator_id)
    if not holds(actor, op.district):
        raise Forbidden(_("只有举办者登记所在区县的监管部门可以指定运营负责人"))
    db.session.execute(Operator.__table__.update().where(Operator.id == op.id)
                       .values(version=Operator.version + 1))
    centres = current_centre_ids(op.id)
    if not centres:
        raise Conflict(_("该举办者目前没有运营的机构"))
    if user_id is None:
        user = _new_account(name, email, password, centres[0], actor)
    else:
        user = db.session.get(User, user_id)
        if user is None or user.role != "staff" or user.deleted_at is not None or not any(
                a.centre_id in centres for a in assignments.active_of(user.id)):
            raise NotFound()
    assignments.lock_account(user.id)
    taken = db.session.scalar(select(OperatorManager).where(OperatorManager.user_id == user.id))
    if taken is not None:
        raise Conflict(_("该账号已是运营负责人"))
    row = OperatorManager(user_id=user.id, operator_id=op.id, created_by=actor.id)
    db.session.add(row)
    db.session.flush()
    _direct_all(user, op.id, actor)
    record("operator.manager_appointed", row, actor=actor,
           after={"operator_id": op.id, "user_id": user.id})
    db.session.commit()
    return row


def _new_account(name, email, password, centre_id, actor) -> User:
    """A new staff account for the manager, in this transaction (create_user commits)."""
    name, email = (name or "").strip(), accounts.normalise_email(email)
    errors = {}
    if not name:
        errors["name"] = [_("请填写姓名")]
    if not email or "@" not in email:
        errors["email"] = [_("邮箱格式不正确")]
    if problems := accounts.password_problems(password or ""):
        errors["password"] = problems
    if errors:
        raise ValidationFailed(errors=errors)
    accounts.ensure_free(email, None)
    user = User(name=name, email=email, role="staff", staff_role="director",
                centre_id=centre_id, password_hash=accounts.hash_password(password))
    db.session.add(user)
    db.session.flush()
    record("user.created", user, actor=actor, centre_id=centre_id,
           after={"email": email, "role": "staff", "staff_role": "director"})
    return user


def on_linked(operator_id: int, centre_id: int, actor) -> None:
    """A centre newly run by the operator: its managers direct it too (inside link_centre)."""
    for m in managers_of(operator_id):
        if assignments.active_at(m.user_id, centre_id) is None:
            assignments.add(m.user, centre_id, "director", actor)


def on_unlinked(operator_id: int, centre_id: int, actor) -> None:
    """The operator stops running the centre: its managers' assignments there end (an account
    keeps at least one, so a manager of a single centre keeps it until another is linked)."""
    for m in managers_of(operator_id):
        row = assignments.active_at(m.user_id, centre_id)
        if row is not None and len(assignments.active_of(m.user_id)) > 1:
            assignments.finish(row, actor)


def managed(user) -> Operator:
    """The operator `user` manages. :raises NotFound: none."""
    op_id = assignments.managed_operator_id(user)
    if op_id is None:
        raise NotFound()
    return db.session.get(Operator, op_id)


def overview(user) -> tuple[Operator, list[dict]]:
    """The manager's operator and its current centres side by side: places (approved
    centres' slots), children in care, live holds and children waiting, counted as the
    regulators' figures are (regulator/services.py); this month's fees, the latest claims
    and today's ratio gaps (figures.py)."""
    op = managed(user)
    places, enrolled, waiting = places_by(Centre.id), enrolled_by(Centre.id), waiting_by(Centre.id)
    holds = (select(Slot.centre_id.label("id"), func.count(Reservation.id).label("holds"))
             .join(Reservation, Reservation.slot_id == Slot.id)
             .where(Reservation.status == "held", Reservation.expires_at > now())
             .group_by(Slot.centre_id).subquery())
    rows = db.session.execute(
        select(Centre, places.c.places, enrolled.c.enrolled, holds.c.holds, waiting.c.waiting)
        .join(CentreOperator, and_(CentreOperator.centre_id == Centre.id, current_link()))
        .outerjoin(places, places.c.id == Centre.id)
        .outerjoin(enrolled, enrolled.c.id == Centre.id)
        .outerjoin(holds, holds.c.id == Centre.id)
        .outerjoin(waiting, waiting.c.id == Centre.id)
        .where(CentreOperator.operator_id == op.id).order_by(Centre.name, Centre.id)).all()
    more = figures.for_centres([r[0] for r in rows])
    return op, [{"centre": c, "places": int(p or 0), "enrolled": int(e or 0),
                 "holds": int(h or 0), "waiting": int(w or 0), **more[c.id]}
                for c, p, e, h, w in rows]


def yuan(fen: int) -> str:
    """A spreadsheet's amount: yuan with two decimals, no symbol nor separators."""
    return f"{fen / 100:.2f}"


def overview_rows(user) -> tuple[Operator, list[list]]:
    op, rows = overview(user)
    return op, [[_("机构"), _("区县"), _("托位"), _("在托"), _("保留中"), _("候补"),
                 _("本月应收（元）"), _("本月实收（元）"), _("补贴申报月份"), _("申报状态"),
                 _("申报金额（元）"), _("今日师幼比不足的班级"), _("今日缺保育人员")]] + [
        [r["centre"].name, r["centre"].district.name, r["places"], r["enrolled"], r["holds"],
         r["waiting"], yuan(r["billed_fen"]), yuan(r["collected_fen"]), r["claims_month"] or "",
         str(CLAIM_STATUS[r["claim_status"]]) if r["claim_status"] else "",
         yuan(r["claim_fen"]) if r["claim_status"] else "", r["classes_short"],
         r["carers_missing"]] for r in rows]


def assignment_rows(operator_id: int) -> list[StaffAssignment]:
    return db.session.scalars(select(StaffAssignment).where(
        StaffAssignment.centre_id.in_(current_centre_ids(operator_id)),
        StaffAssignment.ended_at.is_(None)).order_by(StaffAssignment.centre_id)).all()


def candidates(operator_id: int) -> list[User]:
    """Active staff accounts of the operator's current centres, not managing one already."""
    return db.session.scalars(
        select(User).join(StaffAssignment, StaffAssignment.user_id == User.id)
        .where(StaffAssignment.centre_id.in_(current_centre_ids(operator_id)),
               StaffAssignment.ended_at.is_(None), User.active.is_(True),
               User.deleted_at.is_(None),
               User.id.not_in(select(OperatorManager.user_id)))
        .distinct().order_by(User.name, User.id)).all()
