"""Every setting comes from the environment (12-factor); defaults suit `make demo`.

Secrets have no built-in default: without `SECRET_KEY` the app refuses to start unless
`TUOWEI_DEV=1` says this is a developer's machine (docs/operations.md, "Secrets").
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path

from .clock import LOCAL

INSTANCE = Path(__file__).resolve().parent.parent / "instance"


class ConfigError(RuntimeError):
    """A setting production needs is missing; the message names it."""


def _dev_secret() -> str:
    """A random key kept in `instance/dev-secret-key` (mode 0600) for development only: sessions
    survive a restart, and no key is written into the code where anyone could read it."""
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "dev-secret-key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _int(name, default):
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _secure_cookies():
    """TUOWEI_SECURE_COOKIES=1 or 0; unset is None: Secure on the requests that came over HTTPS
    (booking/auth/cookies.py), so `make demo` over plain HTTP still signs in."""
    raw = os.environ.get("TUOWEI_SECURE_COOKIES")
    return None if raw in (None, "") else raw == "1"


def _database_url():
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE / 'tuowei.sqlite'}"
    # Heroku-style URLs name the old driver; psycopg 3 is the one we install.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    def __init__(self):
        self.TUOWEI_DEV = os.environ.get("TUOWEI_DEV") == "1"
        # None outside development when unset: create_app() then refuses to start.
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or (_dev_secret() if self.TUOWEI_DEV
                                                           else None)
        self.SQLALCHEMY_DATABASE_URI = _database_url()
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_ENABLED = os.environ.get("TUOWEI_RATELIMIT", "1") != "0"
        self.RATELIMIT_HEADERS_ENABLED = True
        # Redis down must not take login down: counting goes on in this process's memory
        # (Flask-Limiter logs a warning) and moves back to Redis when it answers again.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        # A Redis that does not answer costs a request one second, not a hung worker.
        self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
        self.TUOWEI_LOGIN_LIMIT = os.environ.get("TUOWEI_LOGIN_LIMIT", "10 per minute")
        # Failed sign-ins per account, from any address (web and API count together).
        self.TUOWEI_ACCOUNT_LIMIT = os.environ.get("TUOWEI_ACCOUNT_LIMIT", "10 per 15 minutes")
        # Reverse proxies in front of the app that set X-Forwarded-For/-Proto/-Host: with 0,
        # those headers are ignored (anyone could forge them); the peer address is the client.
        self.TUOWEI_PROXIES = _int("TUOWEI_PROXIES", 0)
        # Reserves in flight per worker process (its threads share it); one more is answered
        # 503 busy with Retry-After at once instead of queueing (booking/api/admission.py).
        # Only gthread workers (threads > 1) can reach it. 0, off, by default: measured at 2
        # and 4 per worker, the parents' retries made the rush 3-4 times longer and browsing
        # no faster (docs/operations.md, "Serving the rush").
        self.TUOWEI_RESERVE_CONCURRENCY = _int("TUOWEI_RESERVE_CONCURRENCY", 0)
        self.TUOWEI_RESERVE_RETRY_AFTER = _int("TUOWEI_RESERVE_RETRY_AFTER", 1)
        self.TUOWEI_HOLD_TTL_SECONDS = _int("TUOWEI_HOLD_TTL_SECONDS", 172800)
        # A pooled PostgreSQL connection idle longer than this is pinged before use
        # (booking/pool.py); a busy one is not, saving a round trip per request.
        self.TUOWEI_DB_PING_IDLE_SECONDS = _int("TUOWEI_DB_PING_IDLE_SECONDS", 10)
        # Centres whose public page each worker keeps (docs/design.md, "The centre page cache").
        self.TUOWEI_PAGECACHE_SIZE = _int("TUOWEI_PAGECACHE_SIZE", 1000)
        self.TUOWEI_OFFER_TTL_SECONDS = _int("TUOWEI_OFFER_TTL_SECONDS", 86400)
        self.TUOWEI_SWEEP_SECONDS = _int("TUOWEI_SWEEP_SECONDS", 60)
        # The coverage snapshot runs hourly and keeps the first of each day (idempotent).
        self.TUOWEI_SNAPSHOT_SECONDS = _int("TUOWEI_SNAPSHOT_SECONDS", 3600)
        # How often the monthly fees are posted (each enrolment once a month; re-runs post nothing).
        self.TUOWEI_CHARGES_SECONDS = _int("TUOWEI_CHARGES_SECONDS", 3600)
        self.TUOWEI_TOKEN_TTL_SECONDS = _int("TUOWEI_TOKEN_TTL_SECONDS", 30 * 86400)
        # How long an admin's one-time password link works.
        self.TUOWEI_RESET_TTL_SECONDS = _int("TUOWEI_RESET_TTL_SECONDS", 86400)
        # Key for the encrypted ID numbers (PIPL). Unset, it is derived from SECRET_KEY and a
        # warning is logged at start-up: rotating SECRET_KEY would then lose the ID numbers.
        self.TUOWEI_FIELD_KEY = os.environ.get("TUOWEI_FIELD_KEY") or None
        # Longest a staff member may be rostered in one day, in hours (shifts summed). Not a
        # national figure: 劳动法 art. 36 sets 8 hours a day on average; centres open 10-11.
        self.TUOWEI_MAX_SHIFT_HOURS = _int("TUOWEI_MAX_SHIFT_HOURS", 10)
        # Sessions (临时托育): this many no-shows within the window refuse new bookings.
        self.TUOWEI_NO_SHOW_LIMIT = _int("TUOWEI_NO_SHOW_LIMIT", 3)
        self.TUOWEI_NO_SHOW_WINDOW_DAYS = _int("TUOWEI_NO_SHOW_WINDOW_DAYS", 90)
        self.SMTP_HOST = os.environ.get("SMTP_HOST") or None
        self.SMTP_PORT = _int("SMTP_PORT", 25)
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@tuowei.example")
        # Notices to phones (docs/notices.md). A channel with any of its keys empty is off.
        self.ALIYUN_SMS_ACCESS_KEY_ID = os.environ.get("ALIYUN_SMS_ACCESS_KEY_ID", "")
        self.ALIYUN_SMS_ACCESS_KEY_SECRET = os.environ.get("ALIYUN_SMS_ACCESS_KEY_SECRET", "")
        self.ALIYUN_SMS_SIGN_NAME = os.environ.get("ALIYUN_SMS_SIGN_NAME", "")
        self.ALIYUN_SMS_TEMPLATE_CODE = os.environ.get("ALIYUN_SMS_TEMPLATE_CODE", "")
        self.ALIYUN_SMS_BASE_URL = os.environ.get("ALIYUN_SMS_BASE_URL", "https://dysmsapi.aliyuncs.com/")
        self.WECHAT_APPID = os.environ.get("WECHAT_APPID", "")
        self.WECHAT_SECRET = os.environ.get("WECHAT_SECRET", "")
        self.WECHAT_TEMPLATE_ID = os.environ.get("WECHAT_TEMPLATE_ID", "")
        self.WECHAT_BASE_URL = os.environ.get("WECHAT_BASE_URL", "https://api.weixin.qq.com")
        self.BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
        # Pages show the time where the centres are; China has one time zone (clock.LOCAL).
        self.BABEL_DEFAULT_TIMEZONE = LOCAL.key
        self.LANGUAGES = ["zh_Hans_CN", "en"]
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _secure_cookies()
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.REMEMBER_COOKIE_DURATION = timedelta(days=30)
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.WTF_CSRF_TIME_LIMIT = None
        # Health-check attachments live outside the web root.
        self.TUOWEI_UPLOAD_DIR = os.environ.get("TUOWEI_UPLOAD_DIR") or str(INSTANCE / "uploads")
        self.MAX_CONTENT_LENGTH = _int("TUOWEI_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
        # "json": one JSON object per log line (production); anything else: plain text.
        self.TUOWEI_LOG_FORMAT = os.environ.get("TUOWEI_LOG_FORMAT", "plain")
        # Bearer token for GET /metrics; unset, /metrics answers 404 (booking/observability).
        self.METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
        # The scheduler's own metrics (job runs, lapses, offers) on this port; 0: none.
        self.TUOWEI_SCHEDULER_METRICS_PORT = _int("TUOWEI_SCHEDULER_METRICS_PORT", 0)


def check_secrets(app) -> None:
    """Refuse to start without SECRET_KEY; say so when the field key derives from it.

    :raises ConfigError: naming SECRET_KEY.
    """
    if not app.config.get("SECRET_KEY"):
        raise ConfigError(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random value (for example "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`), or TUOWEI_DEV=1 "
            "on a developer's machine. See docs/operations.md.")
    if not app.config.get("TUOWEI_FIELD_KEY") and not (app.config.get("TUOWEI_DEV")
                                                        or app.testing):
        app.logger.warning("TUOWEI_FIELD_KEY is not set: ID numbers are encrypted with a key "
                           "derived from SECRET_KEY, so changing SECRET_KEY makes them "
                           "unreadable. Set TUOWEI_FIELD_KEY (docs/operations.md).")


def check_rate_limit_storage(app) -> None:
    """Without Redis each worker counts on its own: say so where it matters."""
    if (app.config.get("RATELIMIT_ENABLED") and not app.config.get("REDIS_URL")
            and not (app.config.get("TUOWEI_DEV") or app.testing)):
        app.logger.warning("REDIS_URL is not set: rate limits (login, sign-up, password links) "
                           "are counted per worker process, so N workers allow N times the "
                           "limit. Set REDIS_URL (docs/operations.md).")


def engine_options(uri: str) -> dict:
    # A statement's parameters are people's names, phone and ID numbers: never in an error's
    # text, which ends up in the logs (docs/operations.md, "Logs").
    if uri.startswith("sqlite"):
        INSTANCE.mkdir(exist_ok=True)
        # The sqlite3 driver waits on a locked database for `timeout` seconds.
        return {"connect_args": {"timeout": 30}, "hide_parameters": True}
    # No pool_pre_ping: booking/pool.py pings only connections that sat idle. No JIT: it
    # compiled the coverage report's plan for longer than a sixth of its run, and every
    # statement here is short (docs/operations.md, "Database connections").
    return {"pool_recycle": 1800, "pool_size": 10, "max_overflow": 20, "hide_parameters": True,
            "connect_args": {"options": "-c jit=off"}}


class TestConfig(Config):
    def __init__(self):
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = "test-secret"
        self.WTF_CSRF_ENABLED = False
        self.RATELIMIT_ENABLED = False
        # On, so the suite runs the admission hook, but above any race test's threads (60).
        self.TUOWEI_RESERVE_CONCURRENCY = 100
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or self.SQLALCHEMY_DATABASE_URI
