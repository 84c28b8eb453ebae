"""Prometheus metrics (docs/operations.md, "Metrics"): requests by Flask endpoint (never the
raw path: ids in paths would make a series per record), holds granted and refused, offers,
lapses swept, job runs, and the email backlog read from the database at scrape time.

Counting costs a dictionary look-up and an add: it sits in the hot path of an enrolment rush.
With PROMETHEUS_MULTIPROC_DIR set (gunicorn, deploy/gunicorn.conf.py) every worker writes its
samples to files there and a scrape adds them up, whichever worker answers it.
"""
import hmac
import os
import time
from functools import wraps

from flask import abort, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter,
                               Histogram, generate_latest)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter("tuowei_http_requests_total", "Requests answered, by Flask endpoint",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("tuowei_http_request_duration_seconds",
                    "Time to answer a request, by Flask endpoint", ["endpoint", "method"],
                    buckets=(.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
HOLDS_GRANTED = Counter("tuowei_holds_granted_total", "Places held (place_hold)")
HOLDS_REFUSED = Counter("tuowei_holds_refused_total",
                        "Holds refused, by the problem slug (slot-full, already-placed, ...)",
                        ["reason"])
OFFERS_MADE = Counter("tuowei_offers_made_total", "Places offered to waitlisted families")
LAPSES_SWEPT = Counter("tuowei_lapses_swept_total", "Lapsed holds expired by the sweep")
JOB_RUNS = Counter("tuowei_job_runs_total", "Scheduled job runs", ["job", "outcome"])
JOB_DURATION = Histogram("tuowei_job_duration_seconds", "Time a scheduled job ran", ["job"],
                         buckets=(.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300))

UNMATCHED = "<unmatched>"  # a path no route knows: one series for all of them


def count_holds(fn):
    """Count what place_hold answers: each hold made (multiples count one each), or the
    refusal's slug. Outside the command's transaction: a refusal is counted once."""
    from ..errors import BookingError

    @wraps(fn)
    def run(*args, **kwargs):
        try:
            hold = fn(*args, **kwargs)
        except BookingError as err:
            HOLDS_REFUSED.labels(reason=err.slug).inc()
            raise
        HOLDS_GRANTED.inc(1 + len(getattr(hold, "together", None) or ()))
        return hold
    return run


def offers_made(n: int) -> None:
    if n:
        OFFERS_MADE.inc(n)


def lapses_swept(n: int) -> None:
    if n:
        LAPSES_SWEPT.inc(n)


def job_ran(name: str, seconds: float, ok: bool) -> None:
    JOB_RUNS.labels(job=name, outcome="ok" if ok else "failed").inc()
    JOB_DURATION.labels(job=name).observe(seconds)


class BacklogCollector:
    """Emails waiting to go out, counted when Prometheus asks (one indexed count)."""

    def collect(self):
        from sqlalchemy import func, select

        from ..audit.delivery import MAX_ATTEMPTS
        from ..notices.preferences import GROUPS
        from ..audit.models import Notification
        from ..extensions import db
        n = db.session.scalar(select(func.count(Notification.id)).where(
            Notification.emailed_at.is_(None), Notification.email_attempts < MAX_ATTEMPTS,
            # Everyday notices are emailed only to the few who ask: not a backlog to watch.
            Notification.kind.not_in(GROUPS["everyday"])))
        gauge = GaugeMetricFamily("tuowei_notification_backlog",
                                  "Notifications whose email has not been sent yet")
        gauge.add_metric([], n or 0)
        yield gauge


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition() -> bytes:
    """The text Prometheus reads: this process's (or all workers') samples, then the backlog."""
    if multiprocess_dir():
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    backlog = CollectorRegistry(auto_describe=False)
    backlog.register(BacklogCollector())
    return generate_latest(registry) + generate_latest(backlog)


def _authorised() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)  # not configured: as if there were no such page
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                              token.encode())


def metrics_view():
    if not _authorised():
        return ("", 401, {"WWW-Authenticate": 'Bearer realm="metrics"',
                          "Cache-Control": "no-store"})
    return exposition(), 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}


def init_app(app):
    app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])

    @app.before_request
    def _start_clock():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count_request(response):
        started = g.pop("metrics_started", None)
        if started is not None:
            endpoint = request.endpoint or UNMATCHED
            REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
            LATENCY.labels(endpoint, request.method).observe(time.perf_counter() - started)
        return response
