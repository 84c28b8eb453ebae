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

# Under pytest-xdist (`make test` runs one worker per core) each worker has a database of
# its own: the configured name with the worker's id appended, made and dropped by the worker.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _PG_URL and _WORKER:
    from sqlalchemy.engine import make_url as _make_url

    _url = _make_url(_PG_URL)
    _PG_URL = _url.set(database=f"{_url.database}_{_WORKER}").render_as_string(hide_password=False)

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


def _pg_admin(sql):
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(_PG_URL).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if IS_PG:
        if _WORKER:
            name = _PG_URL.rsplit("/", 1)[1].split("?")[0]
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _pg_admin(f'CREATE DATABASE "{name}"')
        migrate_to(_PG_URL)
        yield _PG_URL
        if _WORKER:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    template = tmp_path_factory.mktemp("db") / "template.sqlite"
    migrate_to(f"sqlite:///{template}")
    yield template


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
        try:
            _assert_enrolled_counters_kept()
        finally:
            if IS_PG:
                with _db.engine.begin() as conn:
                    _empty_pg(conn)
            _db.engine.dispose()
    clock.reset()


def _assert_enrolled_counters_kept():
    """Every test ends with each slot's enrolled counter equal to a recount (issue 21): a
    writer of reservation status that bypassed the counters fails the test that ran it."""
    with _db.engine.connect() as conn:
        drifted = conn.execute(text(
            "SELECT id, enrolled_count, (SELECT count(*) FROM reservation r WHERE r.slot_id = "
            "slot.id AND r.status = 'enrolled') AS actual FROM slot WHERE enrolled_count != "
            "(SELECT count(*) FROM reservation r WHERE r.slot_id = slot.id "
            "AND r.status = 'enrolled')")).all()
    assert not drifted, f"slot enrolled counters drifted (id, counter, recount): {drifted}"


_PG_RESET: dict = {}


def _pg_reset_plan(conn):
    """Once a session: the tables in delete order, those that refuse DELETE (the append-only
    audit log and ledger, by trigger) with every table that refers to them, and the sequences."""
    if not _PG_RESET:
        tables = list(reversed(_db.metadata.sorted_tables))
        truncated = {"audit_event", "ledger_entry"}
        grew = True
        while grew:
            more = {t.name for t in tables
                    if any(fk.column.table.name in truncated for fk in t.foreign_keys)}
            grew = not more <= truncated
            truncated |= more
        _PG_RESET["delete"] = [t.name for t in tables if t.name not in truncated]
        _PG_RESET["truncate"] = sorted(truncated)
        _PG_RESET["sequences"] = conn.execute(text(
            "SELECT quote_ident(sequencename) FROM pg_sequences "
            "WHERE schemaname = current_schema()")).scalars().all()
    return _PG_RESET


def _empty_pg(conn):
    """Back to the migrated, empty schema. TRUNCATE of every table costs ~0.25 s a test, so one
    probe finds the tables the test wrote to, those are emptied (DELETE, children first; TRUNCATE
    only where a trigger refuses DELETE), and every sequence restarts as RESTART IDENTITY would."""
    plan = _pg_reset_plan(conn)
    probe = " UNION ALL ".join(f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM \"{n}\")"
                               for n in plan["delete"] + plan["truncate"])
    used = set(conn.execute(text(probe)).scalars())
    statements = []
    if used & set(plan["truncate"]):
        statements.append("TRUNCATE " + ", ".join(f'"{n}"' for n in plan["truncate"]))
    statements += [f'DELETE FROM "{n}"' for n in plan["delete"] if n in used]
    if plan["sequences"]:
        statements.append("SELECT " + ", ".join(f"setval('{s}', 1, false)"
                                                for s in plan["sequences"]))
    conn.execute(text("; ".join(statements)))


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
    item.stash[_LEAKS_BEFORE] = len(_LEAKS.leaks)
    yield
    _LEAKS.current_test = "(outside a test)"


_LEAKS_BEFORE = pytest.StashKey[int]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that logged a person's name, ID or phone fails in its own report, which also
    reaches the controller when the suite runs in xdist workers (their session status does not)."""
    outcome = yield
    report = outcome.get_result()
    if call.when != "teardown" or report.failed:
        return
    new = _LEAKS.leaks[item.stash.get(_LEAKS_BEFORE, len(_LEAKS.leaks)):]
    if new:
        report.outcome = "failed"
        report.longrepr = LeakCatcher.report_of(new)


def pytest_sessionfinish(session, exitstatus):
    logging.getLogger().removeHandler(_LEAKS)
    if _ROOT_LEVEL:
        logging.getLogger().setLevel(_ROOT_LEVEL.pop())
    if _LEAKS.leaks and session.exitstatus == 0:
        session.exitstatus = 1  # leaks outside any test (collection, session fixtures)


def pytest_terminal_summary(terminalreporter):
    if _LEAKS.leaks:
        terminalreporter.section("personal data in logs", sep="=", red=True)
        terminalreporter.write_line(_LEAKS.report())
