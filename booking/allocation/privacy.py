"""Round applications in a family's export; withdrawn with the account (docs/privacy.md).

An application of children who will be anonymised leaves its round while the window is
open, as waiting entries leave their queue. Once the window has closed the inputs of the
draw are fixed (their hash is published), so the deletion is refused until the draw: its
offer can then be declined and the account deleted."""
from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.services import record
from ..children.holders import Holder, iso, register
from ..errors import Conflict
from ..extensions import db
from .models import Application, ApplicationChild, AppStatus, RoundStatus
from .rounds import lock_round, window_open


def export(child_ids, _user) -> list[dict]:
    apps = db.session.scalars(select(Application).join(
        ApplicationChild, ApplicationChild.application_id == Application.id).where(
        ApplicationChild.child_id.in_(child_ids)).distinct().order_by(Application.id)).all()
    return [{"round": a.round.name, "children": [m.child_id for m in a.members],
             "status": a.status, "tier": a.tier, "claimed_tier": a.claimed_tier,
             "evidence": a.evidence, "evidence_status": a.evidence_status,
             "choices": [c.slot_id for c in a.choices], "lottery": a.lottery,
             "offered_slot_id": a.slot_id, "offered_choice": a.choice_rank,
             "submitted_at": iso(a.submitted_at)} for a in apps]


def erase(child_ids, user, now) -> dict:
    """:raises Conflict: an application of these children waits for its round's draw."""
    apps = db.session.scalars(select(Application).join(
        ApplicationChild, ApplicationChild.application_id == Application.id).where(
        ApplicationChild.child_id.in_(child_ids),
        Application.status == AppStatus.SUBMITTED).distinct().order_by(Application.id)).all()
    withdrawn, anonymised = [], set(child_ids)
    for app in apps:
        if not {m.child_id for m in app.members} <= anonymised:
            continue  # a twin another guardian keeps: the application stays theirs
        rnd = lock_round(app.round_id)
        if rnd.status == RoundStatus.DRAWN:
            continue  # its offer, if any, is a held place: the deletion's own check
        if not window_open(rnd, now):
            raise Conflict(_("孩子参加的派位已截止申请、尚未派位，请在派位结果公布后再注销账号"))
        db.session.refresh(app)
        members = [m.child_id for m in app.members]
        app.status, app.updated_at = AppStatus.WITHDRAWN, now
        for m in list(app.members):
            db.session.delete(m)
        record("round.withdrawn", app, actor=user, at=now,
               before={"status": AppStatus.SUBMITTED},
               after={"status": AppStatus.WITHDRAWN, "children": members,
                      "reason": "account_deleted"})
        withdrawn.append(app.id)
    return {"round_applications_withdrawn": withdrawn}


register(Holder("round_applications", ("round_application", "application_child",
                                        "application_choice"), export, erase))
