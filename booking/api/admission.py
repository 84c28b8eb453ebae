"""Admission control for the enrolment-day rush (issue 21, part 4; docs/operations.md,
"Serving the rush").

A worker holds at most `TUOWEI_RESERVE_CONCURRENCY` reserves (POST /api/v1/reservations) in
flight at once, shared by its threads; one beyond that is answered at once with 503
`busy` and `Retry-After`, before its token is looked up, instead of waiting its turn for
seconds while searches and centre pages wait behind it. Only threads can be refused this
way: a sync worker runs one request at a time and never reaches the limit (its queue is the
kernel's, which no one can answer early), so the limit goes with gunicorn's gthread workers
(deploy/gunicorn.conf.py). 0 turns it off. The reserve itself is unchanged: a refused
request did nothing, so it can be sent again as it was (its Idempotency-Key included).

`init_app` applies it by path, so the reserve endpoint needs no change; `admitted` is the
same rule as a decorator, for an endpoint that wants it by name.
"""
import threading
from functools import wraps

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l

from ..errors import problem

RESERVE_PATH = "/api/v1/reservations"
BUSY_TITLE = _l("预约的人太多，请稍后再试")


class Gate:
    """A per-process count of requests in flight that never waits: `enter` says yes or no."""

    def __init__(self, limit: int):
        self.limit = limit
        self.inflight = 0
        self._lock = threading.Lock()

    def enter(self) -> bool:
        with self._lock:
            if self.inflight >= self.limit:
                return False
            self.inflight += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self.inflight -= 1


def busy():
    """503 busy, problem+json, with the seconds to wait before sending it again."""
    seconds = current_app.config.get("TUOWEI_RESERVE_RETRY_AFTER", 1)
    resp = problem(503, "busy", BUSY_TITLE, retry_after=seconds)
    resp.headers["Retry-After"] = str(seconds)
    return resp


def _gate():
    return current_app.extensions.get("tuowei_reserve_gate")


def admit():
    """before_request: a reserve beyond the limit is answered now; one admitted is counted
    until its request is torn down (teardown_request runs after errors too)."""
    gate = _gate()
    if gate is None or request.method != "POST" or request.path != RESERVE_PATH:
        return None
    if not gate.enter():
        return busy()
    g._reserve_admitted = True
    return None


def release(_exc=None):
    if g.pop("_reserve_admitted", False):
        _gate().leave()


def admitted(fn):
    """The same limit around one view (when not applied by path)."""
    @wraps(fn)
    def run(*args, **kwargs):
        gate = _gate()
        if gate is None or g.get("_reserve_admitted"):
            return fn(*args, **kwargs)
        if not gate.enter():
            return busy()
        try:
            return fn(*args, **kwargs)
        finally:
            gate.leave()
    return run


def init_app(app) -> None:
    limit = int(app.config.get("TUOWEI_RESERVE_CONCURRENCY") or 0)
    if limit <= 0:
        return
    app.extensions["tuowei_reserve_gate"] = Gate(limit)
    app.before_request(admit)
    app.teardown_request(release)
