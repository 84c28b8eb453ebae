"""`flask --app wsgi backup DEST` and `flask --app wsgi restore SRC` (docs/operations.md,
"Backups").

A backup is a folder of three files: the database (`database.dump`, pg_dump's custom format,
or `database.sqlite`, a copy made by SQLite's online backup API), `uploads.tar` (the upload
folder: health-check attachments, day photos) and `manifest.json` (the schema revision, every
table's row count and the sha256 of each file). The counts are taken in the same snapshot the
dump is taken from, so a restore can prove it brought back what was saved.

Restore checks before it touches anything: every file's sha256, the revision against the
migrations shipped with this code (a dump of another schema would start a broken app), and
that the target database and upload folder are empty (unless --force).
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from .extensions import db

MANIFEST = "manifest.json"
UPLOADS = "uploads.tar"
FORMAT = 1


class BackupError(click.ClickException):
    """A backup or restore refused; the message says why, nothing was changed."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def code_revision() -> str:
    from .public.readiness import migration_heads

    return ",".join(sorted(migration_heads()))


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _pg_env(url) -> dict:
    """libpq's settings as environment variables, so no password shows in `ps`."""
    env = dict(os.environ)
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[key] = str(value)
    return env


def _run(args: list[str], env: dict) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed (the PostgreSQL client tools)")
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")


def _counts(conn, tables) -> dict[str, int]:
    return {t: int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar()) for t in sorted(tables)}


def _revision(conn) -> str:
    return ",".join(sorted(r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))))


# --- backup ---------------------------------------------------------------------------------

def _dump_postgresql(url, dest: Path) -> tuple[str, dict]:
    """pg_dump in the snapshot the counts are read in: a REPEATABLE READ transaction exports
    its snapshot and stays open while pg_dump reads with `--snapshot`."""
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            tables = [r[0] for r in conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
            revision, counts = _revision(conn), _counts(conn, tables)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", f"--file={dest / 'database.dump'}"], _pg_env(url))
    return revision, counts


def _sqlite_path(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _dump_sqlite(url, dest: Path) -> tuple[str, dict]:
    target = dest / "database.sqlite"
    src = sqlite3.connect(_sqlite_path(url))
    out = sqlite3.connect(target)
    try:
        src.backup(out)  # a consistent copy even while the app writes
    finally:
        src.close()
        out.close()
    # Counts from the copy itself: exactly what was saved.
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return _revision(conn), _counts(conn, tables)
    finally:
        engine.dispose()


def _tar_uploads(folder: Path, target: Path) -> None:
    with tarfile.open(target, "w") as tar:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                tar.add(path, arcname=str(path.relative_to(folder)), recursive=False)


def make_backup(dest: Path) -> dict:
    """Write a backup into `dest` (a new or empty folder) and return its manifest.

    :raises BackupError: `dest` holds files, or the dump failed.
    """
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    url = _url()
    dialect = url.get_backend_name()
    if dialect == "postgresql":
        revision, counts = _dump_postgresql(url, dest)
    elif dialect == "sqlite":
        revision, counts = _dump_sqlite(url, dest)
    else:
        raise BackupError(f"no backup for {dialect}")
    _tar_uploads(Path(current_app.config["TUOWEI_UPLOAD_DIR"]), dest / UPLOADS)
    files = sorted(p.name for p in dest.iterdir())
    manifest = {"format": FORMAT, "dialect": dialect, "revision": revision,
                "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "tables": counts, "files": {name: _sha256(dest / name) for name in files}}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


# --- restore --------------------------------------------------------------------------------

def read_manifest(src: Path) -> dict:
    """The manifest, once every file it names matches its sha256 and the revision is this
    code's migration head.

    :raises BackupError: missing or unreadable manifest, a file missing or changed, another
        revision or database kind.
    """
    try:
        manifest = json.loads((src / MANIFEST).read_text())
        files, revision = dict(manifest["files"]), manifest["revision"]
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(f"{src / MANIFEST} is missing or unreadable")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, digest in sorted(files.items()):
        path = src / name
        if Path(name).name != name or not path.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if _sha256(path) != digest:
            raise BackupError(f"{name}: sha256 does not match the manifest (damaged backup)")
    if UPLOADS not in files:
        raise BackupError(f"{UPLOADS} is missing from the backup")
    if revision != code_revision():
        raise BackupError(f"the backup is of schema revision {revision}, this code's is "
                          f"{code_revision()}: restore with the release that made it")
    if manifest.get("dialect") != _url().get_backend_name():
        raise BackupError(f"the backup is of a {manifest.get('dialect')} database; "
                          f"DATABASE_URL names {_url().get_backend_name()}")
    return manifest


def _target_tables() -> list[str]:
    with db.engine.connect() as conn:
        return [t for t in inspect(conn).get_table_names()]


def _restore_postgresql(src: Path, force: bool) -> None:
    url = _url()
    db.session.remove()  # this process's own open transaction would block the DROP
    db.engine.dispose()
    if force:
        # Everything the dump makes (tables, sequences, trigger functions) lives in `public`.
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        db.engine.dispose()
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", f"--dbname={url.database}", str(src / "database.dump")],
         _pg_env(url))


def _restore_sqlite(src: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    copy = sqlite3.connect(src / "database.sqlite")
    target = sqlite3.connect(_sqlite_path(_url()))
    try:
        copy.backup(target)  # replaces the target's pages whole, in one step
    finally:
        copy.close()
        target.close()


def _restore_uploads(tar_path: Path, folder: Path) -> None:
    """Unpack beside the folder, then swap it in: a failed unpack leaves the old one."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=".restore-", dir=folder.parent))
    with tarfile.open(tar_path) as tar:
        tar.extractall(fresh, filter="data")  # no absolute paths, links out or devices
    if folder.exists():
        shutil.rmtree(folder)
    fresh.rename(folder)


def restore_backup(src: Path, force: bool = False) -> dict:
    """Restore `src` into DATABASE_URL's database and TUOWEI_UPLOAD_DIR.

    :raises BackupError: the manifest check failed, or the target is not empty and not
        `force`, or the restored row counts differ from the manifest. Nothing is changed
        when a check before the restore fails.
    """
    src = Path(src)
    manifest = read_manifest(src)
    folder = Path(current_app.config["TUOWEI_UPLOAD_DIR"])
    if not force:
        if _target_tables():
            raise BackupError("the target database has tables: restore into an empty "
                              "database, or pass --force to replace it")
        if folder.is_dir() and any(folder.iterdir()):
            raise BackupError(f"the upload folder {folder} is not empty: pass --force to "
                              "replace it")
    if manifest["dialect"] == "postgresql":
        _restore_postgresql(src, force)
    else:
        _restore_sqlite(src)
    _restore_uploads(src / UPLOADS, folder)
    db.engine.dispose()
    with db.engine.connect() as conn:
        counts = _counts(conn, manifest["tables"])
    if counts != manifest["tables"]:
        wrong = sorted(t for t in counts if counts[t] != manifest["tables"][t])
        raise BackupError(f"restored row counts differ from the manifest: {', '.join(wrong)}")
    return manifest


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
def backup(dest):
    """Back up the database and the upload folder into DEST (a new or empty folder)."""
    manifest = make_backup(dest)
    click.echo(f"backup: {dest} (revision {manifest['revision']}, "
               f"{sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables)")


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, default=False,
              help="Replace a database that has tables and an upload folder that has files.")
def restore(src, force):
    """Restore a backup made by `backup` into DATABASE_URL and TUOWEI_UPLOAD_DIR."""
    manifest = restore_backup(src, force=force)
    click.echo(f"restore: {src} (revision {manifest['revision']}, "
               f"{sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables)")
