"""The rules of a change filing (变更备案), from filing to decision (docs/changes.md).

submitted → approved | returned (with a reason; the centre corrects and files again) |
rejected (with a reason). One open change per centre. Each command is one transaction with
its audit event; a refusal leaves nothing changed. An approved change writes its new values
into the centre's record, so the public disclosure follows it, and stays as its history.
"""
import json

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import notify, record
from ..auth.permissions import can
from ..auth.recipients import directors_of
from ..centres.models import Centre
from ..clock import now, today
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..regulator.jurisdiction import holds
from ..regulator.workdays import deadline
from ..transactions import command
from .models import FIELDS, NOTE_MAX, NOTICE_DAYS, OPEN, RECORD_DAYS, CentreChange

LIMITS = {"address": 200, "manager": 60, "scope": 200, "opening_hours": 40}
MAX_PLACES = 2000


def current_values(centre: Centre) -> dict:
    """The centre's record as a change shows it ("current value")."""
    return {key: ("" if getattr(centre, col) is None else str(getattr(centre, col)))
            for key, col in FIELDS.items()}


def _clean(values: dict, centre: Centre, errors: dict) -> dict:
    """The fields the change asks to alter, each {"old", "new"}; a field left empty or equal to
    the record's value is not part of the change."""
    old, items = current_values(centre), {}
    for key in FIELDS:
        raw = values.get(key)
        new = "" if raw is None else str(raw).strip()
        if not new or new == old[key]:
            continue
        if key == "capacity":
            if not (new.isascii() and new.isdigit()) or not 0 < int(new) <= MAX_PLACES:
                errors[key] = [_("托位数应为 1 到 %(n)s 之间的整数", n=MAX_PLACES)]
                continue
            new = str(int(new))
        elif len(new) > LIMITS[key]:
            errors[key] = [_("最多 %(n)s 个字符", n=LIMITS[key])]
            continue
        items[key] = {"old": old[key], "new": new}
    if not items and not errors:
        errors["fields"] = [_("请至少填写一项与现有记录不同的变更")]
    return items


def _materials(text, errors) -> str | None:
    text = (text or "").strip()
    if not text:
        errors["materials"] = [_("请列出随变更提交的材料")]
    elif len(text) > NOTE_MAX:
        errors["materials"] = [_("最多 %(n)s 个字符", n=NOTE_MAX)]
    return text or None


def _own_centre(centre_id: int, staff) -> Centre:
    centre = db.session.get(Centre, centre_id)
    if centre is None or staff.role != "staff" or not can(staff, "centre.filing", centre_id):
        raise NotFound()
    return centre


def _stamp(change: CentreChange) -> None:
    """Receipt today; the two deadlines counted in Chinese working days from it."""
    change.received_on, change.submitted_at = today(), now()
    change.record_due_on, p1 = deadline(change.received_on, RECORD_DAYS)
    change.notice_due_on, p2 = deadline(change.received_on, NOTICE_DAYS)
    change.provisional = p1 or p2


@command
def file_change(centre_id: int, staff, *, values: dict, materials) -> CentreChange:
    """The director files a change. :raises NotFound: not the director's centre.
    :raises ValidationFailed: nothing changed, bad value, no materials.
    :raises Conflict: the centre already has an open change."""
    centre = _own_centre(centre_id, staff)
    errors = {}
    items = _clean(values, centre, errors)
    materials = _materials(materials, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    # The centre's row taken first: two directors filing at once are serialised here.
    db.session.execute(update(Centre).where(Centre.id == centre_id).values(name=Centre.name)
                       .execution_options(synchronize_session=False))
    if db.session.scalar(select(CentreChange.id).where(
            CentreChange.centre_id == centre_id, CentreChange.status.in_(OPEN))):
        raise Conflict(_("本机构已有一项未办结的变更备案"))
    change = CentreChange(centre_id=centre_id, district_id=centre.district_id, status="submitted",
                          items=json.dumps(items, ensure_ascii=False), materials=materials,
                          submitted_by=staff.id)
    _stamp(change)
    db.session.add(change)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(_("本机构已有一项未办结的变更备案")) from None
    record("centre_change.submitted", change, actor=staff, centre_id=centre_id,
           after={"fields": sorted(items), "record_due_on": change.record_due_on,
                  "notice_due_on": change.notice_due_on, "provisional": change.provisional})
    db.session.commit()
    return change


def _lock(change_id: int) -> None:
    """Write the change's row first (a no-op that takes its lock), so two officers deciding at
    once are serialised by the database and the second sees the first's decision."""
    db.session.execute(update(CentreChange).where(CentreChange.id == change_id)
                       .values(status=CentreChange.status)
                       .execution_options(synchronize_session=False))
    change = db.session.get(CentreChange, change_id)
    if change is not None:
        db.session.refresh(change)


@command
def resubmit(change_id: int, staff, *, values: dict, materials) -> CentreChange:
    """The centre corrects a returned change and files it again (a new receipt, new deadlines).
    :raises NotFound, Conflict (not returned), ValidationFailed."""
    _lock(change_id)
    change = for_centre(change_id, staff)
    if change.status != "returned":
        raise Conflict(_("只有被退回的变更备案可以重新提交"))
    errors = {}
    items = _clean(values, change.centre, errors)
    materials = _materials(materials, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    change.items, change.materials, change.status = (
        json.dumps(items, ensure_ascii=False), materials, "submitted")
    _stamp(change)
    record("centre_change.submitted", change, actor=staff, centre_id=change.centre_id,
           before={"status": "returned"},
           after={"fields": sorted(items), "record_due_on": change.record_due_on,
                  "notice_due_on": change.notice_due_on, "provisional": change.provisional})
    db.session.commit()
    return change


def for_regulator(change_id: int, user) -> CentreChange:
    """:raises NotFound: no such change, or outside `user`'s jurisdiction."""
    change = db.session.get(CentreChange, change_id)
    if change is None or not holds(user, change.district):
        raise NotFound()
    return change


def for_centre(change_id: int, user) -> CentreChange:
    """:raises NotFound: another centre's change."""
    change = db.session.get(CentreChange, change_id)
    if change is None or user.centre_id is None or change.centre_id != user.centre_id:
        raise NotFound()
    return change


@command
def decide(change_id: int, regulator, action: str, reason=None) -> CentreChange:
    """approve | return | reject. Approval writes the new values into the centre's record.
    :raises NotFound: outside the jurisdiction or no such action. :raises Conflict: decided
    already. :raises ValidationFailed: a return or refusal without its reason."""
    target = {"approve": "approved", "return": "returned", "reject": "rejected"}.get(action)
    _lock(change_id)
    change = for_regulator(change_id, regulator)
    if target is None:
        raise NotFound()
    if change.status != "submitted":
        raise Conflict(_("该变更备案已经办理"))
    reason = (reason or "").strip() or None
    if target != "approved" and reason is None:
        raise ValidationFailed(errors={"reason": [_("请说明理由")]})
    if reason is not None and len(reason) > NOTE_MAX:
        raise ValidationFailed(errors={"reason": [_("最多 %(n)s 个字符", n=NOTE_MAX)]})
    centre, items = change.centre, change.changes
    if target == "approved":
        for key, item in items.items():
            new = item["new"]
            setattr(centre, FIELDS[key], int(new) if key == "capacity" else new)
    change.status, change.reason = target, reason
    change.decided_at, change.decided_by = now(), regulator.id
    record(f"centre_change.{target}", change, actor=regulator, centre_id=centre.id,
           before={"status": "submitted"},
           after={"status": target, "changes": items if target == "approved" else None},
           reason=reason)
    for uid in directors_of(centre.id):
        notify(uid, "centre_change_decided", change_id=change.id, centre=centre.name,
               status=target, reason=reason or "")
    db.session.commit()
    return change
