"""Email for notifications through a real (local) SMTP server, sent by the job, never by the
request; each message once, in the reader's language."""
import re
import socket
import threading
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from booking.audit.delivery import deliver_emails
from booking.audit.models import Notification
from booking.audit.render import render_notification
from booking.auth import services as auth
from booking.extensions import db
from booking.reservations import services as reservations
from booking.waitlists import services as waitlists
from tests import factories as f

CJK = re.compile(r"[\u4e00-\u9fff]")


class Inbox:
    """An aiosmtpd handler that keeps what it is sent."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def notified(db):
    """A centre cancels an English reader's hold; the place is offered to a Chinese reader."""
    c = f.centre()
    s = f.slot(c, capacity=1)
    staff = f.user("staff", centre_id=c.id)
    english = f.user()
    auth.set_locale(english, "en")
    hold = reservations.place_hold(slot_id=s.id, child_id=f.child(english, name="Tom").id,
                                   parent=english)
    chinese = f.user()
    waitlists.join(slot_id=s.id, child_id=f.child(chinese).id, parent=chinese)
    reservations.cancel(hold.id, staff)
    return {"en": english, "zh": chinese}


def unsent():
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.emailed_at.is_(None)))


def test_each_notification_is_emailed_once_in_the_readers_language(smtp, notified):
    assert smtp.messages == []  # the request sent nothing itself
    assert unsent() == 2
    assert deliver_emails() == 2
    assert deliver_emails() == 0
    assert unsent() == 0
    by_reader = {m["To"]: m for m in smtp.messages}
    assert len(smtp.messages) == 2 and len(by_reader) == 2
    en = by_reader[notified["en"].email]
    zh = by_reader[notified["zh"].email]
    note_en = db.session.scalar(select(Notification).where(
        Notification.user_id == notified["en"].id))
    assert note_en.kind == "reservation_cancelled"
    assert en["Subject"] == render_notification(note_en, "en")[0]
    assert not CJK.search(en["Subject"])
    assert zh["Subject"].startswith("候补到位")
    assert "Tom" in en["Subject"] and "#" not in en.get_content()  # the child, no ids
    assert en["From"] == "noreply@tuowei.example"


def test_without_smtp_nothing_is_sent_or_marked(app, notified):
    app.config.update(SMTP_HOST=None)
    assert deliver_emails() == 0
    assert unsent() == 2


def test_an_unreachable_server_loses_nothing_and_the_next_run_sends(app, notified, smtp):
    port = app.config["SMTP_PORT"]
    app.config.update(SMTP_PORT=free_port())  # nobody listens there
    assert deliver_emails() == 0
    assert unsent() == 2 and smtp.messages == []
    app.config.update(SMTP_PORT=port)
    assert deliver_emails() == 2
    assert len(smtp.messages) == 2


def test_two_deliveries_at_once_send_each_message_once(app, smtp, notified):
    from tests.concurrency.helpers import race

    more = f.user()
    for _ in range(8):
        s = f.slot(capacity=1)
        hold = reservations.place_hold(slot_id=s.id, child_id=f.child(more).id, parent=more)
        reservations.cancel(hold.id, f.user("staff", centre_id=s.centre_id))
    total = unsent()
    db.session.remove()

    def deliver(_i):
        with app.app_context():
            return deliver_emails()

    results = race(2, deliver)
    assert sum(results) == total == len(smtp.messages)


def test_a_request_never_waits_for_email(app, client, notified):
    """With SMTP configured but unreachable, a request that notifies still answers at once:
    mail goes out from the job only."""
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    c = f.centre()
    s = f.slot(c, capacity=1)
    parent = f.user()
    hold = reservations.place_hold(slot_id=s.id, child_id=f.child(parent).id, parent=parent)
    staff = f.user("staff", centre_id=c.id)
    resp = client.post(f"/api/v1/reservations/{hold.id}/cancel", headers=f.bearer(client, staff))
    assert resp.status_code == 200
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == parent.id, Notification.emailed_at.is_(None))) == 1


def test_a_reader_who_turned_email_off_gets_none_and_one_who_asked_gets_everyday(app, db, smtp):
    """Email follows the reader's choices (notices/preferences.py): a notice not wanted by
    email is set aside unsent and never picked again; everyday ones go to those who ask."""
    from booking.audit.services import notify
    from booking.notices import preferences

    quiet, keen = f.user(email="quiet@example.cn"), f.user(email="keen@example.cn")
    preferences.save(quiet, [("*", "email", False)])
    preferences.save(keen, [("day_summary", "email", True)])
    notify(quiet.id, "hold_lapsing", reservation_id=1)
    notify(keen.id, "day_summary", child="小明")
    notify(quiet.id, "day_summary", child="小红")  # nobody asked: stays in the app
    db.session.commit()
    assert deliver_emails() == 1
    assert deliver_emails() == 0
    assert [m["To"] for m in smtp.messages] == ["keen@example.cn"]
    assert unsent() == 2  # set aside, never marked as emailed
