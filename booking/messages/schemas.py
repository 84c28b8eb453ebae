from datetime import datetime
from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Id, Out
from .models import BULLETIN_BODY, BULLETIN_TITLE, MAX_BODY


class ThreadOpen(Body):
    child_id: Id
    # A guardian names the centre (one where the child holds or has a place); staff leave it
    # out (their own centre).
    centre_id: Id | None = None


class ThreadOut(Out):
    id: int
    child_id: int
    child_name: str
    centre_id: int
    centre_name: str
    last_message_at: datetime | None
    unread: int = Field(description="the other side's messages the caller has not read")
    awaiting_reply_since: datetime | None = Field(
        description="the family's last message, when the centre has not answered it since")
    flagged: bool = Field(description="staff: the family has waited 24 hours or more for an answer")
    may_write: bool = Field(description="false once the child no longer has a place there")


class AttachmentOut(Out):
    id: int
    content_type: Literal["image/jpeg", "image/png", "application/pdf"]
    size: int
    url: str = Field(description="GET it with the bearer token")


class MessageOut(Out):
    id: int
    thread_id: int
    side: Literal["family", "centre"]
    author_name: str = Field(description="the centre's messages: the centre's name and the staff "
                                         "member's name")
    body: str
    sent_at: datetime
    attachments: list[AttachmentOut]
    read_by_other_side: bool = Field(description="已读: someone on the other side has read it")


class ThreadPage(Out):
    items: list[ThreadOut]
    total: int
    page: int
    per_page: int


class MessagePage(Out):
    items: list[MessageOut] = Field(description="newest first")
    total: int
    page: int
    per_page: int


class ThreadDetailOut(Out):
    thread: ThreadOut
    messages: MessagePage


class MessageIn(Body):
    body: str = Field(min_length=1, max_length=MAX_BODY)


class BulletinIn(Body):
    title: str = Field(min_length=1, max_length=BULLETIN_TITLE)
    body: str = Field(min_length=1, max_length=BULLETIN_BODY)
    group_id: Id | None = Field(None, description="a class of the centre; none: the whole centre")


class BulletinOut(Out):
    id: int
    centre_id: int
    centre_name: str
    group_id: int | None
    title: str
    body: str
    sent_at: datetime
    read_at: datetime | None = Field(None, description="a guardian: when they read it")
    recipients: int | None = Field(None, description="the director: how many guardians got it")
    read: int | None = Field(None, description="the director: how many have read it")


class BulletinPage(Out):
    items: list[BulletinOut]
    total: int
    page: int
    per_page: int
