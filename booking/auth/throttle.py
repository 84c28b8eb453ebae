"""Failed sign-ins counted per account (TUOWEI_ACCOUNT_LIMIT), from whatever address they come,
so many workers or addresses together cannot try more passwords on one account than one could.

The count lives where Flask-Limiter keeps its own (Redis, or its in-memory fallback while Redis
is down); keys are a digest of the login, so no email address is written into Redis.
"""
import hashlib
import logging

from flask import current_app
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from ..extensions import limiter

_log = logging.getLogger(__name__)
_memory = FixedWindowRateLimiter(MemoryStorage())


def _key(login: str) -> str:
    return hashlib.sha256((login or "").strip().lower().encode()).hexdigest()


def _each(method: str, login: str) -> list[bool]:
    items = parse_many(current_app.config["TUOWEI_ACCOUNT_LIMIT"])
    try:
        strategy = limiter.limiter
        return [getattr(strategy, method)(item, "account-login", _key(login)) for item in items]
    except Exception:  # Redis unreachable (any driver error): count here, never fail the login
        _log.warning("rate limit storage unreachable: failed sign-ins are counted per process")
        return [getattr(_memory, method)(item, "account-login", _key(login)) for item in items]


def account_locked(login: str) -> bool:
    """Too many failed sign-ins for this login within the window."""
    if not current_app.config.get("RATELIMIT_ENABLED"):
        return False
    return not all(_each("test", login))


def count_failure(login: str) -> None:
    if current_app.config.get("RATELIMIT_ENABLED"):
        _each("hit", login)
