"""核验并确认入托: the director checks the intake form against the paper and confirms the
place in one step, so a verified check never waits for a second visit to another page (and
a confirmation never runs on a check nobody looked at)."""
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.permissions import allowed
from ..clock import now as clock_now
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..health.models import HealthCheck
from ..health.services import mark_verified, staff_may_act
from ..places.locking import lock_children
from ..slots.models import Slot
from ..transactions import command
from . import enrolment
from .models import Reservation, held_at


def hold_to_confirm(child_id: int, centre_id: int, now) -> Reservation | None:
    """The child's live hold at the centre (one child, one place: at most one), or None."""
    return db.session.scalars(select(Reservation).join(Slot).where(
        Reservation.child_id == child_id, Slot.centre_id == centre_id, held_at(now))
        .order_by(Reservation.id.desc()).limit(1)).first()


def covers(check: HealthCheck, slot: Slot) -> str | None:
    """Why this check, once verified, would not let the place start (None: it would);
    the same rule as health.services.has_valid_health_check, said in words."""
    if check.result != "pass":
        return _("体检结论不是合格，不能确认入托")
    if not check.vaccination_verified:
        return _("预防接种证未查验，不能确认入托")
    if not (check.examined_on <= slot.starts_on <= check.valid_until):
        return _("这份体检在入托日期 %(d)s 已失效（有效期至 %(v)s）",
                 d=slot.starts_on.isoformat(), v=check.valid_until.isoformat())
    return None


@command
def verify_and_enrol(check_id: int, staff, now=None) -> Reservation:
    """Verify a submitted check and confirm the child's hold at the staff's centre in ONE
    transaction: both, or (when anything refuses) neither. A check the examining institution
    signed (source `institution`) is verified already: the hold is confirmed on it.

    Everything that can be known beforehand is checked before anything is written, so the
    refusal names the real reason; the rest (the hold lapsing meanwhile, the transfer rules)
    is enrolment.confirm's, whose refusal rolls back the verification too (@command).

    :raises NotFound: not a child their centre holds a place for. :raises Forbidden: staff
        who may not confirm enrolments (the director's). :raises Conflict: the check is not
        submitted (nor signed by its institution), there is no live hold to confirm, or the check would not cover its start.
    """
    now = now or clock_now()
    check = db.session.get(HealthCheck, check_id)
    if check is None or not staff_may_act(staff, check.child_id, now, "health_record.verify"):
        raise NotFound()
    if not allowed(staff, "reservation.confirm"):
        raise Forbidden(_("只有负责人可以确认入托"))
    # A check the examining institution signed is verified at its source (docs/exams.md):
    # the centre confirms on it without verifying it again.
    signed_at_source = check.source == "institution" and check.status == "verified"
    if check.status != "submitted" and not signed_at_source:
        raise Conflict(_("该体检记录已核验") if check.status == "verified"
                       else _("该体检记录已退回家长，请等家长重新提交"))
    hold = hold_to_confirm(check.child_id, staff.centre_id, now)
    if hold is None:
        raise Conflict(_("孩子在本机构没有保留中的托位，无法确认入托；只核验体检即可"))
    problem = covers(check, hold.slot)
    if problem:
        raise Conflict(problem)
    # The lock order (docs/design.md, Lock order): the child first, before this
    # transaction's first other write; confirm takes it again (a no-op) and then the slots.
    lock_children([check.child_id])
    db.session.refresh(check)
    if not signed_at_source:
        mark_verified(check, staff, now)
    return enrolment.confirm(hold.id, staff, now)
