"""The district regulator's decision on a submitted claim (docs/subsidies.md, Review and
anomalies): approve (the whole total or less), return with a reason, or reject with a reason.

Each decision writes the claim's row first (`lock_claim`), so two regulators deciding one
claim at once are serialised by the database and the second is refused (409). A claim with
anomalies is approved only with their explicit acknowledgement. Outside the regulator's
jurisdiction a claim is answered as missing (404); other roles are refused (403).
"""
from flask_babel import gettext as _

from ..audit.services import notify, record
from ..auth.recipients import directors_of
from ..clock import now
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..regulator.jurisdiction import holds_centre
from ..transactions import command
from . import anomalies as anomaly_rules
from .models import SubsidyClaim, lock_claim

REASON_MAX = 2000
DECIDERS = ("regulator", "admin")


def for_regulator(claim_id: int, user) -> SubsidyClaim:
    """:raises Forbidden: not a regulator or admin. :raises NotFound: no such claim, or its
    centre outside `user`'s jurisdiction."""
    if getattr(user, "role", None) not in DECIDERS:
        raise Forbidden()
    claim = db.session.get(SubsidyClaim, claim_id)
    if claim is None or not holds_centre(user, claim.centre):
        raise NotFound()
    return claim


def _decidable(claim_id: int, user) -> SubsidyClaim:
    if getattr(user, "role", None) not in DECIDERS:
        raise Forbidden()
    lock_claim(claim_id)
    claim = for_regulator(claim_id, user)
    if claim.status != "submitted":
        raise Conflict(_("只有已提交的申报可以审核"))
    return claim


def _reason(reason) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(errors={"reason": [_("请说明理由")]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(errors={"reason": [_("最多 %(n)s 个字符", n=REASON_MAX)]})
    return reason


def _decide(claim: SubsidyClaim, regulator, action: str, *, reason=None, amount_fen=None):
    status = action.rsplit(".", 1)[1]
    before = claim.status
    claim.status, claim.decided_at, claim.decided_by = status, now(), regulator.id
    claim.decision_reason, claim.approved_fen = reason, amount_fen
    record(action, claim, actor=regulator, centre_id=claim.centre_id,
           before={"status": before},
           after={"status": status, "month": claim.month, "total_fen": claim.total_fen,
                  "approved_fen": amount_fen}, reason=reason)
    for uid in directors_of(claim.centre_id):
        notify(uid, "subsidy_claim_decided", claim_id=claim.id, centre=claim.centre.name,
               month=claim.month, status=status, total_fen=claim.total_fen,
               approved_fen=amount_fen, reason=reason or "")
    db.session.commit()
    return claim


@command
def approve(claim_id: int, regulator, amount_fen=None, *,
            acknowledge_anomalies: bool = False) -> SubsidyClaim:
    """Approve `amount_fen` (default: the claim's total; never more, never negative).
    :raises Conflict: not submitted, or anomalies not acknowledged (listed in `anomalies`).
    :raises ValidationFailed: a bad amount."""
    claim = _decidable(claim_id, regulator)
    if amount_fen is None or amount_fen == "":
        amount_fen = claim.total_fen
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise ValidationFailed(errors={"amount_fen": [_("请填写金额")]})
    if amount_fen < 0 or amount_fen > claim.total_fen:
        raise ValidationFailed(errors={"amount_fen": [_(
            "核准金额须在 0 到申报总额 %(total)s 元之间", total=f"{claim.total_fen / 100:,.2f}")]})
    found = anomaly_rules.for_claim(claim)
    if found and not acknowledge_anomalies:
        raise Conflict(_("该申报有 %(n)s 项异常，请逐项核实并确认后再核准", n=len(found)),
                       extra={"anomalies": [a.as_dict() for a in found]})
    return _decide(claim, regulator, "subsidy_claim.approved", amount_fen=amount_fen)


@command
def return_claim(claim_id: int, regulator, reason) -> SubsidyClaim:
    """Return the claim to the centre for correction. :raises ValidationFailed: no reason."""
    claim = _decidable(claim_id, regulator)
    return _decide(claim, regulator, "subsidy_claim.returned", reason=_reason(reason))


@command
def reject(claim_id: int, regulator, reason) -> SubsidyClaim:
    """Reject the claim (final). :raises ValidationFailed: no reason."""
    claim = _decidable(claim_id, regulator)
    return _decide(claim, regulator, "subsidy_claim.rejected", reason=_reason(reason))
