"""The centre's review of an intake check (入托体检核验): returning it to the family with a
reason, so they can upload a corrected one (verifying is `services.verify`; verifying and
enrolling in one step is `reservations.intake.verify_and_enrol`)."""
from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.models import AuditEvent
from ..audit.services import notify, record
from ..children import services as children
from ..clock import now as clock_now
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..transactions import command
from .models import HealthCheck
from .services import staff_may_act

REASON_MAX = 400


@command
def return_check(check_id: int, staff, reason: str | None, now=None) -> HealthCheck:
    """Staff of a centre holding a place for the child send a submitted check back (退回):
    it becomes `rejected`, so it no longer counts towards the start (intake_readiness skips
    it) and the family is asked to upload again. The reason is required: the family must
    know what to fix, and the audit log keeps it.

    :raises NotFound: not a child their centre holds a place for.
    :raises ValidationFailed: (field `reason`) empty or too long.
    :raises Conflict: not submitted (verified already, or returned already).
    """
    now = now or clock_now()
    check = db.session.get(HealthCheck, check_id)
    if check is None or not staff_may_act(staff, check.child_id, now, "health_record.verify"):
        raise NotFound()
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(errors={"reason": [_("请写明退回原因，家长需要知道要改什么")]})
    if len(text) > REASON_MAX:
        raise ValidationFailed(errors={"reason": [_("最多 %(n)s 个字", n=REASON_MAX)]})
    if check.status != "submitted":
        raise Conflict(_("该体检记录已核验") if check.status == "verified"
                       else _("该体检记录已退回家长"))
    check.status = "rejected"
    record("health_check.returned", check, actor=staff, centre_id=staff.centre_id,
           reason=text, before={"status": "submitted"}, after={"status": "rejected"})
    for guardian_id in children.guardians_of(check.child_id):
        notify(guardian_id, "health_check_returned", check_id=check.id, reason=text,
               child=check.child.name, child_id=check.child_id)
    db.session.commit()
    return check


def return_reason(check: HealthCheck) -> str | None:
    """Why the centre returned the check (the reason its audit event keeps), or None."""
    if check.status != "rejected":
        return None
    return db.session.scalar(select(AuditEvent.reason).where(
        AuditEvent.entity_type == HealthCheck.__tablename__, AuditEvent.entity_id == check.id,
        AuditEvent.action == "health_check.returned").order_by(AuditEvent.id.desc()).limit(1))
