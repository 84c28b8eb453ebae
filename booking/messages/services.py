"""Conversations between a child's guardians and its centre: opening one, writing in it,
reading it (read receipts) and hearing of new messages without being flooded
(docs/messages.md)."""
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..audit.models import Notification
from ..audit.services import notify, record
from ..centres.models import Centre
from ..children import services as children
from ..clock import now as clock_now
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..transactions import command
from . import access
from .models import MAX_BODY, Message, MessageAttachment, Thread, ThreadReader


def _dialect_insert(model):
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


@command
def open_thread(user, child_id: int, centre_id: int | None = None, now=None) -> Thread:
    """The conversation of a child with a centre, made the first time someone opens it.

    A guardian names the centre (one where the child holds or has a place); staff open it for
    a child with a place at their own centre. Two people opening it at once get the same one
    (a unique row per child and centre, inserted first).

    :raises NotFound: not their child, or (staff) a child without a place at their centre.
    :raises ValidationFailed: (guardian, field `centre_id`) the child has no live place there.
    """
    now = now or clock_now()
    if user.role == "parent":
        child = children.child_for_guardian(user, child_id)
        if centre_id is None or db.session.get(Centre, centre_id) is None \
                or not access.child_at_centre(child.id, centre_id, now):
            raise ValidationFailed(errors={"centre_id": [
                _("孩子在这家机构没有保留或在读的托位，不能发起对话")]})
    elif user.role == "staff" and access.is_centre_staff(user, user.centre_id, access.SEND):
        if centre_id not in (None, user.centre_id) \
                or not access.child_at_centre(child_id, user.centre_id, now):
            raise NotFound()
        centre_id = user.centre_id
    else:
        raise NotFound()
    new_id = db.session.scalar(_dialect_insert(Thread).values(
        child_id=child_id, centre_id=centre_id, created_by=user.id, created_at=now, version=0)
        .on_conflict_do_nothing(index_elements=["child_id", "centre_id"])
        .returning(Thread.id))
    thread = db.session.scalar(select(Thread).where(Thread.child_id == child_id,
                                                    Thread.centre_id == centre_id))
    if new_id is not None:
        record("message_thread.opened", thread, actor=user, centre_id=centre_id,
               after={"child_id": child_id})
    db.session.commit()
    return thread


def _check_body(body: str, n_files: int) -> str:
    body = (body or "").strip()
    errors = {}
    if not body and not n_files:
        errors["body"] = [_("请写下消息内容，或附上照片、文件")]
    elif len(body) > MAX_BODY:
        errors["body"] = [_("消息最多 %(n)s 个字（现有 %(m)s 个）", n=MAX_BODY, m=len(body))]
    elif "\x00" in body:
        errors["body"] = [_("不能包含空字符 (U+0000)")]
    if errors:
        raise ValidationFailed(errors=errors)
    return body


def _lock_thread(thread_id: int) -> None:
    """Write the thread's row first: posts to one thread then queue behind each other, so two
    of them cannot both decide a participant has no unread notice yet."""
    db.session.execute(update(Thread).where(Thread.id == thread_id)
                       .values(version=Thread.version + 1)
                       .execution_options(synchronize_session=False))


def _reader(thread_id: int, user_id: int, side: str) -> ThreadReader:
    """The participant's row, inserted the first time it is needed (a concurrent insert for
    the same reader is absorbed by the unique row)."""
    db.session.execute(_dialect_insert(ThreadReader).values(
        thread_id=thread_id, user_id=user_id, side=side)
        .on_conflict_do_nothing(index_elements=["thread_id", "user_id"]))
    return db.session.scalar(select(ThreadReader).where(
        ThreadReader.thread_id == thread_id, ThreadReader.user_id == user_id)
        .execution_options(populate_existing=True))


def _advance(reader: ThreadReader, message_id: int | None, now) -> None:
    """Move a reader's receipt forward (never back: an older page read late stays behind)."""
    if message_id is not None and (reader.last_read_message_id or 0) < message_id:
        reader.last_read_message_id = message_id
    reader.last_read_at = now
    if reader.notice_id is not None:
        db.session.execute(update(Notification).where(
            Notification.id == reader.notice_id, Notification.read_at.is_(None))
            .values(read_at=now).execution_options(synchronize_session=False))


def _tell(thread: Thread, message: Message, now) -> int:
    """A notice to each participant of the other side, unless they still have an unread one
    about this thread (one unread notice per thread until they read it). Returns how many."""
    side = access.other_side(message.side)
    recipients = (access.family_participants(thread.child_id) if side == "family"
                  else access.centre_participants(thread.centre_id))
    sent = 0
    for user_id in recipients:
        reader = _reader(thread.id, user_id, side)
        if reader.notice_id is not None and db.session.scalar(
                select(Notification.read_at.is_(None)).where(
                    Notification.id == reader.notice_id)):
            continue
        note = notify(user_id, "message_received", at=now, thread_id=thread.id,
                      child=thread.child.name, centre=thread.centre.name, side=message.side)
        db.session.flush()
        reader.notice_id = note.id
        sent += 1
    return sent


@command
def post_message(thread_id: int, user, body: str = "", attachments=(), now=None) -> Message:
    """A message from a guardian or from the centre (staff speak as the centre). The author
    has read the thread up to it; the other side hears of it (`_tell`).

    `attachments`: files already checked and stored (`attachments.send_with_files`), as
    (stored name, type, size).
    :raises NotFound: not a participant. :raises Conflict: the child no longer has a place at
        the centre (the conversation is kept, read-only). :raises ValidationFailed: (field
        `body`) empty, over MAX_BODY characters.
    """
    now = now or clock_now()
    thread = access.thread_for(user, thread_id, now)
    if not access.may_write(user, thread, now):
        raise Conflict(_("孩子已不在这家机构，这段对话只能查看，不能再发消息"))
    body = _check_body(body, len(attachments))
    _lock_thread(thread.id)
    side = access.side_of(user)
    message = Message(thread_id=thread.id, author_id=user.id, side=side, body=body, sent_at=now)
    db.session.add(message)
    db.session.flush()
    for name, content_type, size in attachments:
        db.session.add(MessageAttachment(message_id=message.id, stored_name=name,
                                         content_type=content_type, size=size))
    _advance(_reader(thread.id, user.id, side), message.id, now)
    noticed = _tell(thread, message, now)
    # The words stay in the thread; the log says who wrote to whom, and when.
    record("message.sent", message, actor=user, centre_id=thread.centre_id, at=now,
           after={"thread_id": thread.id, "side": side, "attachments": len(attachments),
                  "notices": noticed})
    db.session.commit()
    return message


@command
def read_thread(thread_id: int, user, now=None) -> Thread:
    """Open a thread: the reader has read it up to its newest message, and the notice about
    it is read too. Reading changes no record of the domain, so no audit event.

    :raises NotFound: not a participant.
    """
    now = now or clock_now()
    thread = access.thread_for(user, thread_id, now)
    newest = db.session.scalar(select(Message.id).where(Message.thread_id == thread.id)
                               .order_by(Message.id.desc()).limit(1))
    _advance(_reader(thread.id, user.id, access.side_of(user)), newest, now)
    db.session.commit()
    return thread


def attachment_for(user, attachment_id: int, now=None) -> MessageAttachment:
    """A message's file, for a participant of its thread. :raises NotFound: otherwise."""
    found = db.session.get(MessageAttachment, attachment_id)
    if found is None:
        raise NotFound()
    access.thread_for(user, found.message.thread_id, now)
    return found
