"""Fixtures: an app on SQLite (default) or PostgreSQL (TEST_DATABASE_URL or a postgresql
DATABASE_URL), its schema made by the migrations, each test on an empty database."""
import logging
import os
import secrets
import shutil
from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from booking import clock, create_app
from booking.config import TestConfig
from booking.extensions import db as _db

_PG_URL = os.environ.get("TEST_DATABASE_URL") or (
    os.environ.get("DATABASE_URL") if (os.environ.get("DATABASE_URL") or "").startswith("postgres") else None)
if _PG_URL and _PG_URL.startswith("postgresql://"):
    _PG_URL = "postgresql+psycopg://" + _PG_URL[len("postgresql://"):]

IS_PG = bool(_PG_URL)

# The app refuses to start without SECRET_KEY (docs/operations.md); processes the suite starts
# (the scheduler, benchmarks, `flask` commands) inherit one made for this run.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))

# Argon2 at production cost makes every test sign-up take ~100 ms; tests use the cheapest
# parameters (the algorithm and the code path stay the same). Verification reads the cost
# from the stored hash, so logins keep working.
from argon2 import PasswordHasher  # noqa: E402

import booking.auth.services as _auth  # noqa: E402

_QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_QUICK_DUMMY_HASH = _QUICK_HASHER.hash("not-a-real-password")


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashing():
    """Every test, and every module-scoped world (the route matrix), hashes passwords
    cheaply; the only copy of this fixture."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_auth, "_hasher", _QUICK_HASHER)
        patch.setattr(_auth, "_DUMMY_HASH", _QUICK_DUMMY_HASH)
        yield


NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai


def migrate_to(url):
    """Build the schema the only way it is built anywhere: `flask db upgrade`."""
    from flask_migrate import upgrade

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if IS_PG:
        migrate_to(_PG_URL)
        return _PG_URL
    template = tmp_path_factory.mktemp("db") / "template.sqlite"
    migrate_to(f"sqlite:///{template}")
    return template


@pytest.fixture
def app(database_url, tmp_path):
    if IS_PG:
        url = database_url
    else:
        path = tmp_path / "test.sqlite"
        shutil.copy(database_url, path)
        url = f"sqlite:///{path}"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url,
                     TUOWEI_UPLOAD_DIR=str(tmp_path / "uploads"))
    clock.set(NOW)
    with app.app_context():
        yield app
        _db.session.remove()
        if IS_PG:
            tables = ", ".join(t.name for t in _db.metadata.sorted_tables)
            with _db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        _db.engine.dispose()
    clock.reset()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def pg_only():
    if not IS_PG:
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL)")


# -- no personal data in logs (tests/log_privacy.py) ---------------------------------------
from tests.log_privacy import LeakCatcher  # noqa: E402

_LEAKS = LeakCatcher()
_ROOT_LEVEL = []


def pytest_configure(config):
    # INFO as in production (JSON logs): the jobs' summaries are scanned too.
    root = logging.getLogger()
    _ROOT_LEVEL.append(root.level)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    root.addHandler(_LEAKS)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _LEAKS.current_test = item.nodeid
    yield
    _LEAKS.current_test = "(outside a test)"


def pytest_sessionfinish(session, exitstatus):
    logging.getLogger().removeHandler(_LEAKS)
    if _ROOT_LEVEL:
        logging.getLogger().setLevel(_ROOT_LEVEL.pop())
    if _LEAKS.leaks and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _LEAKS.leaks:
        terminalreporter.section("personal data in logs", sep="=", red=True)
        terminalreporter.write_line(_LEAKS.report())
