"""Messages between a child's guardians and its centre (家托共育), and the centre's bulletins
(docs/messages.md)."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

# Which side of the conversation a message or a reader is on: the child's family, or the
# centre (its staff speak as the centre, never as themselves).
SIDES = ("family", "centre")
MAX_BODY = 2000          # characters of one message
MAX_ATTACHMENTS = 3      # files on one message
BULLETIN_TITLE = 100
BULLETIN_BODY = 4000


class Thread(db.Model):
    """The one conversation of a child with a centre."""

    __tablename__ = "message_thread"
    __table_args__ = (
        db.UniqueConstraint("child_id", "centre_id", name="uq_message_thread_child_centre"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # Written (not read) by every post first: posts to one thread queue behind each other, so
    # "one unread notice per thread" holds between two of them (docs/design.md, Locking).
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    child = relationship("Child")
    centre = relationship("Centre")


class Message(db.Model):
    __tablename__ = "message"
    __table_args__ = (
        CheckConstraint(enum_check("side", SIDES), name="side"),
        Index("ix_message_thread_sent", "thread_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    side: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    thread = relationship("Thread")
    author = relationship("User")
    attachments = relationship("MessageAttachment", order_by="MessageAttachment.id",
                               back_populates="message")


class MessageAttachment(db.Model):
    """A photo or PDF sent with a message, stored outside the web root under a random name
    (the health attachments' rules: health/attachments.py)."""

    __tablename__ = "message_attachment"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)

    message = relationship("Message", back_populates="attachments")


class ThreadReader(db.Model):
    """One participant's place in a thread: how far they have read (read receipts), and the
    unread notice they were sent about it, if any (one at a time per thread)."""

    __tablename__ = "message_reader"
    __table_args__ = (
        CheckConstraint(enum_check("side", SIDES), name="side"),
        db.UniqueConstraint("thread_id", "user_id", name="uq_message_reader_thread_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    # The side they read for, kept as it was: a staff member who later leaves still read it
    # for the centre.
    side: Mapped[str] = mapped_column(String(8))
    last_read_message_id: Mapped[int | None] = mapped_column(Integer)
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id"))


class Bulletin(db.Model):
    """A notice from the director to the families of the whole centre or of one class."""

    __tablename__ = "bulletin"
    __table_args__ = (Index("ix_bulletin_centre_sent", "centre_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("centre_group.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    title: Mapped[str] = mapped_column(String(BULLETIN_TITLE))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    centre = relationship("Centre")
    group = relationship("Group")
    author = relationship("User")


class BulletinRecipient(db.Model):
    """A guardian a bulletin went to (fixed when it is sent), and when they read it."""

    __tablename__ = "bulletin_recipient"
    __table_args__ = (
        db.UniqueConstraint("bulletin_id", "user_id", name="uq_bulletin_recipient_bulletin_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletin.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bulletin = relationship("Bulletin")
