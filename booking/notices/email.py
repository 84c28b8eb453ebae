"""Email as a Channel: one SMTP send of a rendered notice. The scheduling stays where it
was (audit/delivery.py: `deliver_emails`, columns on the notification, everything but the
everyday notices), which calls this for each message."""
import smtplib
from email.message import EmailMessage

from .channels import DeliveryResult


class Email:
    name = "email"

    def __init__(self, config):
        self.host = config.get("SMTP_HOST") or ""
        self.port = config.get("SMTP_PORT") or 25
        self.sender = config.get("MAIL_FROM")

    def configured(self):
        return bool(self.host)

    def reachable(self, user):
        return bool(user.email)

    def send(self, user, notice):
        from ..audit.render import render_notification

        title, body = render_notification(notice, user.locale)
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = user.email
        msg["Subject"] = title
        msg.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException):
            return DeliveryResult.retry("smtp")
        return DeliveryResult.sent()
