"""The migrations build the schema the models describe, and go down and up again cleanly.

Each test migrates a database of its own (a new SQLite file, or a separate PostgreSQL
database), so the session's test database is never touched."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from booking import create_app
from booking import config
from booking.extensions import db
from tests.conftest import _PG_URL, IS_PG


@pytest.fixture
def fresh_url(tmp_path):
    if not IS_PG:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    import psycopg

    url = make_url(_PG_URL)
    name = f"{url.database}_mig_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql", database="postgres")
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _tables():
    return set(inspect(db.engine).get_table_names())


def test_upgrade_downgrade_upgrade(fresh_url):
    app = create_app(config.TestConfig, SQLALCHEMY_DATABASE_URI=fresh_url)
    with app.app_context():
        try:
            upgrade()
            model_tables = set(db.metadata.tables)
            assert model_tables <= _tables()
            downgrade(revision="base")
            assert _tables() <= {"alembic_version"}
            upgrade()
            assert model_tables <= _tables()
        finally:
            db.session.remove()
            db.engine.dispose()


def test_models_and_migrations_agree(fresh_url):
    """Autogenerate finds nothing to do: no model change is missing a migration."""
    app = create_app(config.TestConfig, SQLALCHEMY_DATABASE_URI=fresh_url)
    with app.app_context():
        try:
            upgrade()
            with db.engine.connect() as conn:
                ctx = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(ctx, db.metadata)
            assert diff == []
        finally:
            db.session.remove()
            db.engine.dispose()


def test_audit_triggers_survive_a_round_trip(fresh_url):
    """The append-only triggers are made by the migration, so they must come back after
    a downgrade and upgrade."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    app = create_app(config.TestConfig, SQLALCHEMY_DATABASE_URI=fresh_url)
    with app.app_context():
        try:
            upgrade()
            downgrade(revision="base")
            upgrade()
            db.session.execute(text("INSERT INTO audit_event (at, action, entity_type) "
                                    "VALUES (CURRENT_TIMESTAMP, 'x', 'y')"))
            db.session.commit()
            with pytest.raises(DBAPIError):
                db.session.execute(text("DELETE FROM audit_event"))
            db.session.rollback()
        finally:
            db.session.remove()
            db.engine.dispose()


def test_0022_fills_pinyin_keys_of_existing_names(fresh_url):
    """Districts and centres older than 0022 are found by pinyin at once (docs/search.md)."""
    from sqlalchemy import text

    app = create_app(config.TestConfig, SQLALCHEMY_DATABASE_URI=fresh_url)
    with app.app_context():
        try:
            upgrade(revision="0021")
            with db.engine.begin() as conn:
                conn.execute(text("INSERT INTO district (code, name, city, population, "
                                  "target_per_1000) VALUES ('610113', '雁塔区', '西安', 1, 4.8)"))
            upgrade()
            with db.engine.connect() as conn:
                row = conn.execute(text("SELECT name_pinyin, name_initials, latitude, longitude "
                                        "FROM district WHERE code = '610113'")).one()
            assert tuple(row) == ("yantaqu", "ytq", None, None)
            downgrade(revision="0021")
            assert "name_pinyin" not in {c["name"] for c in inspect(db.engine).get_columns("district")}
        finally:
            db.session.remove()
            db.engine.dispose()
