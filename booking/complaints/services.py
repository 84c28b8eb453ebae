"""The rules of a complaint, from filing to outcome (docs/complaints.md).

received → centre_asked → answered → closed; a regulator may close from any open state (a
complaint plainly outside the rules needs no account from the centre). Each command is one
transaction with its audit event; a refusal leaves nothing changed.
Neither the body nor the contact is written into the audit log: the events carry only what
the trail needs (category, deadlines, outcome).
"""
import re
import secrets

from flask_babel import gettext as _
from sqlalchemy import update

from ..audit.services import notify, record
from ..auth.recipients import directors_of, regulators_of
from ..centres.models import Centre
from ..clock import now, today
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..regulator.inspections import open_inspection
from ..regulator.jurisdiction import holds
from ..regulator.workdays import deadline
from ..transactions import command
from .models import ACCOUNT_DAYS, ANSWER_DAYS, BODY_MAX, CATEGORIES, OUTCOMES, Complaint

PHONE = re.compile(r"^\+?[0-9][0-9 \-]{6,19}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CONTACT_MAX = 120


def _text(value, field, errors, *, required=True, limit=BODY_MAX):
    value = (value or "").strip()
    if required and not value:
        errors[field] = [_("必填")]
    elif len(value) > limit:
        errors[field] = [_("最多 %(n)s 个字符", n=limit)]
    return value or None


def _contact(value, errors, required):
    value = (value or "").strip()
    if not value:
        if required:
            errors["contact"] = [_("匿名投诉请留下手机号或邮箱，以便告知处理结果")]
        return None
    if len(value) > CONTACT_MAX or not (PHONE.match(value) or EMAIL.match(value)):
        errors["contact"] = [_("请填写有效的手机号或邮箱")]
    return value


@command
def file_complaint(centre_id: int, *, category, body, contact=None, anonymous=False,
                   user=None) -> Complaint:
    """A complaint about a centre, by anyone (Xi'an §17). Without an account, or when the
    complainant chooses anonymity, a contact is required and no account is tied to it.
    :raises NotFound: no such centre. :raises ValidationFailed: bad category, body or contact.
    """
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        raise NotFound()
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    anonymous = bool(anonymous) or not signed_in
    errors = {}
    if category not in CATEGORIES:
        errors["category"] = [_("请选择投诉类别")]
    body = _text(body, "body", errors)
    contact = _contact(contact, errors, required=anonymous)
    if errors:
        raise ValidationFailed(errors=errors)
    due_on, provisional = deadline(today(), ANSWER_DAYS)
    complaint = Complaint(
        centre_id=centre.id, district_id=centre.district_id, category=category, body=body,
        complainant_user_id=None if anonymous else user.id, anonymous=anonymous,
        contact=contact, tracking_code=secrets.token_urlsafe(9), status="received",
        received_at=now(), due_on=due_on, provisional=provisional)
    db.session.add(complaint)
    event = record("complaint.filed", complaint, centre_id=centre.id,
                   actor=None if anonymous else user,
                   after={"category": category, "anonymous": anonymous, "due_on": due_on,
                          "provisional": provisional})
    if anonymous:
        event.actor_id = None  # an anonymous complaint names nobody, not even in the log
    for uid in regulators_of(centre.district):
        notify(uid, "complaint_received", complaint_id=complaint.id, centre=centre.name,
               category=category, due_on=due_on.isoformat())
    db.session.commit()
    return complaint


def for_regulator(complaint_id: int, user) -> Complaint:
    """:raises NotFound: no such complaint, or outside `user`'s jurisdiction."""
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or not holds(user, complaint.district):
        raise NotFound()
    return complaint


def for_centre(complaint_id: int, user) -> Complaint:
    """A complaint the centre has been asked about. :raises NotFound: another centre's, or one
    the regulator has not yet passed on (the centre learns of it only when asked)."""
    complaint = db.session.get(Complaint, complaint_id)
    if (complaint is None or user.centre_id is None or complaint.centre_id != user.centre_id
            or complaint.asked_at is None):
        raise NotFound()
    return complaint


def _lock(complaint_id: int) -> None:
    """Write the complaint's row first (a no-op change that takes its lock), so two officers
    acting on one complaint at once are serialised by the database and the second sees the
    first's status: on PostgreSQL the row lock, on SQLite the database's write lock."""
    db.session.execute(update(Complaint).where(Complaint.id == complaint_id)
                       .values(status=Complaint.status)
                       .execution_options(synchronize_session=False))
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is not None:
        db.session.refresh(complaint)


def _refuse_unless(complaint, *statuses):
    if complaint.status not in statuses:
        raise Conflict(_("投诉当前状态不允许此操作"))


@command
def ask_centre(complaint_id: int, regulator) -> Complaint:
    """Ask the centre for its account, due in ACCOUNT_DAYS working days.
    :raises NotFound: outside the jurisdiction. :raises Conflict: not newly received."""
    _lock(complaint_id)
    complaint = for_regulator(complaint_id, regulator)
    _refuse_unless(complaint, "received")
    complaint.account_due_on, provisional = deadline(today(), ACCOUNT_DAYS)
    complaint.provisional = complaint.provisional or provisional
    complaint.status, complaint.asked_at = "centre_asked", now()
    record("complaint.centre_asked", complaint, actor=regulator, centre_id=complaint.centre_id,
           before={"status": "received"},
           after={"status": "centre_asked", "account_due_on": complaint.account_due_on})
    for uid in directors_of(complaint.centre_id):
        notify(uid, "complaint_account_requested", complaint_id=complaint.id,
               centre=complaint.centre.name, category=complaint.category,
               due_on=complaint.account_due_on.isoformat())
    db.session.commit()
    return complaint


@command
def submit_account(complaint_id: int, staff, text) -> Complaint:
    """The centre's account of what happened. :raises NotFound: another centre's.
    :raises Conflict: not awaiting an account. :raises ValidationFailed: empty or too long."""
    _lock(complaint_id)
    complaint = for_centre(complaint_id, staff)
    _refuse_unless(complaint, "centre_asked")
    errors = {}
    text = _text(text, "account", errors)
    if errors:
        raise ValidationFailed(errors=errors)
    complaint.account, complaint.answered_at, complaint.answered_by = text, now(), staff.id
    complaint.status = "answered"
    record("complaint.answered", complaint, actor=staff, centre_id=complaint.centre_id,
           before={"status": "centre_asked"}, after={"status": "answered"})
    db.session.commit()
    return complaint


@command
def close(complaint_id: int, regulator, *, outcome, text, inspect=False) -> Complaint:
    """Record the outcome; an upheld (or partly upheld) complaint may open an inspection.
    :raises NotFound: outside the jurisdiction. :raises Conflict: already closed.
    :raises ValidationFailed: bad outcome or text, or an inspection for one not upheld."""
    _lock(complaint_id)
    complaint = for_regulator(complaint_id, regulator)
    _refuse_unless(complaint, "received", "centre_asked", "answered")
    errors = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [_("请选择处理结果")]
    text = _text(text, "text", errors)
    if inspect and outcome == "not_upheld":
        errors["open_inspection"] = [_("投诉不成立时不启动检查")]
    if errors:
        raise ValidationFailed(errors=errors)
    before = complaint.status
    complaint.status, complaint.outcome, complaint.outcome_text = "closed", outcome, text
    complaint.closed_at, complaint.closed_by = now(), regulator.id
    if inspect:
        complaint.inspection = open_inspection(
            complaint.centre_id, regulator,
            findings=_("因投诉启动的检查，待现场检查评分"))
    db.session.flush()
    record("complaint.closed", complaint, actor=regulator, centre_id=complaint.centre_id,
           before={"status": before},
           after={"status": "closed", "outcome": outcome,
                  "inspection_id": complaint.inspection_id})
    if complaint.complainant_user_id is not None:
        notify(complaint.complainant_user_id, "complaint_closed", complaint_id=complaint.id,
               centre=complaint.centre.name, outcome=outcome, code=complaint.tracking_code)
    db.session.commit()
    return complaint
