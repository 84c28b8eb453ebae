"""The request id: taken from the proxy's X-Request-ID when it is well formed, made here
otherwise, echoed in the answer, written on every log line and audit event of the request.

A caller's header is only trusted as far as its shape: at most 64 characters of letters,
digits, '-', '_' and '.', so it can neither break a log line nor grow the audit row.
"""
import re
import uuid

from flask import g, has_request_context, request

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def valid_or_new(raw: str | None) -> str:
    if raw and _VALID.fullmatch(raw):
        return raw
    return uuid.uuid4().hex


def current() -> str | None:
    """This request's id, or None outside a request (the scheduler, a command)."""
    if not has_request_context():
        return None
    rid = g.get("request_id")
    if rid is None:  # a log line or audit event before the first hook ran
        rid = g.request_id = valid_or_new(request.headers.get(HEADER))
    return rid


def init_app(app):
    @app.before_request
    def _take_request_id():
        g.request_id = valid_or_new(request.headers.get(HEADER))

    @app.after_request
    def _echo_request_id(response):
        rid = current()
        if rid:
            response.headers[HEADER] = rid
        return response
