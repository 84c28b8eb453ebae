"""Idempotency-Key: the same key from the same user within 24 h replays the first answer."""
import hashlib
import json
from datetime import timedelta

from flask import g, jsonify, make_response, request
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..clock import now
from ..errors import BadRequest
from ..extensions import db
from .models import IdempotencyRecord

WINDOW = timedelta(hours=24)


def replay_or_run(run):
    key = request.headers.get("Idempotency-Key")
    user = g.get("api_user")
    if not key or user is None:
        return run()
    if len(key) > 200:
        raise BadRequest(_("Idempotency-Key 最长 200 个字符"))
    # A key names one request: the same key sent to another path is another request.
    key = hashlib.sha256(f"{request.method} {request.path}\n{key}".encode()).hexdigest()
    found = db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key,
        IdempotencyRecord.created_at > now() - WINDOW))
    if found is not None:
        resp = jsonify(json.loads(found.body))
        resp.status_code = found.status
        if found.status >= 400:
            resp.content_type = "application/problem+json"
        resp.headers["Idempotent-Replayed"] = "true"
        return resp
    resp = make_response(run())
    if resp.status_code < 500:
        # An old record with this key (past the window) gives way to the new one.
        db.session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key))
        db.session.add(IdempotencyRecord(user_id=user.id, key=key, request_path=request.path,
                                         status=resp.status_code,
                                         body=resp.get_data(as_text=True)))
        try:
            db.session.commit()
        except IntegrityError:  # the same key raced in from a second request: keep the first
            db.session.rollback()
    return resp
