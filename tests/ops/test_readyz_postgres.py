"""/readyz against a real PostgreSQL server that stops and comes back (issue 20's "done when"):
a private server (initdb + pg_ctl on a free port, its own data directory) so stopping it
touches nothing else. Skipped where the server binaries are not installed."""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from booking import config, create_app

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(args, owner):
    """initdb and postgres refuse to run as root: run them as the `postgres` account then."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", owner, "--"] + args
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60)


@pytest.fixture
def server():
    if not BIN or shutil.which("initdb", path=BIN[-1]) is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    owner = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(owner)
        except KeyError:
            pytest.skip("no postgres account to run a private server as")
    # Not pytest's tmp_path: its root is private to this user, and the server runs as another.
    base = Path(tempfile.mkdtemp(prefix="tuowei-pg-"))
    base.chmod(0o755)
    data, sock = base / "pgdata", base / "sock"
    data.mkdir()
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(data, owner)
        shutil.chown(sock, owner)
    port = _free_port()
    _as_owner([f"{BIN[-1]}/initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
               "--no-sync"], owner)
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [f"{BIN[-1]}/pg_ctl", "-D", str(data), "-o", opts, "-w", "-t", "30",
              "-l", str(base / "sock" / "server.log")]

    def start():
        _as_owner(pg_ctl + ["start"], owner)

    def stop():
        _as_owner([f"{BIN[-1]}/pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop"], owner)

    start()
    try:
        yield {"url": f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
               "start": start, "stop": stop}
    finally:
        subprocess.run(["runuser", "-u", owner, "--"] * (os.geteuid() == 0)
                       + [f"{BIN[-1]}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


def test_readyz_fails_while_postgresql_is_down_and_recovers_when_it_returns(server):
    app = create_app(config.TestConfig, SQLALCHEMY_DATABASE_URI=server["url"])
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    assert client.get("/readyz").status_code == 200

    server["stop"]()
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json["checks"]["database"] == "unreachable"
    assert "127.0.0.1" not in down.get_data(as_text=True)  # nothing about where it lives

    server["start"]()
    up = client.get("/readyz")
    assert up.status_code == 200, up.json
    assert up.json["checks"] == {"database": "ok", "schema": "ok", "redis": "ok"}
    with app.app_context():
        from booking.extensions import db
        db.engine.dispose()


def _counting_pings(app):
    """Count the pool's pings of `app`'s engine (booking/pool.py); returns (pings, undo)."""
    from booking.extensions import db
    with app.app_context():
        dialect = db.engine.dialect
    pings, real = [], dialect.do_ping
    dialect.do_ping = lambda conn: (pings.append(1), real(conn))[1]

    def undo():
        dialect.do_ping = real
        with app.app_context():
            db.engine.dispose()
    return pings, undo


def test_a_pooled_connection_cut_while_idle_is_replaced_unseen(server):
    """No ping per request (booking/pool.py): a connection used a moment ago is taken as is,
    one idle past TUOWEI_DB_PING_IDLE_SECONDS is pinged first, and a dead one is replaced
    before the request sees it, so a server restart between requests costs no error."""
    app = create_app(config.TestConfig, SQLALCHEMY_DATABASE_URI=server["url"],
                     TUOWEI_DB_PING_IDLE_SECONDS=0)
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    client = app.test_client()
    pings, undo = _counting_pings(app)
    try:
        assert client.get("/readyz").status_code == 200
        server["stop"]()
        server["start"]()  # every pooled connection is dead now
        assert client.get("/readyz").status_code == 200
        assert pings, "an idle connection is pinged before use"
    finally:
        undo()
    busy = create_app(config.TestConfig, SQLALCHEMY_DATABASE_URI=server["url"])  # 10 s idle
    busy_client = busy.test_client()
    counted, undo = _counting_pings(busy)
    try:
        for _ in range(3):
            assert busy_client.get("/readyz").status_code == 200
        assert counted == [], "a connection used a moment ago is not pinged"
    finally:
        undo()
