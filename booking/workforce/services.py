"""Workforce commands: training hours (docs/workforce.md). The ID number is in identity.py.
Each command commits once, with its audit event."""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from ..audit.services import record
from ..auth.permissions import can
from ..clock import today
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..rosters.models import StaffMember
from ..transactions import command
from .models import TrainingRecord


def staff_for(user, staff_id: int, action: str) -> StaffMember:
    """The staff record if `user` may do `action` at its centre; 404 otherwise (a centre's
    staff list is nobody else's business)."""
    staff = db.session.get(StaffMember, staff_id)
    if staff is None or not can(user, action, staff.centre):
        raise NotFound()
    return staff


@command
def record_training(staff_id: int, *, on_date: date, hours, topic: str,
                    actor=None) -> TrainingRecord:
    """Record hours of training for one staff member (the centre's own record).

    :raises NotFound: no such staff record.
    :raises ValidationFailed: hours not above 0 (or above 24 a day), a date in the future,
        no topic.
    """
    staff = db.session.get(StaffMember, staff_id)
    if staff is None:
        raise NotFound()
    errors = {}
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not Decimal(0) < hours <= 24:
        errors["hours"] = [_("学时应大于 0，且一天不超过 24")]
    if on_date is None or on_date > today():
        errors["on_date"] = [_("培训日期不能晚于今天")]
    topic = (topic or "").strip()
    if not topic:
        errors["topic"] = [_("请填写培训内容")]
    if errors:
        raise ValidationFailed(errors=errors)
    rec = TrainingRecord(staff_member_id=staff.id, on_date=on_date, hours=hours,
                         topic=topic[:120], recorded_by=getattr(actor, "id", None))
    db.session.add(rec)
    record("staff.training_recorded", staff, actor=actor, centre_id=staff.centre_id,
           after={"on_date": on_date, "hours": str(hours), "topic": rec.topic})
    db.session.commit()
    return rec
