"""Serialising bookings of one session, the way places are (places/locking.py).

Every transaction that changes who has a session's places FIRST writes the session row:
on PostgreSQL the UPDATE takes the row lock, so a second booking waits for the first to
commit and then counts again; on SQLite the first write takes the database's write lock.
A family's yearly quota spans sessions, so a booking first writes the parent's own row too
(always parent, then session: one order, so two bookings never wait on each other in a
circle).
"""
from sqlalchemy import update

from ..auth.models import User
from ..errors import NotFound
from ..extensions import db
from .models import CareSession


def lock_family(parent) -> None:
    """Write the booking parent's row (a no-op change that takes its lock)."""
    db.session.execute(update(User).where(User.id == parent.id).values(locale=User.locale)
                       .execution_options(synchronize_session=False))


def lock_session(session_id: int) -> CareSession:
    """Write the session row (taking its lock) and return it fresh from the database.

    :raises NotFound: no such session.
    """
    result = db.session.execute(
        update(CareSession).where(CareSession.id == session_id)
        .values(version=CareSession.version + 1).execution_options(synchronize_session=False))
    if result.rowcount == 0:
        raise NotFound()
    return db.session.get(CareSession, session_id, populate_existing=True)
