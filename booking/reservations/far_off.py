"""A far-off start's hold kept until its intake check is due (docs/domain.md, "Holds for
far-off starts"; the deadlines are health/deadlines.py's).

The family takes this step; a hold is never lengthened by itself, so the contract's
`TUOWEI_HOLD_TTL_SECONDS` stays what a new hold lasts (docs/api.md)."""
from flask_babel import gettext as _

from ..audit.services import record
from ..clock import now as clock_now
from ..errors import Conflict
from ..extensions import db
from ..health.deadlines import FarOff, far_off
from ..transactions import command
from .choices import _mine
from .models import Reservation


def keepable(r: Reservation, slot, now=None) -> FarOff | None:
    """The far-off deadlines of a live hold that may still be kept longer, else None."""
    deadlines = far_off(slot, now or clock_now())
    return deadlines if deadlines is not None and r.expires_at < deadlines.keep_until else None


@command
def keep_until_due(reservation_id: int, parent, now=None) -> Reservation:
    """Keep the parent's hold on a far-off start until the end of its check's due day.

    :raises NotFound: not theirs. :raises Conflict: not a live hold, the child has another
        place to choose first, or the start is near enough for an ordinary hold.
    """
    now = now or clock_now()
    r, old, slots = _mine(reservation_id, parent, now)
    if old is not None:
        raise Conflict(_("孩子还保留着另一个托位：请先选择要哪一个"))
    slot = slots[r.slot_id]
    deadlines = far_off(slot, now)
    if deadlines is None:
        raise Conflict(_("入托日期不远，入托体检可以在保留期内完成，无需延长"))
    if r.expires_at >= deadlines.keep_until:
        raise Conflict(_("这个托位已保留到体检截止日 %(d)s", d=deadlines.due_on.isoformat()))
    before = r.expires_at
    r.expires_at, r.reminded_at, r.check_reminded_at = deadlines.keep_until, None, None
    record("reservation.kept_until_due", r, actor=parent, centre_id=slot.centre_id,
           before={"expires_at": before},
           after={"expires_at": r.expires_at, "check_opens_on": deadlines.opens_on,
                  "check_due_on": deadlines.due_on})
    db.session.commit()
    return r
