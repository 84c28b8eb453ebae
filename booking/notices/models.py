"""Who wants which notices where, and each notice's delivery through each channel."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

CHANNELS = ("in_app", "email", "sms", "wechat")
STATUSES = ("queued", "sent", "failed", "given_up")


class NotificationPreference(db.Model):
    """One user's choice for one kind of notice (or '*', every kind) on one channel. No row:
    the channel's default (preferences.DEFAULTS)."""

    __tablename__ = "notification_preference"
    __table_args__ = (
        db.UniqueConstraint("user_id", "kind", "channel", name="uq_notification_preference"),
        CheckConstraint(enum_check("channel", CHANNELS), name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    enabled: Mapped[bool] = mapped_column(Boolean)


class NotificationDelivery(db.Model):
    """One notice through one outside channel (SMS, WeChat). `idempotency_key` is unique, so
    a notice is queued once per channel however many runs queue it, and goes to providers
    that take one (Aliyun's OutId). `last_error` holds a provider's code, never personal data."""

    __tablename__ = "notification_delivery"
    __table_args__ = (
        CheckConstraint(enum_check("status", STATUSES), name="status"),
        CheckConstraint(enum_check("channel", CHANNELS), name="channel"),
        Index("ix_notification_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_error: Mapped[str | None] = mapped_column(String(80))
    provider_message_id: Mapped[str | None] = mapped_column(String(80))
    idempotency_key: Mapped[str] = mapped_column(String(40), unique=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
