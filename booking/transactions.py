"""One unit of work per service command (docs/design.md, "Unit of work").

A command either commits once at its end or, when it refuses (raises), leaves nothing of
what it did: `@command` rolls the session back on the way out. The one exception is work
that must stand although the request is refused (tidying a slot's lapsed holds before a
slot-full answer): the command says so by raising `kept(err)`, which commits first.
Views, API handlers and jobs never commit or roll back themselves.
"""
from functools import wraps

from .extensions import db


def command(fn):
    """Mark a service function as a command: a refusal rolls back everything it did."""
    @wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
    return run


def kept(err: Exception) -> Exception:
    """Commit the work done so far, then return `err` for the caller to raise: the refusal
    keeps it (say why where it is used)."""
    db.session.commit()
    return err


def commit_keeping_loaded() -> None:
    """Commit without expiring what the session holds, so answering from the objects just
    written costs no reload. Only for a command whose objects are exactly what it committed
    and that ends the unit of work (the reserve: its answer is built from its hold). The next
    commit expires as usual."""
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring
