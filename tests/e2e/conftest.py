"""Browser journeys: the real app in a subprocess on a free port, driven by headless Chromium.

The server runs `flask --app wsgi run` against a fresh SQLite file (a fresh PostgreSQL database
when the suite runs on PostgreSQL), after `flask db upgrade`
and `flask seed` (or, when seeding is missing or fails, a small data set made through the
CLI and the JSON API). Chromium is Debian's (/usr/bin/chromium): never `playwright install`.
Without it the tests skip, unless CI=true, where they fail.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from .helpers import call

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "booking" / "translations"
CHROMIUM = os.environ.get("TUOWEI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]
IN_CI = os.environ.get("CI", "").lower() == "true"
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
START_TIMEOUT = 30

_NOTES: list[str] = []  # printed at the end of the run (which data was used, and why)


@dataclass
class DemoCentre:
    """The centre the journeys look for; it is in seeds/centres.yaml and in the fallback."""
    name: str = "雁塔区长延堡街道公办托育中心"
    name_en: str = "Yanta Changyanbao Public Childcare Centre"
    zh_query: str = "长延堡"
    en_query: str = "Changyanbao"
    id: int | None = None
    filing_number: str | None = None


@dataclass
class Server:
    base_url: str
    data_source: str  # "seed" or "api"
    centre: DemoCentre
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


def pytest_terminal_summary(terminalreporter):
    for note in _NOTES:
        terminalreporter.write_line(f"e2e: {note}")


# --- the server -----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args, env, timeout=120) -> subprocess.CompletedProcess:
    # capture_output: run() reads and closes both pipes itself (no ResourceWarning).
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _check(proc: subprocess.CompletedProcess, what: str):
    if proc.returncode != 0:
        pytest.fail(f"{what} failed (rc={proc.returncode}):\n{proc.stdout}\n{proc.stderr}",
                    pytrace=False)


def _compile_catalogs():
    """Compile a catalog whose .mo is missing or older than its .po (the .mo is not in git)."""
    stale = []
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po.parent.parent.name)
    if not stale:
        return
    pybabel = Path(sys.executable).with_name("pybabel")
    cmd = [str(pybabel)] if pybabel.exists() else [sys.executable, "-m", "babel.messages.frontend"]
    for locale in stale:
        _check(_run(cmd + ["-q", "compile", "-d", str(TRANSLATIONS), "-l", locale], os.environ.copy()),
               f"pybabel compile ({locale})")


def _http_json(method, url, body=None, token=None):
    return call(url, method, body, token)


def _wait_until_up(proc, base_url, log_path):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited (rc={proc.returncode}):\n{log_path.read_text()}",
                        pytrace=False)
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"/healthz did not answer within {START_TIMEOUT}s:\n{log_path.read_text()}",
                pytrace=False)


def _seed_through_api(base_url, env, centre: DemoCentre):
    """Fallback data: an admin from the CLI, a district and a centre through the API."""
    email, password = "admin@e2e.example", "E2e-admin-2026"
    _check(_run(FLASK + ["users", "create", "--role", "admin", "--email", email,
                         "--password", password, "--name", "E2E 管理员"], env), "users create")
    status, body = _http_json("POST", base_url + "/api/v1/auth/token",
                              {"email": email, "password": password})
    assert status == 200, body
    token = body["token"]
    status, body = _http_json("POST", base_url + "/api/v1/districts", {
        "code": "610113", "name": "雁塔区", "name_en": "Yanta District", "city": "西安",
        "city_en": "Xi'an", "population": 2046737, "target_per_1000": 4.8}, token)
    assert status == 201, body
    status, body = _http_json("POST", base_url + "/api/v1/centres", {
        "name": centre.name, "name_en": centre.name_en, "kind": "public", "district": "610113",
        "subdistrict": "长延堡街道", "address": "雁塔区长延堡街道吉祥路88号",
        "operator": "西安市雁塔区卫生健康局", "affordable": True, "star_rating": 4,
        "opening_hours": "07:30-18:00", "open_days": "Mon-Fri"}, token)
    assert status == 201, body
    status, slot = _http_json("POST", base_url + f"/api/v1/centres/{body['id']}/slots", {
        "age_band": "toddler", "care_type": "full_day", "category": "public", "capacity": 10,
        "monthly_fee_fen": 88000, "starts_on": "2027-03-01"}, token)
    assert status == 201, slot


def _find_centre(base_url, centre: DemoCentre):
    query = urllib.parse.urlencode({"q": centre.zh_query})
    status, body = _http_json("GET", f"{base_url}/api/v1/centres?{query}")
    assert status == 200, body
    items = body["items"] if isinstance(body, dict) else body
    match = [c for c in items if c["name"] == centre.name]
    assert match, f"the demo centre {centre.name} is not in the data: {items}"
    centre.id = match[0]["id"]
    status, detail = _http_json("GET", f"{base_url}/api/v1/centres/{centre.id}")
    assert status == 200, detail
    centre.filing_number = (detail.get("disclosure") or {}).get("filing_number")


@pytest.fixture(scope="session")
def chromium_path():
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium; "
                     "never `playwright install` here)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    return CHROMIUM


class _E2eDatabase:
    """The server's database: a SQLite file, or, when the suite runs on PostgreSQL, a database of
    its own beside the worker's (so the journeys run on both databases)."""

    def __init__(self, tmp: Path):
        from tests.conftest import _PG_URL

        self.tmp, self.pg = tmp, _PG_URL
        self.n = 0

    def fresh(self) -> str:
        self.drop()
        self.n += 1
        if not self.pg:
            return f"sqlite:///{self.tmp / f'e2e{self.n}.sqlite'}"
        from sqlalchemy.engine import make_url

        url = make_url(self.pg)
        self.name = f"{url.database}_e2e"
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')  # a killed run's
        self._admin(f'CREATE DATABASE "{self.name}"')
        return url.set(database=self.name).render_as_string(hide_password=False)

    def drop(self):
        if self.pg and getattr(self, "name", None):
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.name = None

    def _admin(self, sql):
        import psycopg
        from sqlalchemy.engine import make_url

        admin = make_url(self.pg).set(drivername="postgresql", database="postgres")
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(sql)


@pytest.fixture(scope="session")
def server(chromium_path, tmp_path_factory):
    """The app on a free port with demo data; stopped at the end of the session."""
    tmp = tmp_path_factory.mktemp("e2e")
    log_path = tmp / "server.log"
    database = _E2eDatabase(tmp)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "TEST_DATABASE_URL", "FLASK_DEBUG", "FLASK_RUN_PORT")}
    env.update(DATABASE_URL=database.fresh(), SECRET_KEY="e2e-secret-key",
               TUOWEI_RATELIMIT="0", PYTHONUNBUFFERED="1")
    _compile_catalogs()
    _check(_run(FLASK + ["db", "upgrade"], env), "flask db upgrade")

    seeded = _run(FLASK + ["seed", "--quiet"], env, timeout=300)
    if seeded.returncode == 0:
        data_source = "seed"
    else:
        _NOTES.append("`flask seed` failed or is missing; used the CLI + API fallback data:\n"
                      + (seeded.stderr or seeded.stdout).strip()[-2000:])
        data_source = "api"
        env["DATABASE_URL"] = database.fresh()  # an empty schema: seeding may have half-run
        _check(_run(FLASK + ["db", "upgrade"], env), "flask db upgrade")

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = open(log_path, "w", encoding="utf-8")
    # Output goes to a file, not a pipe: nobody reads a pipe while tests run, and a full
    # pipe would block the server.
    proc = subprocess.Popen(FLASK + ["run", "--host", "127.0.0.1", "--port", str(port),
                                     "--no-reload", "--no-debugger"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    try:
        _wait_until_up(proc, base_url, log_path)
        centre = DemoCentre()
        if data_source == "api":
            _seed_through_api(base_url, env, centre)
        _find_centre(base_url, centre)
        _NOTES.append(f"server {base_url}, data from {data_source}, log {log_path}")
        yield Server(base_url=base_url, data_source=data_source, centre=centre, log_path=log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        database.drop()


# --- the browser ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright_instance(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance, chromium_path):
    browser = playwright_instance.chromium.launch(executable_path=chromium_path,
                                                  args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser, server):
    """Make a fresh browser context (own cookies); closed after the test.

    A Chinese browser by default: Chromium would otherwise send Accept-Language en-US and
    the app, rightly, would answer in English.
    """
    contexts = []

    def make(**options):
        options.setdefault("locale", "zh-CN")
        options.setdefault("base_url", server.base_url)
        options.setdefault("viewport", {"width": 390, "height": 844})
        ctx = browser.new_context(**options)
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def page(new_context):
    """A page in a context of its own, so no cookie or language choice leaks between tests."""
    return new_context().new_page()


# --- the English catalog, as the server will show it ----------------------------------------

@pytest.fixture(scope="session")
def en():
    """`en("信息公示")` is the English text the app shows for that source string.

    The English catalog is filled in over time, so tests ask it rather than hard-coding a
    translation; an untranslated or fuzzy entry shows the Chinese source, as gettext does.
    """
    from babel.messages.pofile import read_po

    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale="en")

    def translate(msgid: str) -> str:
        msg = catalog.get(msgid)
        if msg is None or msg.fuzzy or not msg.string:
            return msgid
        return msg.string if isinstance(msg.string, str) else msg.string[0]

    return translate
