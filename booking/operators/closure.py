"""Suspending or closing every centre an operator runs in the regulator's scope at once
(docs/operators.md). Each centre goes through the filing's own decision
(`regulator.filing.apply_decision`: its rules, its closure cases, notices and refunds), all
in one transaction: every centre or none."""
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..audit.services import record
from ..centres.models import Centre
from ..clock import now as clock_now
from ..clock import today
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..places.locking import lock_slots
from ..regulator.closure import affected
from ..regulator.filing import TRANSITIONS, apply_decision
from ..regulator.models import Filing
from ..slots.models import Slot
from ..transactions import command
from .models import Operator
from .queries import links_in_scope, operator_for

ACTIONS = ("suspend", "close")
AUDIT = {"suspend": "operator.centres_suspended", "close": "operator.centres_closed"}


def targets(user, operator_id: int, action: str) -> list[Centre]:
    """The centres the action would reach: run by the operator now, in `user`'s scope, and
    with a filing whose state allows the action."""
    sources = TRANSITIONS[action][0]
    centres = [link.centre for link in links_in_scope(user, operator_id, current_only=True)]
    return [c for c in centres if c.filing is not None and c.filing.status in sources]


def affected_all(centres) -> dict[str, int]:
    """What the action would end, summed over the centres (as the single decision shows)."""
    total = {"enrolled": 0, "held": 0, "families": 0}
    for c in centres:
        for k, v in affected(c.id).items():
            total[k] += v
    return total


@command
def decide_all(operator_id: int, regulator, action: str, reasons: str | None,
               effective_on=None, understood: bool = False, now=None) -> list[Filing]:
    """Suspend or close every centre the operator runs in the regulator's scope.

    The decision takes effect at once, as a single centre's does, so `effective_on` must be
    today. :raises NotFound: the operator is outside the scope. :raises ValidationFailed: no
    reason, another day, families affected and not confirmed. :raises Conflict: no centre to
    act on, or one centre's decision refused (then nothing is done)."""
    now = now or clock_now()
    op = operator_for(regulator, operator_id)
    errors = {}
    if action not in ACTIONS:
        errors["action"] = [_("请选择暂停或注销")]
    if not (reasons and reasons.strip()):
        errors["reasons"] = [_("请说明理由")]
    if effective_on is not None and effective_on != today():
        errors["effective_on"] = [_("暂停或注销即日生效：生效日期应为今天")]
    if errors:
        raise ValidationFailed(errors=errors)
    # The operator's row first: two decisions across one operator queue here.
    db.session.execute(update(Operator).where(Operator.id == op.id)
                       .values(version=Operator.version + 1)
                       .execution_options(synchronize_session=False))
    centres = targets(regulator, op.id, action)
    if not centres:
        raise Conflict(_("该举办者在您辖区内没有可执行此操作的机构"))
    families = affected_all(centres)["families"]
    if families and not understood:
        raise ValidationFailed(errors={"understood": [
            _("暂停或注销会结束 %(n)s 个家庭的托位，请勾选确认", n=families)]})
    # Every slot of every centre, in ascending id (docs/design.md, Lock order), before any
    # centre's places end.
    lock_slots(db.session.scalars(select(Slot.id).where(
        Slot.centre_id.in_([c.id for c in centres]))))
    decided = [apply_decision(c.filing.id, regulator, action, reasons, now)
               for c in sorted(centres, key=lambda c: c.id)]
    record(AUDIT[action], op,
           actor=regulator, reason=reasons.strip(),
           after={"centres": [c.id for c in centres], "effective_on": today()})
    db.session.commit()
    return decided


