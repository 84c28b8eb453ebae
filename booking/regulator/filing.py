"""The filing workflow (登记备案): 《托育机构登记和备案办法（试行）》 (2019).

draft → submitted → approved | returned (with reasons) → submitted again;
approved → suspended | closed; suspended → approved | closed. Only approved centres are
bookable or listed as open. Every other move is refused.
"""
from flask_babel import gettext as _

from ..audit.services import notify, record
from ..auth.models import User
from ..auth.permissions import can
from ..centres.services import next_filing_number
from ..clock import now as clock_now
from ..clock import today
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..transactions import command
from ..rosters.models import StaffMember
from ..workforce.queries import unqualified_carers
from .closure import end_places
from .jurisdiction import holds_centre
from .labels import FILING_STATUS_LABELS
from .models import Filing

TRANSITIONS = {
    "submit": ({"draft", "returned"}, "submitted"),
    "approve": ({"submitted"}, "approved"),
    "return": ({"submitted"}, "returned"),
    "suspend": ({"approved"}, "suspended"),
    "reinstate": ({"suspended"}, "approved"),
    "close": ({"approved", "suspended"}, "closed"),
}
FIELDS = ("legal_entity_cert_no", "premises", "fire_safety_ref", "health_evaluation_ref",
          "food_licence_ref", "commitment_signed")


def in_jurisdiction(user, filing: Filing) -> bool:
    """A regulator acts on centres of its jurisdiction (jurisdiction.py); admins on all."""
    return holds_centre(user, filing.centre)


def _move(filing: Filing, action: str, actor, **after):
    allowed, target = TRANSITIONS[action]
    if filing.status not in allowed:
        raise Conflict(_("备案状态为“%(s)s”时不能执行此操作",
                         s=FILING_STATUS_LABELS.get(filing.status, filing.status)))
    before = filing.status
    filing.status = target
    record(f"filing.{action}", filing, actor=actor, centre_id=filing.centre_id,
           before={"status": before}, after={"status": target, **after})


@command
def save_draft(filing: Filing, staff, **fields) -> Filing:
    """The centre fills its filing; allowed while draft or returned."""
    if staff.role != "staff" or not can(staff, "centre.filing", filing.centre_id):
        raise NotFound()
    if filing.status not in ("draft", "returned"):
        raise Conflict(_("已提交的备案不能修改；如需变更请联系监管部门"))
    for name in FIELDS:
        if name in fields:
            setattr(filing, name, fields[name])
    record("filing.saved", filing, actor=staff, centre_id=filing.centre_id,
           after={k: fields.get(k) for k in FIELDS if k in fields})
    db.session.commit()
    return filing


def missing_items(filing: Filing) -> dict:
    """What 备案办法 art. 8 asks for that the filing lacks (Aral: staff qualifications too)."""
    missing = {}
    for name, label in (("legal_entity_cert_no", _("法人登记证书编号")), ("premises", _("场地")),
                        ("fire_safety_ref", _("消防验收")), ("health_evaluation_ref", _("卫生评价报告"))):
        if not getattr(filing, name):
            missing[name] = [_("请填写%(what)s", what=label)]
    if not filing.commitment_signed:
        missing["commitment_signed"] = [_("请签署备案承诺书")]
    staff = db.session.scalars(db.select(StaffMember).where(
        StaffMember.centre_id == filing.centre_id, StaffMember.active.is_(True))).all()
    if not staff:
        missing["staff"] = [_("请先登记工作人员及其资格")]
    elif any(not m.health_cert_expires_on or m.health_cert_expires_on < today() for m in staff):
        missing["staff"] = [_("有工作人员的健康合格证缺失或已过期")]
    return missing


@command
def submit(filing_id: int, staff, now=None) -> Filing:
    """:raises ValidationFailed: items missing. :raises Conflict: wrong state."""
    filing = db.session.get(Filing, filing_id)
    if filing is None or staff.role != "staff" or not can(staff, "centre.filing", filing.centre_id):
        raise NotFound()
    if missing := missing_items(filing):
        raise ValidationFailed(_("备案材料不完整"), errors=missing)
    _move(filing, "submit", staff)
    filing.submitted_at, filing.return_reasons = now or clock_now(), None
    db.session.commit()
    return filing


@command
def decide(filing_id: int, regulator, action: str, reasons: str | None = None,
           now=None) -> Filing:
    """Approve (a filing number is issued), return with reasons, suspend, reinstate or close.

    Suspension and closure go through closure handling (closure.py) so that no family is left
    without a notice. :raises NotFound, Conflict, ValidationFailed.
    """
    filing = apply_decision(filing_id, regulator, action, reasons, now)
    db.session.commit()
    return filing


def apply_decision(filing_id: int, regulator, action: str, reasons: str | None = None,
                   now=None) -> Filing:
    """`decide` without the commit: the rules of one decision, flushed only, so that a command
    deciding on several centres at once (operators/closure.py) commits all or none.
    :raises NotFound, Conflict, ValidationFailed."""
    now = now or clock_now()
    filing = db.session.get(Filing, filing_id)
    if filing is None or action not in TRANSITIONS or action == "submit" \
            or not in_jurisdiction(regulator, filing):
        raise NotFound()
    if action in ("return", "suspend", "close") and not (reasons and reasons.strip()):
        raise ValidationFailed(errors={"reasons": [_("请说明理由")]})
    if action == "approve" and (unqualified := unqualified_carers(filing.centre_id)):
        # Aral: the filing requires each carer's qualification (docs/workforce.md).
        msg = _("有 %(num)d 名在职保育人员没有有效的资格证书，不能批准备案", num=unqualified)
        raise Conflict(msg, errors={"staff": [msg]},
                       extra={"unqualified_carers": unqualified})
    if action == "approve" and not filing.filing_number:
        filing.filing_number = next_filing_number(filing.centre.district)
    _move(filing, action, regulator, reasons=reasons, filing_number=filing.filing_number)
    filing.decided_at, filing.decided_by = now, regulator.id
    if action == "return":
        filing.return_reasons = reasons.strip()
    if action in ("suspend", "close"):
        end_places(filing.centre, regulator, reasons.strip(), now)
    for staff_id in db.session.scalars(db.select(User.id).where(
            User.centre_id == filing.centre_id)):
        notify(staff_id, "filing_decided", action=action, status=filing.status,
               reasons=reasons or "")
    db.session.flush()
    return filing
