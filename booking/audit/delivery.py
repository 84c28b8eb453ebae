"""Email for notifications, sent by the scheduler, never inside a request."""
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select, update

from ..auth.models import User
from ..clock import now as clock_now
from ..extensions import db
from .models import Notification
from .render import render_notification


def deliver_emails(now=None, batch=100) -> int:
    """Send unsent notifications to users with an email address, when SMTP is configured.

    Each notification is claimed by a conditional UPDATE before sending, so two schedulers
    never send the same one twice.
    """
    host = current_app.config.get("SMTP_HOST")
    if not host:
        return 0
    now = now or clock_now()
    rows = db.session.execute(
        select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), User.email.is_not(None))
        .order_by(Notification.id).limit(batch)).all()
    sent = 0
    for note, user in rows:
        claimed = db.session.execute(update(Notification).where(
            Notification.id == note.id, Notification.emailed_at.is_(None))
            .values(emailed_at=now).execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        if not claimed:
            continue
        title, body = render_notification(note, user.locale)
        msg = EmailMessage()
        msg["From"] = current_app.config["MAIL_FROM"]
        msg["To"] = user.email
        msg["Subject"] = title
        msg.set_content(body)
        try:
            with smtplib.SMTP(host, current_app.config["SMTP_PORT"], timeout=10) as smtp:
                smtp.send_message(msg)
            sent += 1
        except (OSError, smtplib.SMTPException):
            current_app.logger.warning("email for notification %s failed; will retry", note.id)
            db.session.execute(update(Notification).where(Notification.id == note.id)
                               .values(emailed_at=None))
            db.session.commit()
            break
    return sent
