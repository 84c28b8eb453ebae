"""Idempotency-Key: the same key from the same user within 24 h replays the first answer.

Claim before work (docs/design.md): the key's row is inserted and committed before the handler
runs, so of concurrent requests with one key exactly one does the work; the others get its
answer once it is stored, or 409 `conflict` while it is still running (docs/api.md, Idempotency).
Only successes are stored and replayed: a refusal or a failure releases the claim, so a retry
is evaluated afresh. A claim left behind by a worker that died mid-request is taken over after
CLAIM_TIMEOUT, so it never blocks the key for the rest of the window.
"""
import hashlib
import json
from datetime import timedelta

from flask import current_app, g, jsonify, make_response, request
from flask_babel import gettext as _
from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..clock import now
from ..errors import BadRequest, Conflict, ValidationFailed
from ..extensions import db
from .models import IdempotencyRecord

WINDOW = timedelta(hours=24)
# Far longer than any request may run (gunicorn's timeout is 30 s): a claim this old belongs to
# a worker that is gone.
CLAIM_TIMEOUT = timedelta(seconds=60)


def replay_or_run(run):
    key = request.headers.get("Idempotency-Key")
    user = g.get("api_user")
    if not key or user is None:
        return run()
    if len(key) > 200:
        raise BadRequest(_("Idempotency-Key 最长 200 个字符"))
    key = record_key(request.method, request.path, key)
    user_id = user.id
    claimed = _claim(user_id, key, _fingerprint())
    if not isinstance(claimed, int):
        return claimed  # the first answer, replayed
    try:
        resp = make_response(run())
    except BaseException:
        _release(claimed)
        raise
    if resp.status_code >= 400:
        _release(claimed)
        return resp
    db.session.execute(update(IdempotencyRecord).where(
        IdempotencyRecord.id == claimed, IdempotencyRecord.status.is_(None))
        .values(status=resp.status_code, body=resp.get_data(as_text=True))
        .execution_options(synchronize_session=False))
    db.session.commit()
    return resp


def record_key(method: str, path: str, key: str) -> str:
    """The stored key. A key names one request: the same key sent to another path is another
    request."""
    return hashlib.sha256(f"{method} {path}\n{key}".encode()).hexdigest()


def _multipart() -> bytes:
    """A form with files by its fields and the files' names and contents: a client retrying
    an upload picks a new boundary, and that must not make it another request."""
    parts = sorted(f"f {k}={v}" for k, v in request.form.items(multi=True))
    for field, storage in request.files.items(multi=True):
        digest = hashlib.sha256(storage.stream.read()).hexdigest()
        storage.stream.seek(0)
        parts.append(f"u {field}={storage.filename}:{digest}")
    return "\n".join(sorted(parts)).encode()


def _fingerprint() -> str:
    """SHA-256 of what the request asks for; JSON bodies are compared by content, not by
    spacing or key order; forms with files by their fields and files (`_multipart`)."""
    raw = request.get_data(cache=True)
    head = f"{request.method} {request.path}?{request.query_string.decode('latin-1')}\n"
    if request.mimetype == "multipart/form-data":
        return hashlib.sha256(head.encode() + _multipart()).hexdigest()
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode()
    except ValueError:
        body = raw
    return hashlib.sha256(head.encode() + body).hexdigest()


def _claim(user_id: int, key: str, fingerprint: str):
    """Claim the key in a transaction of its own; return the claim's id, or the stored answer.

    :raises Conflict: the first request with this key is still running.
    :raises ValidationFailed: the key was used for a different request.
    """
    # Whatever the request has read so far ends here: the claim commits on its own.
    db.session.commit()
    for _attempt in range(3):
        t = now()
        try:
            claim_id = db.session.execute(insert(IdempotencyRecord).values(
                user_id=user_id, key=key, request_path=request.path[:200],
                request_sha256=fingerprint, created_at=t)
                .returning(IdempotencyRecord.id)).scalar_one()
            db.session.commit()
            return claim_id
        except IntegrityError:
            db.session.rollback()
        found = db.session.scalar(select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
            .execution_options(populate_existing=True))
        if found is None:
            continue  # released between our insert and our read: claim it again
        stale = or_(IdempotencyRecord.created_at <= t - WINDOW,
                    and_(IdempotencyRecord.status.is_(None),
                         IdempotencyRecord.created_at <= t - CLAIM_TIMEOUT))
        if (found.created_at <= t - WINDOW
                or (found.status is None and found.created_at <= t - CLAIM_TIMEOUT)):
            # Past its window, or abandoned: take it over. The condition is checked again in
            # the UPDATE, so of two requests taking it over at once only one succeeds.
            taken = db.session.execute(update(IdempotencyRecord).where(
                IdempotencyRecord.id == found.id, stale).values(
                request_path=request.path[:200], request_sha256=fingerprint, status=None,
                body=None, created_at=t).execution_options(synchronize_session=False))
            db.session.commit()
            if taken.rowcount == 1:
                return found.id
            continue
        if found.request_sha256 is not None and found.request_sha256 != fingerprint:
            raise ValidationFailed(errors={"Idempotency-Key": [
                _("这个 Idempotency-Key 已用于另一个请求，请为新的请求换一个 key")]})
        if found.status is None:
            raise Conflict(_("同一个 Idempotency-Key 的请求正在处理，请稍后重试"))
        return _replay(found)
    raise Conflict(_("同一个 Idempotency-Key 的请求正在处理，请稍后重试"))


def _replay(found: IdempotencyRecord):
    resp = jsonify(json.loads(found.body))
    resp.status_code = found.status
    if found.status >= 400:  # stored before only successes were kept
        resp.content_type = "application/problem+json"
    resp.headers["Idempotent-Replayed"] = "true"
    return resp


def _release(claim_id: int) -> None:
    """Give the key back so a retry runs afresh; the failed work is rolled back first."""
    try:
        db.session.rollback()
        db.session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.id == claim_id, IdempotencyRecord.status.is_(None)))
        db.session.commit()
    except SQLAlchemyError:  # the database is gone: the claim lapses after CLAIM_TIMEOUT
        db.session.rollback()
        from ..observability.logs import log_failure
        log_failure(current_app.logger, "could not release idempotency claim %s", claim_id)
