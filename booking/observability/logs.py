"""Log lines: plain text for developers, one JSON object per line in production
(TUOWEI_LOG_FORMAT=json), each with the request id (`-` outside a request).

No personal data in logs (PIPL): the code logs ids, never names, ID numbers or phone
numbers. A database error's text can carry a row's values (PostgreSQL's "Key (phone)=(…)
already exists", the statement's parameters), so `log_failure` logs its kind, SQLSTATE and
the stack, never its message; the engine hides parameters too (config.engine_options).
"""
import logging
import sys
import traceback

from flask.logging import default_handler

PLAIN = "[%(asctime)s] %(levelname)s %(request_id)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record a handler sees (its own or a library's)."""

    def filter(self, record):
        if not getattr(record, "request_id", None):
            from .requests import current
            try:
                record.request_id = current() or "-"
            except RuntimeError:  # no app context to read `g` from
                record.request_id = "-"
        return True


def _has(handler, kind) -> bool:
    return any(isinstance(f, kind) for f in handler.filters)


def json_formatter():
    try:
        from pythonjsonlogger.json import JsonFormatter
    except ImportError:  # python-json-logger < 3.1
        from pythonjsonlogger.jsonlogger import JsonFormatter
    return JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level",
                                                     "name": "logger"})


def configure(app) -> None:
    """Called before anything logs (create_app). JSON: one handler on the root logger, so
    library records (gunicorn, SQLAlchemy, APScheduler) come out the same way; plain: Flask's
    own handler with the request id added."""
    if app.config.get("TUOWEI_LOG_FORMAT") == "json":
        root = logging.getLogger()
        handler = next((h for h in root.handlers if getattr(h, "_tuowei", False)), None)
        if handler is None:
            handler = logging.StreamHandler(sys.stderr)
            handler._tuowei = True
            handler.setFormatter(json_formatter())
            handler.addFilter(RequestIdFilter())
            root.addHandler(handler)
        if root.level > logging.INFO or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
        app.logger.removeHandler(default_handler)
        return
    if not _has(default_handler, RequestIdFilter):
        default_handler.addFilter(RequestIdFilter())
        default_handler.setFormatter(logging.Formatter(PLAIN))


def _database_error(err):
    from sqlalchemy.exc import DBAPIError
    return err if isinstance(err, DBAPIError) else None


def log_failure(logger, message: str, *args) -> None:
    """Log the exception being handled, as `logger.exception` would, except that a database
    error's message (which may quote the row: names, phone and ID numbers) is left out."""
    err = sys.exc_info()[1]
    db_err = _database_error(err)
    if db_err is None:
        logger.exception(message, *args)
        return
    orig = db_err.orig
    stack = "".join(traceback.format_tb(err.__traceback__))
    logger.error(message + ": %s (%s, SQLSTATE %s; its text is not logged)\n%s", *args,
                 type(err).__name__, type(orig).__name__,
                 getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "-", stack)


def describe_database_error(err) -> str:
    """One line for a database error without its text: the driver's class and SQLSTATE."""
    orig = getattr(err, "orig", err)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "-"
    return f"{type(orig).__name__} (SQLSTATE {code})"
