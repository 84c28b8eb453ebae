"""One interface for every channel a notice can go out on (docs/notices.md).

A channel's `send(user, notice)` makes one attempt and says how it went in a DeliveryResult:
`sent` (with the provider's message id), `retry` (a passing failure: the job tries again
later) or `give_up` (this will never work: a bad number, a refused subscription). Adapters
never raise for a provider's answer or a network failure; the job decides what follows.
"""
from dataclasses import dataclass
from typing import Protocol

from flask import current_app


@dataclass(frozen=True)
class DeliveryResult:
    status: str  # "sent" | "retry" | "give_up"
    provider_message_id: str | None = None
    error: str | None = None  # a provider's code or our own short code; never personal data

    @classmethod
    def sent(cls, message_id=None):
        return cls("sent", message_id)

    @classmethod
    def retry(cls, error):
        return cls("retry", error=error[:80])

    @classmethod
    def give_up(cls, error):
        return cls("give_up", error=error[:80])


class Channel(Protocol):
    name: str

    def configured(self) -> bool:
        """Credentials are set (an empty key disables the channel)."""

    def reachable(self, user) -> bool:
        """The user has what this channel needs (a phone number, an openid)."""

    def send(self, user, notice, idempotency_key: str) -> DeliveryResult:
        """One attempt to deliver `notice` (a Notification) to `user`."""


class InApp:
    """The inbox row itself: written when the notice is made, so there is nothing to send."""
    name = "in_app"

    def configured(self):
        return True

    def reachable(self, user):
        return True

    def send(self, user, notice, idempotency_key):
        return DeliveryResult.sent()


def outside_channels() -> dict[str, Channel]:
    """The channels the delivery job sends through, those configured only. Email keeps its
    own path (audit/delivery.py, columns on the notification) and honours the same
    preferences."""
    from .aliyun_sms import AliyunSms
    from .wechat import WechatSubscribe

    found = {}
    for channel in (AliyunSms(current_app.config), WechatSubscribe(current_app.config)):
        if channel.configured():
            found[channel.name] = channel
    return found
