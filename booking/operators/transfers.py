"""Transfers between two centres of one operator (docs/operators.md, "Transfers between an
operator's centres"): a guardian, or the director of the child's centre for the family, asks
to move a child in care at centre A to a slot at centre B of the same current operator; the
operator's 运营负责人 approves or refuses; the family may withdraw while it is open.

Approving is one transaction under the lock order (docs/design.md): the child's row, then
both slots in ascending id. It enrols the child at B directly, from the wished start date, and
ends the care at A the day before through the booking's own transfer ending
(reservations.enrolment.end_replaced → reservations.leaving.leave: fees settled, the place at
A offered to its waitlist when it frees). No new application and no new intake check: the
child is already in care at the operator, its intake check was verified when it was enrolled
at A, and a transfer between an operator's centres continues that care.
"""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..allocation.gate import refuse_if_in_round
from ..audit.services import notify, record
from ..auth.permissions import allowed
from ..centres.bands import check_band
from ..children import services as children
from ..children.models import Child
from ..clock import local_date
from ..clock import now as clock_now
from ..employers.rules import open_places
from ..errors import Conflict, Forbidden, NotFound, SlotFull, ValidationFailed
from ..extensions import db
from ..places.lapses import tidy
from ..places.locking import lock_children, lock_slots
from ..places.offers import end_waits_below, offer_next, waiting_count
from ..places.placement import live_places, replacement_for, standing
from ..reservations.enrolment import end_replaced
from ..reservations.models import Reservation, Status
from ..slots.models import Slot
from ..slots.queries import taken_count
from ..transactions import command, kept
from .assignments import managed_operator_id
from .managers import current_centre_ids
from .queries import current_operator
from .transfer_models import APPROVED, REFUSED, REQUESTED, WITHDRAWN, OperatorTransfer

REASON_MAX = 500


def _manages(user, t: OperatorTransfer) -> bool:
    return managed_operator_id(user) == t.operator_id


def scope_clause(user):
    """The transfers `user` may read: a guardian its children's, a director its current
    centre's (from or to), the 运营负责人 its operator's; nothing for anyone else."""
    if user.role == "parent" and allowed(user, "transfer.read"):
        return OperatorTransfer.child_id.in_([c.id for c in children.children_of(user)])
    if user.role == "staff" and allowed(user, "transfer.read"):
        clauses = [OperatorTransfer.from_centre_id == user.centre_id,
                   OperatorTransfer.to_centre_id == user.centre_id]
        op_id = managed_operator_id(user)
        if op_id is not None:
            clauses.append(OperatorTransfer.operator_id == op_id)
        return or_(*clauses)
    return OperatorTransfer.id.is_(None)


def listing(user, *, status: str | None = None) -> list[OperatorTransfer]:
    q = select(OperatorTransfer).where(scope_clause(user))
    if status:
        q = q.where(OperatorTransfer.status == status)
    return list(db.session.scalars(q.order_by(OperatorTransfer.id.desc())))


def visible(user, transfer_id: int) -> OperatorTransfer:
    """:raises NotFound: no such transfer, or outside the reader's scope."""
    t = db.session.scalar(select(OperatorTransfer).where(
        OperatorTransfer.id == transfer_id, scope_clause(user)))
    if t is None:
        raise NotFound()
    return t


def current_place(child_id: int, now) -> Reservation | None:
    """The child's standing enrolment, if its only live place is one (no pending second)."""
    places = live_places([child_id], now)[child_id]
    if len(places) != 1 or places[0].status != Status.ENROLLED:
        return None
    return standing(places)[0]


def targets(child_id: int, now) -> list[Slot]:
    """Slots at the other current centres of the operator running the child's centre, not yet
    over (the request form's choices; the service checks each request again)."""
    place = current_place(child_id, now)
    op = current_operator(place.slot.centre_id) if place else None
    if op is None:
        return []
    ids = [c for c in current_centre_ids(op.id) if c != place.slot.centre_id]
    return list(db.session.scalars(select(Slot).where(Slot.centre_id.in_(ids))
                                   .order_by(Slot.centre_id, Slot.starts_on, Slot.id)))


def _child_for(actor, child_id: int, now):
    """The child and its enrolment at A, for a guardian or A's director."""
    if actor.role == "parent":
        child = children.child_for_guardian(actor, child_id)
    else:
        child = db.session.get(Child, child_id)
        if child is None or child.anonymised_at is not None:
            raise NotFound()
    place = current_place(child.id, now)
    if actor.role == "staff" and (place is None or place.slot.centre_id != actor.centre_id):
        raise NotFound()  # a director asks only for its own centre's children
    if place is None:
        raise Conflict(_("%(name)s 目前没有在读的托位，不能申请转园", name=child.name))
    if place.leaves_on is not None:
        raise Conflict(_("%(name)s 已办理离园（%(d)s），不能申请转园",
                         name=child.name, d=place.leaves_on.isoformat()))
    return child, place


@command
def request(actor, child_id: int, slot_id: int, starts_on=None, now=None) -> OperatorTransfer:
    """Ask to move a child in care at centre A to a slot at centre B of the same operator.

    :raises NotFound: not the actor's child (or not its centre's), or no such slot.
    :raises Conflict: not in care, leaving, the centres not both run now by one operator,
        B not accepting places, a request already open.
    :raises AgeOutOfBand: the child's age does not fit the slot's band.
    :raises ValidationFailed: a start date before the slot's start or before today."""
    now = now or clock_now()
    if actor.role not in ("parent", "staff") or not allowed(actor, "transfer.request"):
        raise Forbidden()
    child, _place = _child_for(actor, child_id, now)
    lock_children([child.id])  # the child's commands queue (the lock order)
    child, place = _child_for(actor, child_id, now)
    slot = db.session.get(Slot, slot_id)
    if slot is None:
        raise NotFound()
    a, b = place.slot.centre_id, slot.centre_id
    op, op_b = current_operator(a), current_operator(b)
    if a == b:
        raise Conflict(_("孩子已在该机构在读，转园须转到同一举办者的另一家机构"))
    if op is None or op_b is None or op_b.id != op.id:
        raise Conflict(_("只能转到同一举办者目前运营的另一家机构"))
    if slot.centre.filing is None or slot.centre.filing.status != "approved":
        raise Conflict(_("该机构目前不接受预约"))
    check_band(slot.age_band, slot.starts_on, child)
    starts_on = starts_on or max(slot.starts_on, local_date(now))
    if starts_on < slot.starts_on or starts_on < local_date(now):
        raise ValidationFailed(errors={"starts_on": [_(
            "转园日期不能早于该托位的开始日期（%(d)s）或今天", d=slot.starts_on.isoformat())]})
    if db.session.scalar(select(OperatorTransfer.id).where(
            OperatorTransfer.child_id == child.id, OperatorTransfer.status == REQUESTED)):
        raise Conflict(_("%(name)s 已有一个待审批的转园申请", name=child.name))
    t = OperatorTransfer(child_id=child.id, operator_id=op.id, from_reservation_id=place.id,
                         from_centre_id=a, slot_id=slot.id, to_centre_id=b,
                         starts_on=starts_on, status=REQUESTED, requested_by=actor.id,
                         requested_at=now)
    db.session.add(t)
    try:
        db.session.flush()
    except IntegrityError:  # the partial unique index: another request won the race
        raise Conflict(_("%(name)s 已有一个待审批的转园申请", name=child.name)) from None
    for centre_id in (a, b):
        record("operator.transfer_requested", t, actor=actor, centre_id=centre_id,
               after={"child_id": child.id, "from_centre_id": a, "slot_id": slot.id,
                      "starts_on": starts_on})
    db.session.commit()
    return t


def decidable(actor, transfer_id: int) -> OperatorTransfer:
    """A transfer of the operator `actor` is 运营负责人 of (the operator reach: for anyone
    else it does not exist, 404, docs/permissions.md)."""
    t = visible(actor, transfer_id)
    if not allowed(actor, "transfer.decide") or not _manages(actor, t):
        raise NotFound()
    return t


def _open(actor, transfer_id: int, action: str, now) -> tuple[OperatorTransfer, Child]:
    """The transfer, its child locked (the lock order's first step), still open."""
    t = decidable(actor, transfer_id) if action == "transfer.decide" \
        else visible(actor, transfer_id)
    if not allowed(actor, action):
        raise Forbidden()
    lock_children([t.child_id])
    db.session.refresh(t)
    if t.status != REQUESTED:
        raise Conflict(_("该转园申请已处理（%(s)s）", s=status_label(t.status)))
    return t, t.child


def _tell(t: OperatorTransfer, actor, **extra) -> None:
    for guardian_id in children.guardians_of(t.child_id):
        if guardian_id != actor.id:
            notify(guardian_id, "transfer_decided", transfer_id=t.id, child=t.child.name,
                   child_id=t.child_id, from_centre=t.from_centre.name,
                   centre=t.to_centre.name, status=t.status,
                   starts_on=t.starts_on.isoformat(), **extra)


@command
def approve(actor, transfer_id: int, now=None) -> OperatorTransfer:
    """The 运营负责人 approves: the child enrolled at B from the start date, its care at A
    ending the day before, in one transaction (the child, then both slots ascending).

    :raises NotFound: outside the scope, or not this operator's manager.
    :raises Conflict: no longer open, the child's place or the centres' operator changed.
    :raises SlotFull: no free place at B (families waiting there are offered first)."""
    now = now or clock_now()
    t, child = _open(actor, transfer_id, "transfer.decide", now)
    ops = {getattr(current_operator(c), "id", None) for c in (t.from_centre_id, t.to_centre_id)}
    if ops != {t.operator_id}:
        raise Conflict(_("两家机构已不都由该举办者运营，不能转园"))
    slots = {s.id: s for s in lock_slots([t.slot_id, t.from_reservation.slot_id])}
    slot, old = slots[t.slot_id], t.from_reservation
    db.session.refresh(old)
    if replacement_for(child, slot, now, transfer=True) != old.id or old.leaves_on is not None:
        raise Conflict(_("%(name)s 的在读托位已变化，请撤回后重新申请", name=child.name))
    if slot.centre.filing is None or slot.centre.filing.status != "approved":
        raise Conflict(_("该机构目前不接受预约"))
    refuse_if_in_round(slot.id)
    tidy(slot, now)
    # Families waiting at B are offered its free places first: a transfer does not jump them.
    if waiting_count(slot.id):
        offer_next(slot, now)
    free = slot.capacity - taken_count(slot.id, now)
    if open_places(slot.id, child.id, free, now) < 1:
        raise kept(SlotFull(_("%(centre)s 的这个托位已满，不能批准转园",
                              centre=slot.centre.name), extra={"slot_id": slot.id}))
    new = Reservation(slot_id=slot.id, child_id=child.id, parent_id=old.parent_id,
                      status=Status.ENROLLED, created_at=now, enrolled_at=now,
                      replaces_id=old.id)
    db.session.add(new)
    db.session.flush()
    record("reservation.enrolled", new, actor=actor, centre_id=slot.centre_id,
           before={"status": None}, after={"status": Status.ENROLLED, "replaced": old.id,
                                           "transfer_id": t.id})
    end_replaced(new, old, slots[old.slot_id], slot, actor, now, starts_on=t.starts_on)
    end_waits_below(new, actor, now)
    t.status, t.decided_by, t.decided_at, t.new_reservation_id = APPROVED, actor.id, now, new.id
    for centre_id in (t.from_centre_id, t.to_centre_id):
        record("operator.transfer_approved", t, actor=actor, centre_id=centre_id,
               before={"status": REQUESTED},
               after={"status": APPROVED, "reservation_id": new.id, "replaced": old.id,
                      "last_day_at_a": (old.leaves_on or t.starts_on - timedelta(days=1))})
    _tell(t, actor)
    db.session.commit()
    return t


@command
def refuse(actor, transfer_id: int, reason: str, now=None) -> OperatorTransfer:
    """The 运营负责人 refuses, with a reason told to the family.

    :raises ValidationFailed: no reason, or one too long."""
    now = now or clock_now()
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValidationFailed(errors={"reason": [
            _("请填写不批准的原因（最多 %(n)s 个字）", n=REASON_MAX)]})
    t, _child = _open(actor, transfer_id, "transfer.decide", now)
    t.status, t.decided_by, t.decided_at, t.reason = REFUSED, actor.id, now, reason
    for centre_id in (t.from_centre_id, t.to_centre_id):
        record("operator.transfer_refused", t, actor=actor, centre_id=centre_id,
               before={"status": REQUESTED}, after={"status": REFUSED}, reason=reason)
    _tell(t, actor, reason=reason)
    db.session.commit()
    return t


@command
def withdraw(actor, transfer_id: int, now=None) -> OperatorTransfer:
    """A guardian (or the director who asked for the family) withdraws an open request."""
    now = now or clock_now()
    t, _child = _open(actor, transfer_id, "transfer.request", now)
    if actor.role == "staff" and t.from_centre_id != actor.centre_id:
        raise NotFound()  # B's director reads it; only A's asks and withdraws for the family
    t.status, t.decided_at = WITHDRAWN, now
    for centre_id in (t.from_centre_id, t.to_centre_id):
        record("operator.transfer_withdrawn", t, actor=actor, centre_id=centre_id,
               before={"status": REQUESTED}, after={"status": WITHDRAWN})
    db.session.commit()
    return t


def status_label(status: str) -> str:
    from .transfer_labels import STATUS_LABELS
    return str(STATUS_LABELS.get(status, status))
