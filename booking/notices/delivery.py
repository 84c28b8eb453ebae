"""The `deliver_notices` job: notices out through SMS and WeChat (docs/notices.md).

Each (notice, channel) is one `notification_delivery` row, queued once (its idempotency key
is unique), claimed by a conditional UPDATE before each attempt so two schedulers never send
it at once, and marked `sent` only after the provider took it. A failure the provider says may
pass is tried again after 60 s × 2^(attempts before it) (60 s, 2 min, 4 min, ...); a refusal
that will not pass, or the 8th failure, gives it up. A `sent` row is never claimed again.
"""
from datetime import timedelta

from sqlalchemy import and_, exists, or_, select, true, update

from ..audit.models import Notification
from ..auth.models import User
from ..clock import now as clock_now
from ..extensions import db
from ..transactions import command
from .channels import idempotency_key
from .registry import outside_channels
from .models import NotificationDelivery as D
from .preferences import rows_of, wants

# A claim older than this belongs to a run that died: the row is tried again.
CLAIM_SECONDS = 600
MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 60
# Notices older than this are not queued for a newly set-up channel or a late run.
WINDOW = timedelta(hours=24)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 60 s × 2^(attempts − 1)."""
    return timedelta(seconds=BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


def _insert(values: list[dict]):
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(D).values(values)
                       .on_conflict_do_nothing(index_elements=["idempotency_key"]))


@command
def enqueue(channels: dict, now) -> int:
    """Queue a delivery for each recent notice × configured channel its reader wants and can
    be reached on. Safe to run twice at once: a key already queued is left alone."""
    queued = []
    # Readers the channel cannot reach are left out in SQL already (most have no openid).
    address = {"sms": User.phone.is_not(None), "wechat": User.wechat_openid.is_not(None)}
    for name, channel in channels.items():
        rows = db.session.execute(
            select(Notification, User).join(User, User.id == Notification.user_id)
            .where(Notification.created_at >= now - WINDOW, User.deleted_at.is_(None),
                   address.get(name, true()),
                   ~exists().where(D.notification_id == Notification.id, D.channel == name))
            .order_by(Notification.id)).all()
        prefs = {}
        for note, user in rows:
            if not channel.reachable(user):
                continue
            if user.id not in prefs:
                prefs[user.id] = rows_of(user.id)
            if wants(prefs[user.id], note.kind, name):
                queued.append({"notification_id": note.id, "channel": name, "status": "queued",
                               "attempts": 0, "next_attempt_at": now,
                               "idempotency_key": idempotency_key(note, name), "created_at": now})
    if queued:
        _insert(queued)
    db.session.commit()
    return len(queued)


def _due(now):
    return and_(D.status.in_(("queued", "failed")), D.next_attempt_at <= now,
                or_(D.claimed_at.is_(None), D.claimed_at < now - timedelta(seconds=CLAIM_SECONDS)))


def _finish(delivery_id: int, **values):
    db.session.execute(update(D).where(D.id == delivery_id, D.status != "sent")
                       .values(claimed_at=None, **values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


@command
def deliver_notices(now=None, batch=100) -> int:
    """Queue and send due deliveries; returns how many were sent."""
    channels = outside_channels()
    if not channels:
        return 0
    now = now or clock_now()
    enqueue(channels, now)
    ids = db.session.scalars(select(D.id).where(_due(now), D.channel.in_(channels))
                             .order_by(D.next_attempt_at, D.id).limit(batch)).all()
    sent = 0
    for delivery_id in ids:
        claimed = db.session.execute(
            update(D).where(D.id == delivery_id, _due(now))
            .values(claimed_at=now, attempts=D.attempts + 1)
            .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        if not claimed:
            continue  # another run has it, or it was sent meanwhile
        delivery = db.session.get(D, delivery_id, populate_existing=True)
        note = db.session.get(Notification, delivery.notification_id)
        user = db.session.get(User, note.user_id)
        channel = channels[delivery.channel]
        if user.deleted_at is not None or not channel.reachable(user):
            _finish(delivery_id, status="given_up", last_error="no_address")
            continue
        result = channel.send(user, note)
        if result.status == "sent":
            _finish(delivery_id, status="sent", sent_at=clock_now(), last_error=None,
                    provider_message_id=result.provider_message_id)
            sent += 1
        elif result.status == "give_up" or delivery.attempts >= MAX_ATTEMPTS:
            _finish(delivery_id, status="given_up", last_error=result.error)
        else:
            _finish(delivery_id, status="failed", last_error=result.error,
                    next_attempt_at=now + backoff(delivery.attempts))
    return sent
