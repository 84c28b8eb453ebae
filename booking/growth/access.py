"""Who reaches a child's health notes and growth (docs/growth.md, "Who sees what").

Its guardians, and the staff of a centre caring for it now (a live enrolment, the child in
care) whose staff role may do the action (auth/permissions.py: director, carer, health worker
read; director and health worker write). Everyone else, another family, another centre's
staff, is answered as if the child did not exist (404). Regulators' role has no access at all:
the table refuses them before any child is looked up (403), and the services answer 404 to any
account that is neither guardian nor care staff.
"""
from sqlalchemy import select

from ..audit.services import record_many
from ..auth.permissions import can
from ..children import services as children
from ..children.models import Child
from ..clock import now as clock_now
from ..errors import NotFound
from ..extensions import db
from ..reservations.models import Reservation, in_care_at
from ..slots.models import Slot


def caring_centres(child_id: int, now=None) -> list[int]:
    """Centres with the child in care now (an enrolment whose leaving day has not passed)."""
    return list(db.session.scalars(select(Slot.centre_id).join(Reservation).where(
        Reservation.child_id == child_id, in_care_at(now or clock_now())).distinct()))


def staff_reaches(user, child_id: int, action: str, now=None) -> bool:
    """A staff account whose role may do `action`, at a centre caring for the child."""
    return (user.role == "staff" and can(user, action, user.centre_id)
            and user.centre_id in caring_centres(child_id, now))


def child_for(user, child_id: int, action: str, now=None) -> Child:
    """The child, for a guardian or for staff reaching it with `action`.

    :raises NotFound: anyone else, no such child, or one anonymised.
    """
    child = db.session.get(Child, child_id)
    if child is None or child.anonymised_at is not None or not (
            (user.role == "parent" and can(user, action) and children.is_guardian(user, child_id))
            or staff_reaches(user, child_id, action, now)):
        raise NotFound()
    return child


def log_staff_reads(user, action: str, child_ids, *, where: str) -> None:
    """One audit event per child whose health data a staff member was shown (PIPL: sensitive
    personal information; the same as health_check.read). Guardians' reads are not logged.
    Only flushes: the caller commits."""
    if user is None or user.role != "staff":
        return
    record_many([{"action": action, "entity_type": Child.__tablename__, "entity_id": cid,
                  "centre_id": user.centre_id, "actor_id": user.id, "after": {"where": where}}
                 for cid in sorted(set(child_ids))])
