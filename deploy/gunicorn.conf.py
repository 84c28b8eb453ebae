"""gunicorn's settings for the image (Dockerfile). Every value can be overridden from the
environment (GUNICORN_CMD_ARGS or the variables read below).

Metrics: each worker is its own process, so prometheus-client keeps its samples in files
under PROMETHEUS_MULTIPROC_DIR and /metrics adds them up (booking/observability). The
directory is emptied when the master starts (samples of a previous run would be counted
again), and a dead worker's live gauges are dropped by `child_exit`.
"""
import os
import shutil

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# Threads (gthread workers): on the enrolment-day rush a sync worker's queue is the kernel's,
# so a search waited behind every reserve sent before it (issue 21, bench/browse.py: browse
# p50 12 s with 4 sync workers, 0.26 s with 4 × 8 threads; docs/operations.md, "Serving
# the rush"). TUOWEI_RESERVE_CONCURRENCY (off by default) would answer 503 beyond a limit.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests (a slow leak never grows far).
max_requests = 2000
max_requests_jitter = 200
accesslog = None  # nginx logs each request; the app logs with the request id
errorlog = "-"

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/prometheus")

# gunicorn's own lines (worker start, timeout, exit) in the app's format: JSON in production.
if os.environ.get("TUOWEI_LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "booking.observability.logs.json_formatter"}},
        "handlers": {"error_console": {"class": "logging.StreamHandler", "formatter": "json",
                                       "stream": "ext://sys.stderr"}},
        # gunicorn merges this over its defaults one level deep: every handler named here.
        "root": {"level": "INFO", "handlers": ["error_console"]},
        "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["error_console"],
                                       "propagate": False, "qualname": "gunicorn.error"},
                    "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False,
                                        "qualname": "gunicorn.access"}},
    }


def on_starting(server):
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
