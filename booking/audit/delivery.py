"""Email for notifications, sent by the scheduler, never inside a request."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from ..auth.models import User
from ..clock import now as clock_now
from ..extensions import db
from ..transactions import command
from ..notices.email import Email
from ..notices.preferences import rows_of, wants
from .models import Notification


# A claim older than this belongs to a run that died (killed, machine lost): the message is
# tried again. Longer than any one send (10 s timeout) so a slow run is not overtaken.
CLAIM_SECONDS = 600
# A message the server refuses this often is left alone (its row keeps the count).
MAX_ATTEMPTS = 10
# Which notices are emailed is the reader's choice (notices/preferences.py): by default
# everything but the everyday notices, which stay in the app (docs/notices.md). A notice the
# reader does not want by email is set aside as if tried MAX_ATTEMPTS times, never sent.


def _claimable(now):
    return and_(Notification.emailed_at.is_(None), Notification.email_attempts < MAX_ATTEMPTS,
                or_(Notification.email_claimed_at.is_(None),
                    Notification.email_claimed_at < now - timedelta(seconds=CLAIM_SECONDS)))


def _set(note_id, **values):
    db.session.execute(update(Notification).where(Notification.id == note_id).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


@command
def deliver_emails(now=None, batch=100) -> int:
    """Send unsent notifications to users with an email address, when SMTP is configured.

    Each notification is claimed by a conditional UPDATE before sending, so two schedulers
    never send the same one at once; it is marked sent only after the server accepted it. A
    failed send releases the claim (the next run retries); a run killed mid-send leaves a
    claim that lapses after CLAIM_SECONDS, so the message is sent late rather than never.
    """
    host = current_app.config.get("SMTP_HOST")
    if not host:
        return 0
    now = now or clock_now()
    channel = Email(current_app.config)  # the Channel interface (docs/notices.md)
    rows = db.session.execute(
        select(Notification, User).join(User, User.id == Notification.user_id)
        .where(_claimable(now), User.email.is_not(None))
        .order_by(Notification.id).limit(batch)).all()
    sent, prefs = 0, {}
    for note, user in rows:
        if user.id not in prefs:
            prefs[user.id] = rows_of(user.id)
        if not wants(prefs[user.id], note.kind, "email"):
            db.session.execute(update(Notification).where(
                Notification.id == note.id, Notification.emailed_at.is_(None))
                .values(email_attempts=MAX_ATTEMPTS)
                .execution_options(synchronize_session=False))
            db.session.commit()
            continue
        claimed = db.session.execute(update(Notification).where(
            Notification.id == note.id, _claimable(now))
            .values(email_claimed_at=now, email_attempts=Notification.email_attempts + 1)
            .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        if not claimed:
            continue
        if channel.send(user, note).status != "sent":
            current_app.logger.warning("email for notification %s failed; will retry", note.id)
            _set(note.id, email_claimed_at=None)
            break
        _set(note.id, emailed_at=clock_now(), email_claimed_at=None)
        sent += 1
    return sent
