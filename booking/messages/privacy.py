"""Messages and bulletins in a family's export; the files the parent sent, erased with the
account (docs/privacy.md). The conversation itself stays with the centre, its author shown as
the anonymised account, as a letter received stays with its reader."""
from sqlalchemy import delete, select

from ..children.holders import Holder, iso, register
from ..extensions import db
from . import attachments
from .models import Bulletin, BulletinRecipient, Message, MessageAttachment, Thread


def export_messages(child_ids, user) -> list[dict]:
    threads = db.session.scalars(select(Thread).where(
        Thread.child_id.in_(child_ids)).order_by(Thread.id)).all()
    return [{"child_id": t.child_id, "centre": t.centre.name,
             "messages": [{"side": m.side, "mine": m.author_id == user.id, "body": m.body,
                           "sent_at": iso(m.sent_at),
                           "attachments": [a.content_type for a in m.attachments]}
                          for m in db.session.scalars(select(Message).where(
                              Message.thread_id == t.id).order_by(Message.id))]}
            for t in threads]


def export_bulletins(_child_ids, user) -> list[dict]:
    rows = db.session.execute(select(Bulletin, BulletinRecipient.read_at).join(
        BulletinRecipient, BulletinRecipient.bulletin_id == Bulletin.id).where(
        BulletinRecipient.user_id == user.id).order_by(Bulletin.id)).all()
    return [{"centre": b.centre.name, "title": b.title, "body": b.body,
             "sent_at": iso(b.sent_at), "read_at": iso(read_at)} for b, read_at in rows]


def erase(_child_ids, user, _now) -> dict:
    mine = select(Message.id).where(Message.author_id == user.id).scalar_subquery()
    names = db.session.scalars(select(MessageAttachment.stored_name).where(
        MessageAttachment.message_id.in_(mine))).all()
    db.session.execute(delete(MessageAttachment).where(MessageAttachment.message_id.in_(mine))
                       .execution_options(synchronize_session="fetch"))
    for name in names:
        attachments.discard(name)
    return {"message_files_erased": len(names)}


register(Holder("messages", ("message_thread", "message", "message_attachment"),
                export_messages, erase))
register(Holder("bulletins", ("bulletin_recipient",), export_bulletins))
