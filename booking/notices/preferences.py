"""Which notices a user wants on which channel (docs/notices.md, "Preferences").

A row for the kind wins over a row for '*' (every kind), which wins over the channel's default.
The page groups kinds; the API takes single kinds or '*'. Email is chosen here too; it is sent
by its own job (audit/delivery.py). The inbox has every notice.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..extensions import db
from ..transactions import command
from .models import NotificationPreference

CHOOSABLE = ("email", "sms", "wechat")
GROUPS = {
    "places": ("offer_made", "hold_lapsing", "hold_lapsed", "enrolled", "reservation_cancelled",
               "priority_rejected", "hold_extended", "offer_to_switch", "waits_ended",
               "one_place_ended", "round_offer", "round_unplaced", "withdrawn",
               "session_booked", "session_cancelled", "check_window_open",
               "health_check_verified"),
    "safety": ("sent_home", "unlisted_pickup", "outbreak_alert", "growth_flag", "centre_closed"),
    "everyday": ("day_summary", "message_received", "bulletin"),
    "account": ("signup_attempt", "password_reset", "staff_invited", "filing_decided"),
}
GROUP_LABELS = {"places": _l("名额与预约"), "safety": _l("安全与健康提醒"),
                "everyday": _l("日常消息（每日小结、留言、通知）"), "account": _l("账户与审批")}
CHANNEL_LABELS = {"email": _l("邮件"), "sms": _l("短信"), "wechat": _l("微信订阅消息")}


def default(kind: str, channel: str) -> bool:
    """SMS costs money and interrupts: only for what cannot wait (safety). Email and WeChat:
    everything but the everyday notices, which stay in the app unless the reader asks."""
    if channel == "sms":
        return kind in GROUPS["safety"]
    return kind not in GROUPS["everyday"]


def all_kinds() -> tuple[str, ...]:
    return tuple(k for kinds in GROUPS.values() for k in kinds)


def rows_of(user_id: int) -> dict[tuple[str, str], bool]:
    return {(p.kind, p.channel): p.enabled for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id))}


def wants(rows: dict, kind: str, channel: str) -> bool:
    if (kind, channel) in rows:
        return rows[(kind, channel)]
    if ("*", channel) in rows:
        return rows[("*", channel)]
    return default(kind, channel)


def effective(user_id: int) -> list[dict]:
    """Every kind × choosable channel with what applies now (for the API)."""
    rows = rows_of(user_id)
    return [{"kind": k, "channel": c, "enabled": wants(rows, k, c)}
            for k in all_kinds() for c in CHOOSABLE]


def by_group(user_id: int) -> dict[str, dict[str, bool]]:
    """Per group and channel: on when every kind of the group is on (for the page)."""
    rows = rows_of(user_id)
    return {g: {c: all(wants(rows, k, c) for k in kinds) for c in CHOOSABLE}
            for g, kinds in GROUPS.items()}


@command
def save(user, choices: list[tuple[str, str, bool]]) -> int:
    """Store (kind or '*', channel, enabled) choices for `user`, replacing earlier ones for
    the same kind and channel; a '*' choice also clears the channel's per-kind rows, so it
    means what it says. Audited (`notices.preferences_changed`)."""
    from ..audit.services import record

    for kind, channel, enabled in choices:
        if kind == "*":
            db.session.execute(delete(NotificationPreference).where(
                NotificationPreference.user_id == user.id,
                NotificationPreference.channel == channel))
        else:
            db.session.execute(delete(NotificationPreference).where(
                NotificationPreference.user_id == user.id,
                NotificationPreference.kind == kind, NotificationPreference.channel == channel))
        db.session.flush()
        db.session.add(NotificationPreference(user_id=user.id, kind=kind, channel=channel,
                                              enabled=enabled))
    record("notices.preferences_changed", ("app_user", user.id), actor=user,
           after={"choices": [f"{k}:{c}:{'on' if e else 'off'}" for k, c, e in choices]})
    db.session.commit()
    return len(choices)
