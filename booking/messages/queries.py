"""Reading conversations for pages and the API: a family's threads, a centre's inbox (unread
first, unanswered ones flagged), a thread's messages with their read receipts. The writes
are in services.py; who may see what is access.py's."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..centres.models import Centre
from ..children.models import Child, Guardianship
from ..clock import now as clock_now
from ..extensions import db
from ..reservations.models import Reservation, live_at
from ..slots.models import Slot
from . import access
from .models import Message, Thread, ThreadReader

# A family's last message with no answer from the centre for this long is flagged in the
# inbox (decided when the inbox is read, from the clock: no job marks it).
UNANSWERED_AFTER = timedelta(hours=24)


@dataclass
class ThreadRow:
    thread: Thread
    last_at: datetime | None          # the newest message, any side
    last_family_at: datetime | None
    last_centre_at: datetime | None
    unread: int                       # the other side's messages the reader has not read
    flagged: bool                     # the family waits for an answer for UNANSWERED_AFTER
    may_write: bool = True

    @property
    def waiting_since(self) -> datetime | None:
        """When the family's unanswered message was sent, if the centre has not answered."""
        if self.last_family_at and (self.last_centre_at is None
                                    or self.last_centre_at < self.last_family_at):
            return self.last_family_at
        return None


def _last(side=None):
    where = [Message.thread_id == Thread.id]
    if side is not None:
        where.append(Message.side == side)
    return select(func.max(Message.sent_at)).where(*where).correlate(Thread).scalar_subquery()


def _unread(user, side: str):
    upto = select(ThreadReader.last_read_message_id).where(
        ThreadReader.thread_id == Thread.id, ThreadReader.user_id == user.id) \
        .correlate(Thread).scalar_subquery()
    return select(func.count(Message.id)).where(
        Message.thread_id == Thread.id, Message.side == access.other_side(side),
        Message.id > func.coalesce(upto, 0)).correlate(Thread).scalar_subquery()


def _rows(user, stmt, now) -> list[ThreadRow]:
    side = access.side_of(user)
    stmt = stmt.add_columns(_last(), _last("family"), _last("centre"), _unread(user, side)) \
        .options(selectinload(Thread.child), selectinload(Thread.centre))
    out = []
    for thread, last_at, last_family, last_centre, unread in db.session.execute(stmt).all():
        row = ThreadRow(thread, last_at, last_family, last_centre, unread or 0, False)
        row.flagged = (row.waiting_since is not None
                       and now - row.waiting_since >= UNANSWERED_AFTER)
        out.append(row)
    return out


def _order(rows: list[ThreadRow]) -> list[ThreadRow]:
    """Unread first, then those waiting for an answer longest, then the latest."""
    return sorted(rows, key=lambda r: (r.unread == 0, not r.flagged,
                                       -(r.last_at or r.thread.created_at).timestamp()))


def inbox(user, now=None) -> list[ThreadRow]:
    """A staff member's centre's conversations with families whose child has a place there
    now; unread (by this staff member) first, then those flagged as unanswered."""
    now = now or clock_now()
    placed = select(Reservation.child_id).join(Slot).where(
        Slot.centre_id == user.centre_id, live_at(now))
    stmt = select(Thread).where(Thread.centre_id == user.centre_id,
                                Thread.child_id.in_(placed))
    return _order(_rows(user, stmt, now))


def unanswered_count(user, now=None) -> int:
    return sum(1 for r in inbox(user, now) if r.flagged)


def _for_family(rows: list[ThreadRow], now) -> list[ThreadRow]:
    for r in rows:
        r.flagged = False  # the flag is the centre's to-do, not the family's
        r.may_write = access.child_at_centre(r.thread.child_id, r.thread.centre_id, now)
    return rows


def for_guardian(user, now=None) -> list[ThreadRow]:
    """A guardian's conversations with every centre, about each of their children."""
    now = now or clock_now()
    mine = select(Guardianship.child_id).join(Child).where(
        Guardianship.user_id == user.id, Child.anonymised_at.is_(None))
    return _order(_for_family(_rows(user, select(Thread).where(Thread.child_id.in_(mine)), now),
                              now))


def row_for(user, thread: Thread, now=None) -> ThreadRow:
    """One thread as the reader's list shows it (the caller has checked they take part)."""
    now = now or clock_now()
    rows = _rows(user, select(Thread).where(Thread.id == thread.id), now)
    return (rows if user.role == "staff" else _for_family(rows, now))[0]


def openable(user, now=None) -> list[tuple[Child, Centre]]:
    """(child, centre) pairs a guardian may start a conversation for and has not yet: the
    child has a live place there."""
    now = now or clock_now()
    have = select(Thread.id).where(Thread.child_id == Reservation.child_id,
                                   Thread.centre_id == Slot.centre_id).exists()
    rows = db.session.execute(
        select(Child, Centre).select_from(Reservation).join(Slot).join(Centre)
        .join(Child, Child.id == Reservation.child_id)
        .join(Guardianship, Guardianship.child_id == Child.id)
        .where(Guardianship.user_id == user.id, Child.anonymised_at.is_(None),
               live_at(now), ~have)
        .order_by(Child.birth_date, Child.id, Centre.id).distinct()).all()
    return [(child, centre) for child, centre in rows]


def children_without_thread(user, now=None) -> list[Child]:
    """Children with a live place at the staff member's centre and no conversation yet."""
    now = now or clock_now()
    have = select(Thread.id).where(Thread.child_id == Child.id,
                                   Thread.centre_id == user.centre_id).exists()
    return db.session.scalars(
        select(Child).join(Reservation, Reservation.child_id == Child.id).join(Slot)
        .where(Slot.centre_id == user.centre_id, live_at(now), Child.anonymised_at.is_(None),
               ~have).order_by(Child.name, Child.id).distinct()).all()


def messages_of(thread_id: int, *, newest_first=False, limit=None, offset=0) -> list[Message]:
    stmt = select(Message).where(Message.thread_id == thread_id).options(
        selectinload(Message.author), selectinload(Message.attachments)).order_by(
        Message.id.desc() if newest_first else Message.id)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return db.session.scalars(stmt).all()


def message_count(thread_id: int) -> int:
    return db.session.scalar(select(func.count(Message.id)).where(Message.thread_id == thread_id))


def read_up_to(thread_id: int) -> dict[str, int]:
    """How far each side has read: the furthest receipt of any of its participants."""
    rows = db.session.execute(select(ThreadReader.side, func.max(ThreadReader.last_read_message_id))
                              .where(ThreadReader.thread_id == thread_id)
                              .group_by(ThreadReader.side)).all()
    return {side: upto or 0 for side, upto in rows}


def read_by_other_side(message: Message, marks: dict[str, int]) -> bool:
    """已读: someone on the other side has read the thread at least up to this message."""
    return marks.get(access.other_side(message.side), 0) >= message.id


def unread_total(user, now=None) -> int:
    """Unread messages across the user's conversations (a badge, not a notice)."""
    rows = inbox(user, now) if user.role == "staff" else for_guardian(user, now)
    return sum(r.unread for r in rows)

