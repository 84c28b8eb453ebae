"""An email is marked sent only once the server took it (issue #12, item 10): a send that
fails stays unsent and is retried; a delivery run killed mid-send leaves a claim that keeps
other runs off it for a while and then lapses, so the message goes out late, not never."""
import smtplib
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.audit import delivery
from booking.audit.delivery import deliver_emails
from booking.audit.models import Notification
from booking.clock import now
from booking.extensions import db
from tests.audit.test_delivery import notified, smtp  # noqa: F401 - fixtures


class Killed(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs (not an Exception)."""


def notes():
    db.session.expire_all()
    return db.session.scalars(select(Notification).order_by(Notification.id)).all()


def test_a_send_that_raises_leaves_the_email_unsent_and_it_is_retried(
        app, smtp, notified, monkeypatch):  # noqa: F811
    def refused(self, *a, **kw):
        raise smtplib.SMTPDataError(451, b"try later")
    monkeypatch.setattr(smtplib.SMTP, "send_message", refused)
    assert deliver_emails() == 0
    first = notes()[0]
    assert first.emailed_at is None and first.email_claimed_at is None
    assert first.email_attempts == 1
    monkeypatch.undo()
    assert deliver_emails() == 2
    assert all(n.emailed_at is not None for n in notes())
    assert len(smtp.messages) == 2


def test_a_killed_run_does_not_lose_the_email(app, smtp, notified, monkeypatch):  # noqa: F811
    def killed(self, *a, **kw):
        raise Killed()
    monkeypatch.setattr(smtplib.SMTP, "send_message", killed)
    with pytest.raises(Killed):
        deliver_emails()
    db.session.rollback()
    monkeypatch.undo()
    first = notes()[0]
    assert first.emailed_at is None, "marked sent although it never went out"
    assert first.email_claimed_at is not None
    # Another run meanwhile leaves the claimed message to its (maybe still living) owner.
    assert deliver_emails() == 1
    assert len(smtp.messages) == 1
    # Once the claim has lapsed, the message is sent.
    later = now() + timedelta(seconds=delivery.CLAIM_SECONDS + 1)
    assert deliver_emails(now=later) == 1
    assert all(n.emailed_at is not None for n in notes())
    assert len(smtp.messages) == 2


def test_a_message_refused_too_often_is_left_alone(app, smtp, notified):  # noqa: F811
    for n in notes():
        n.email_attempts = delivery.MAX_ATTEMPTS
    db.session.commit()
    assert deliver_emails() == 0
    assert smtp.messages == []
