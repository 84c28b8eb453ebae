"""`flask backup` / `flask restore`: a round trip brings back every row, the ledger's balance
and the attachments' bytes; a damaged backup or another schema revision is refused with
nothing changed (docs/operations.md, "Backups").

The PostgreSQL round trip makes two databases of its own (the source and a new target) on the
server the suite uses, or on 127.0.0.1:5432, and skips when none answers or pg_dump is missing.
"""
import io
import json
import os
import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url
from werkzeug.datastructures import FileStorage

from booking import clock, create_app
from booking import config
from booking.extensions import db
from booking.fees import services as fees
from booking.health import attachments
from booking.health.models import HealthCheck
from tests import factories as f
from tests.conftest import NOW, _PG_URL, migrate_to

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(2048)


def _seed() -> dict:
    """A family in care with fees charged and paid, and a health check with a PNG attached."""
    c, s, staff, parent, kid, r = f.in_care(fee=100000)
    fees.post_monthly_charges("2026-11", now=NOW)
    fees.record_payment(c.id, parent.id, 150000, staff, method="微信", received_on=date(2026, 11, 20))
    name, mime, size = attachments.store(FileStorage(io.BytesIO(PNG), filename="form.png"))
    db.session.add(HealthCheck(child_id=kid.id, examined_on=date(2026, 11, 20), institution="妇幼保健院",
                               result="pass", vaccination_verified=True, status="verified",
                               valid_until=date(2027, 9, 1), submitted_by=parent.id,
                               attachment_path=name, attachment_type=mime, attachment_size=size))
    db.session.commit()
    return {"centre": c.id, "parent": parent.id, "attachment": name,
            "balance": fees.balance_fen(c.id, parent.id)}


def _counts() -> dict:
    tables = inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables}


def _app(url, uploads):
    return create_app(config.TestConfig, SQLALCHEMY_DATABASE_URI=url, TUOWEI_UPLOAD_DIR=str(uploads))


def _round_trip(source_url, target_url, tmp_path):
    clock.set(NOW)
    try:
        source = _app(source_url, tmp_path / "uploads")
        with source.app_context():
            seeded = _seed()
            counts = _counts()
            result = source.test_cli_runner().invoke(args=["backup", str(tmp_path / "bak")])
            assert result.exit_code == 0, result.output
            db.session.remove()
            db.engine.dispose()
        manifest = json.loads((tmp_path / "bak" / "manifest.json").read_text())
        assert {k: v for k, v in manifest["tables"].items()} == counts
        assert manifest["tables"]["ledger_entry"] == 2 and manifest["tables"]["health_check"] == 1

        target = _app(target_url, tmp_path / "restored")
        with target.app_context():
            result = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "bak")])
            assert result.exit_code == 0, result.output
            assert _counts() == counts
            assert fees.balance_fen(seeded["centre"], seeded["parent"]) == seeded["balance"] != 0
            check = db.session.scalar(select(HealthCheck))
            assert attachments.path_of(check.attachment_path).read_bytes() == PNG
            # A second restore into the now full database is refused without --force ...
            again = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "bak")])
            assert again.exit_code != 0 and "--force" in again.output
            # ... and with it replaces everything, still equal.
            forced = target.test_cli_runner().invoke(
                args=["restore", "--force", str(tmp_path / "bak")])
            assert forced.exit_code == 0, forced.output
            assert _counts() == counts
            db.session.remove()
            db.engine.dispose()
    finally:
        clock.reset()


# --- PostgreSQL -----------------------------------------------------------------------------

def _pg_admin():
    import psycopg

    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore not installed")
    base = make_url(_PG_URL or f"postgresql+psycopg://postgres@{os.environ.get('PG_HOST', '127.0.0.1')}"
                               f":{os.environ.get('PG_PORT', '5432')}/postgres")
    dsn = base.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    try:
        psycopg.connect(dsn, autocommit=True, connect_timeout=2).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server reachable")
    return base, dsn


@pytest.fixture
def pg_pair():
    import psycopg

    base, dsn = _pg_admin()
    names = [f"tuowei_bak_{uuid.uuid4().hex[:8]}_{side}" for side in ("src", "dst")]
    with psycopg.connect(dsn, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [base.set(database=n).render_as_string(hide_password=False) for n in names]
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgresql_round_trip_into_a_new_database(pg_pair, tmp_path):
    source_url, target_url = pg_pair
    migrate_to(source_url)
    _round_trip(source_url, target_url, tmp_path)


# --- SQLite ---------------------------------------------------------------------------------

@pytest.fixture
def sqlite_source(tmp_path):
    path = tmp_path / "source.sqlite"
    migrate_to(f"sqlite:///{path}")
    return f"sqlite:///{path}"


def test_sqlite_round_trip_into_a_new_database(sqlite_source, tmp_path):
    _round_trip(sqlite_source, f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path)


def _backup(sqlite_source, tmp_path) -> Path:
    clock.set(NOW)
    try:
        app = _app(sqlite_source, tmp_path / "uploads")
        with app.app_context():
            _seed()
            assert app.test_cli_runner().invoke(args=["backup", str(tmp_path / "bak")]).exit_code == 0
            db.engine.dispose()
    finally:
        clock.reset()
    return tmp_path / "bak"


def _refused(tmp_path, bak, needle):
    """Restore into a database that already holds a user: refused (even with --force), and the
    database and upload folder are untouched."""
    target_path = tmp_path / "target.sqlite"
    migrate_to(f"sqlite:///{target_path}")
    app = _app(f"sqlite:///{target_path}", tmp_path / "target-uploads")
    with app.app_context():
        f.user(email="keep@example.cn")
        (tmp_path / "target-uploads").mkdir()
        (tmp_path / "target-uploads" / "keep.txt").write_text("mine")
        before = _counts()
        result = app.test_cli_runner().invoke(args=["restore", "--force", str(bak)])
        assert result.exit_code != 0
        assert needle in result.output
        assert _counts() == before
        assert db.session.scalar(text("SELECT email FROM app_user")) == "keep@example.cn"
        assert os.listdir(tmp_path / "target-uploads") == ["keep.txt"]
        db.session.remove()
        db.engine.dispose()


def test_a_corrupted_file_is_refused_and_nothing_changes(sqlite_source, tmp_path):
    bak = _backup(sqlite_source, tmp_path)
    with open(bak / "database.sqlite", "r+b") as fh:
        fh.seek(5000)
        byte = fh.read(1)
        fh.seek(5000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    _refused(tmp_path, bak, "sha256 does not match")


def test_a_changed_upload_archive_is_refused(sqlite_source, tmp_path):
    bak = _backup(sqlite_source, tmp_path)
    with open(bak / "uploads.tar", "ab") as fh:
        fh.write(b"\0" * 512)
    _refused(tmp_path, bak, "uploads.tar: sha256 does not match")


def test_another_schema_revision_is_refused(sqlite_source, tmp_path):
    bak = _backup(sqlite_source, tmp_path)
    manifest = json.loads((bak / "manifest.json").read_text())
    manifest["revision"] = "0001"
    (bak / "manifest.json").write_text(json.dumps(manifest))
    _refused(tmp_path, bak, "revision 0001")


def test_a_missing_manifest_is_refused(sqlite_source, tmp_path):
    bak = _backup(sqlite_source, tmp_path)
    (bak / "manifest.json").unlink()
    _refused(tmp_path, bak, "manifest.json is missing")


def test_backup_refuses_a_folder_that_holds_files(sqlite_source, tmp_path):
    (tmp_path / "bak").mkdir()
    (tmp_path / "bak" / "old").write_text("x")
    app = _app(sqlite_source, tmp_path / "uploads")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "bak")])
        assert result.exit_code != 0 and "not empty" in result.output
        db.engine.dispose()
    assert os.listdir(tmp_path / "bak") == ["old"]
