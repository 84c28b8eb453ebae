"""The account's notice choices and WeChat link in its export, and erased with the account
(docs/privacy.md, docs/notices.md). Delivery rows hold no personal data (a provider's code,
its message id) and stay with the notices; the job gives up any still queued for a deleted
account."""
from sqlalchemy import delete, select

from ..children.holders import Holder, register
from ..extensions import db
from .models import NotificationPreference


def export(_child_ids, user) -> list[dict]:
    rows = [{"kind": p.kind, "channel": p.channel, "enabled": p.enabled}
            for p in db.session.scalars(select(NotificationPreference).where(
                NotificationPreference.user_id == user.id).order_by(NotificationPreference.id))]
    return [{"wechat_linked": user.wechat_openid is not None, "preferences": rows}]


def erase(_child_ids, user, _now) -> dict:
    removed = db.session.execute(delete(NotificationPreference).where(
        NotificationPreference.user_id == user.id)).rowcount
    linked = user.wechat_openid is not None
    user.wechat_openid = None
    return {"notice_preferences_removed": removed, "wechat_unlinked": linked}


register(Holder(key="notices", tables=("notification_preference",), export=export, erase=erase))
