"""One interface for every channel a notice can go out on (docs/notices.md).

A channel's `send(user, notice)` makes one attempt and says how it went in a DeliveryResult:
`sent` (with the provider's message id), `retry` (a passing failure: the job tries again
later) or `give_up` (this will never work: a bad number, a refused subscription). Adapters
never raise for a provider's answer or a network failure; the job decides what follows.
"""
from dataclasses import dataclass
from typing import Protocol


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


def idempotency_key(notice, channel: str) -> str:
    """The delivery's unique key (notification_delivery.idempotency_key), also sent to
    providers that take one."""
    return f"{notice.id}:{channel}"


class Channel(Protocol):
    name: str

    def configured(self) -> bool:
        """Credentials are set (an empty key disables the channel)."""

    def reachable(self, user) -> bool:
        """The user has what this channel needs (a phone number, an openid)."""

    def send(self, user, notice) -> DeliveryResult:
        """One attempt to deliver `notice` (a Notification) to `user`. Providers that take an
        idempotency key get `idempotency_key(notice, self.name)`."""


class InApp:
    """The inbox row itself: written when the notice is made, so there is nothing to send."""
    name = "in_app"

    def configured(self):
        return True

    def reachable(self, user):
        return True

    def send(self, user, notice):
        return DeliveryResult.sent()
