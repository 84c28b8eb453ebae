"""Readiness for a load balancer or orchestrator (docs/operations.md, "Health").

`/healthz` says the process answers; `/readyz` says this server can serve: the database
answers, Redis answers where it is configured, and the schema is at the newest migration
(a replica started before `flask db upgrade` finished is not sent traffic). The answer names
which check failed and nothing else: no hosts, versions or error text an outsider could use.
"""
from functools import lru_cache
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from ..extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """The heads of the migrations shipped with this code: they do not change while it runs."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _database() -> bool | None:
    try:
        with db.engine.connect() as conn:
            current = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except Exception:  # any failure to reach or read the database means "not ready"
        current_app.logger.warning("readiness: the database did not answer")
        return None
    return current == migration_heads()


def _redis() -> bool:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return True
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.ping())
    except Exception:  # a refused, timed-out or misconfigured Redis is "not ready" alike
        current_app.logger.warning("readiness: Redis did not answer")
        return False


def checks() -> dict[str, str]:
    database = _database()
    return {
        "database": "ok" if database is not None else "unreachable",
        "schema": "ok" if database else ("unknown" if database is None else "behind"),
        "redis": "ok" if _redis() else "unreachable",
    }
