"""APScheduler wiring only: which service runs how often. The scheduler runs in its own
process (`flask --app wsgi scheduler`), never inside web workers (docs/design.md, Jobs)."""
import logging
import time

from apscheduler.schedulers.blocking import BlockingScheduler

log = logging.getLogger("tuowei.jobs")


def _in_context(app, func):
    def run():
        from .observability.metrics import job_ran
        started, ok = time.perf_counter(), False
        with app.app_context():
            try:
                done = func()
                ok = True
                if done:
                    log.info("%s: %s", func.__name__, done)
            except Exception:  # a failed run is logged; the next run catches up
                from .observability.logs import log_failure
                log_failure(log, "job %s failed", func.__name__)
                from .extensions import db
                db.session.rollback()
            finally:
                job_ran(func.__name__, time.perf_counter() - started, ok)
    run.__name__ = func.__name__
    return run


def job_table():
    from .audit.delivery import deliver_emails
    from .places.sweeps import release_lapsed, release_leavers, remind_lapsing, serve_waitlists
    from .fees.services import post_monthly_charges
    from .regulator.snapshots import take_snapshot
    from .outbreaks.detection import check_outbreaks
    from .health.deadlines import remind_check_window
    from .notices.delivery import deliver_notices
    from .subsidies.jobs import generate_last_month
    from .recognition.services import expire_recognitions
    from .exams.jobs import mark_no_shows, remind_exams
    return [(release_lapsed, "TUOWEI_SWEEP_SECONDS"), (remind_lapsing, "TUOWEI_SWEEP_SECONDS"),
            (deliver_emails, "TUOWEI_SWEEP_SECONDS"), (take_snapshot, "TUOWEI_SNAPSHOT_SECONDS"),
            (post_monthly_charges, "TUOWEI_CHARGES_SECONDS"),
            (release_leavers, "TUOWEI_SWEEP_SECONDS"),
            (serve_waitlists, "TUOWEI_SWEEP_SECONDS"),
            (check_outbreaks, "TUOWEI_SWEEP_SECONDS"),
            (remind_check_window, "TUOWEI_SWEEP_SECONDS"),
            (deliver_notices, "TUOWEI_SWEEP_SECONDS"),
            (generate_last_month, "TUOWEI_CHARGES_SECONDS"),
            (expire_recognitions, "TUOWEI_SNAPSHOT_SECONDS"),
            (remind_exams, "TUOWEI_SWEEP_SECONDS"), (mark_no_shows, "TUOWEI_SWEEP_SECONDS")]


def build_scheduler(app, scheduler_class=BlockingScheduler):
    scheduler = scheduler_class(timezone="UTC")
    for func, setting in job_table():
        scheduler.add_job(_in_context(app, func), "interval", seconds=app.config[setting],
                          id=func.__name__, max_instances=1, coalesce=True,
                          misfire_grace_time=None, next_run_time=_now())
    return scheduler


def _now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)
