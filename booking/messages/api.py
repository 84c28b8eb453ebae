"""The JSON API's messages and bulletins (docs/messages.md, docs/api.md)."""

from flask import g, request, url_for
from flask_babel import gettext as _

from ..web import stored_file
from ..api import bp
from ..api.framework import endpoint
from ..api.pagination import page_of
from ..api.schemas import PageQuery
from ..errors import ValidationFailed
from ..i18n import name_of
from . import access, attachments, bulletins, queries, services
from .queries import ThreadRow
from .schemas import (AttachmentOut, BulletinIn, BulletinOut, BulletinPage, MessageIn, MessageOut,
                      ThreadDetailOut, ThreadOpen, ThreadOut, ThreadPage)

# Room for the form around the file (multipart/form-data), as on the pages.
_FORM_ROOM = 256 * 1024


@bp.before_request
def _room_for_a_file():
    # The one API body that is not JSON: a message's file. It may be as large as an
    # attachment (the health attachments' limit), above the API's usual cap.
    if request.endpoint == "api.send_message_file":
        request.max_content_length = attachments.max_bytes() + _FORM_ROOM


def _thread_out(row: ThreadRow) -> ThreadOut:
    t = row.thread
    return ThreadOut(id=t.id, child_id=t.child_id, child_name=t.child.name, centre_id=t.centre_id,
                     centre_name=name_of(t.centre), last_message_at=row.last_at,
                     unread=row.unread, awaiting_reply_since=row.waiting_since,
                     flagged=row.flagged, may_write=row.may_write)


def _rows(user) -> list[ThreadRow]:
    return queries.inbox(user) if user.role == "staff" else queries.for_guardian(user)


def _message_out(m, thread, marks) -> MessageOut:
    author = (_("%(centre)s · %(name)s", centre=name_of(thread.centre), name=m.author.name)
              if m.side == "centre" else m.author.name)
    return MessageOut(
        id=m.id, thread_id=m.thread_id, side=m.side, author_name=author, body=m.body,
        sent_at=m.sent_at, read_by_other_side=queries.read_by_other_side(m, marks),
        attachments=[AttachmentOut(id=a.id, content_type=a.content_type, size=a.size,
                                   url=url_for("api.get_message_attachment", attachment_id=a.id))
                     for a in m.attachments])


@endpoint("/message-threads", "GET", summary="The caller's conversations", tags=["messages"],
          permission="message.read", query=PageQuery, response=ThreadPage)
def list_threads(query: PageQuery):
    """A guardian: about each of their children with each centre. Staff: their centre's, unread
    first, then those flagged as unanswered for 24 hours."""
    rows = _rows(g.api_user)
    start = (query.page - 1) * query.per_page
    return page_of([_thread_out(r) for r in rows[start:start + query.per_page]], len(rows), query)


@endpoint("/message-threads", "POST", summary="Open the conversation about a child with a centre",
          tags=["messages"], permission="message.send", body=ThreadOpen, response=ThreadOut)
def open_thread(body: ThreadOpen):
    thread = services.open_thread(g.api_user, body.child_id, body.centre_id)
    return _thread_out(queries.row_for(g.api_user, thread))


@endpoint("/message-threads/<int:thread_id>", "GET",
          summary="Read a conversation (marks it read)", tags=["messages"],
          permission="message.read", query=PageQuery, response=ThreadDetailOut)
def read_thread(thread_id: int, query: PageQuery):
    thread = services.read_thread(thread_id, g.api_user)
    marks = queries.read_up_to(thread.id)
    found = queries.messages_of(thread.id, newest_first=True, limit=query.per_page,
                                offset=(query.page - 1) * query.per_page)
    return ThreadDetailOut(
        thread=_thread_out(queries.row_for(g.api_user, thread)),
        messages=page_of([_message_out(m, thread, marks) for m in found],
                         queries.message_count(thread.id), query))


@endpoint("/message-threads/<int:thread_id>/messages", "POST", summary="Send a message",
          tags=["messages"], permission="message.send", body=MessageIn, response=MessageOut,
          status=201, errors=(409,), idempotent=True)
def send_message(thread_id: int, body: MessageIn):
    message = services.post_message(thread_id, g.api_user, body.body)
    return _message_out(message, message.thread, queries.read_up_to(thread_id))


@endpoint("/message-threads/<int:thread_id>/files", "POST",
          summary="Send a message with photos or PDFs (multipart/form-data: `file`, up to 3, "
                  "and an optional `body`)",
          tags=["messages"], permission="message.send", response=MessageOut, status=201,
          errors=(409, 413, 422), idempotent=True)
def send_message_file(thread_id: int):
    # Idempotency-Key compares the form's fields and files, not the bytes: a retry comes with
    # a new boundary (api/idempotency.py, `_multipart`).
    thread = access.thread_for(g.api_user, thread_id)  # a stranger learns nothing (404)
    if not request.mimetype.startswith("multipart/form-data"):
        raise ValidationFailed(errors={"file": [_("请以 multipart/form-data 上传文件")]})
    files = request.files.getlist("file")
    if not files:
        raise ValidationFailed(errors={"file": [_("请附上文件（字段名 file）")]})
    message = attachments.send_with_files(files, lambda stored: services.post_message(
        thread.id, g.api_user, request.form.get("body", ""), stored))
    return _message_out(message, thread, queries.read_up_to(thread.id))


@endpoint("/message-attachments/<int:attachment_id>", "GET",
          summary="A file sent in a conversation (its participants only)", tags=["messages"],
          permission="message.read")
def get_message_attachment(attachment_id: int):
    found = services.attachment_for(g.api_user, attachment_id)
    return stored_file(attachments.path_of, found.stored_name, mimetype=found.content_type,
                       as_attachment=True,
                       download_name=f"message-{found.message_id}-{found.id}")


def _bulletin_out(v: bulletins.BulletinView) -> BulletinOut:
    b = v.bulletin
    return BulletinOut(id=b.id, centre_id=b.centre_id, centre_name=name_of(b.centre),
                       group_id=b.group_id, title=b.title, body=b.body, sent_at=b.sent_at,
                       read_at=v.read_at, recipients=v.recipients, read=v.read)


@endpoint("/bulletins", "GET", summary="Bulletins: a guardian's received, a director's sent",
          tags=["messages"], permission="bulletin.read", query=PageQuery, response=BulletinPage)
def list_bulletins(query: PageQuery):
    user, offset = g.api_user, (query.page - 1) * query.per_page
    if user.role == "staff":
        found, total = bulletins.of_centre(user.centre_id, limit=query.per_page, offset=offset)
    else:
        found, total = bulletins.for_guardian(user, limit=query.per_page, offset=offset)
    return page_of([_bulletin_out(v) for v in found], total, query)


@endpoint("/bulletins/<int:bulletin_id>", "GET",
          summary="A bulletin (a guardian's read is counted; the director sees the counts)",
          tags=["messages"], permission="bulletin.read", response=BulletinOut)
def get_bulletin(bulletin_id: int):
    return _bulletin_out(bulletins.open_bulletin(bulletin_id, g.api_user))


@endpoint("/centres/<int:centre_id>/bulletins", "POST",
          summary="Send a bulletin to the whole centre or one class", tags=["messages"],
          permission="bulletin.send", body=BulletinIn, response=BulletinOut, status=201,
          idempotent=True)
def send_bulletin(centre_id: int, body: BulletinIn):
    sent = bulletins.send(centre_id, g.api_user, title=body.title, body=body.body,
                          group_id=body.group_id)
    return _bulletin_out(bulletins.open_bulletin(sent.id, g.api_user))
