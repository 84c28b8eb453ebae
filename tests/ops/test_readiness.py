"""/healthz and /readyz (docs/operations.md, "Health")."""
from sqlalchemy import text

from booking.extensions import db
from booking.public import readiness


def test_healthz_answers(client):
    assert client.get("/healthz").json == {"ok": True}


def test_ready_when_database_answers_at_the_newest_migration(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"ready": True, "checks": {"database": "ok", "schema": "ok", "redis": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_not_ready_when_the_schema_is_behind(client, app, monkeypatch):
    monkeypatch.setattr(readiness, "migration_heads", lambda: frozenset({"9999"}))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["schema"] == "behind"


def test_not_ready_when_the_database_cannot_be_read(client, app, monkeypatch):
    def refuse():
        raise OSError("connection refused to db.internal:5432")
    monkeypatch.setattr(db.engine, "connect", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "unreachable"
    assert "db.internal" not in response.get_data(as_text=True)


def test_not_ready_when_redis_is_configured_but_down(client, app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"] == "unreachable"


def test_ready_with_a_live_redis(client, app):
    import redis
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1).ping()
    except Exception:
        import pytest
        pytest.skip("no Redis on 127.0.0.1:6379")
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    assert client.get("/readyz").status_code == 200


def test_migration_heads_are_the_alembic_versions_table(app):
    with app.app_context():
        current = {row[0] for row in db.session.execute(text("SELECT version_num FROM alembic_version"))}
    assert current == readiness.migration_heads()
