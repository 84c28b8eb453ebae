"""Writing the audit log and notifications. Helpers only add to the session: the calling
service commits them in the same transaction as the change they describe."""
import json
from collections.abc import Iterable
from datetime import date, datetime

from flask import has_request_context, request
from flask_login import current_user

from ..bulk import insert_rows
from ..clock import now
from ..extensions import db
from ..observability.requests import current as current_request_id
from ..transactions import command
from .models import AuditEvent, Notification


def _default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _dump(data):
    return None if data is None else json.dumps(data, ensure_ascii=False, default=_default,
                                                 sort_keys=True)


def _actor_id(actor):
    if actor is not None:
        return actor.id
    if has_request_context():
        from flask import g
        api_user = g.get("api_user")
        if api_user is not None:
            return api_user.id
        if current_user and current_user.is_authenticated:
            return current_user.id
    return None


def record(action: str, entity, *, before=None, after=None, actor=None, centre_id=None,
           reason=None, at=None) -> AuditEvent:
    """Add an audit event for `entity` (a model instance, or a (type, id) pair)."""
    if isinstance(entity, tuple):
        entity_type, entity_id = entity
    else:
        db.session.flush()
        entity_type, entity_id = entity.__tablename__, entity.id
    event = AuditEvent(
        at=at or now(), actor_id=_actor_id(actor), action=action, entity_type=entity_type,
        entity_id=entity_id, centre_id=centre_id, before=_dump(before), after=_dump(after),
        reason=reason, ip=request.remote_addr if has_request_context() else None,
        request_id=current_request_id())
    db.session.add(event)
    return event


def notify(user_id: int, kind: str, at=None, **params) -> Notification:
    note = Notification(user_id=user_id, kind=kind, params=_dump(params), created_at=at or now())
    db.session.add(note)
    return note


def record_many(rows: Iterable[dict], at=None) -> None:
    """Many audit events, a chunk of thousands per statement (the sweep's batches, a round's
    draw; booking/bulk.py), in the order given. Each row: action, entity_type, entity_id, and
    optionally centre_id, before, after, actor_id, reason. `rows` may be a generator of plain
    values: beyond the first chunk they are serialised in a thread of their own (bulk.py)."""
    columns = ["actor_id", "action", "entity_type", "entity_id", "centre_id", "before",
               "after", "reason"]
    insert_rows(AuditEvent.__table__, columns, (
        [r.get("actor_id"), r["action"], r["entity_type"], r["entity_id"], r.get("centre_id"),
         _dump(r.get("before")), _dump(r.get("after")), r.get("reason")] for r in rows),
        at=at or now(), request_id=current_request_id())


def notify_many(rows: Iterable[dict], at=None) -> None:
    """Many notifications, a chunk of thousands per statement, in the order given. Each row:
    user_id, kind, params (dict). `rows` as record_many's."""
    insert_rows(Notification.__table__, ["user_id", "kind", "params"],
                ([r["user_id"], r["kind"], _dump(r.get("params") or {})] for r in rows),
                created_at=at or now())


@command
def mark_read(user, *, up_to_id: int | None = None, now=None) -> int:
    """Mark the unread notifications of `user` read (opening the inbox reads them all).

    `up_to_id` limits it to the notifications the reader was shown, so one that arrives
    while the page renders stays unread. Returns how many were marked. Reading changes no
    record of the domain, so no audit event.
    """
    from sqlalchemy import update

    from ..clock import now as clock_now
    stmt = update(Notification).where(Notification.user_id == user.id,
                                      Notification.read_at.is_(None))
    if up_to_id is not None:
        stmt = stmt.where(Notification.id <= up_to_id)
    result = db.session.execute(stmt.values(read_at=now or clock_now())
                                .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount or 0
