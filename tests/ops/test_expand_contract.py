"""Releases without downtime (docs/operations.md): during a rolling release the previous
release's servers run against the schema of the new one, so the newest migration may only
expand. Generic: it holds for whatever migration is newest, checked against its parent(s).

- every table and column the previous schema had is still there (nothing dropped or renamed);
- no column the previous release could leave out of an INSERT became required: a column added
  to an existing table, or one made NOT NULL, is nullable or has a server default;
- the previous release's reads still run: each changed table is selected with the columns it
  had before.
"""
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import column, create_engine, inspect, select, table

from booking import config, create_app
from booking.extensions import db
from booking.public.readiness import MIGRATIONS

Schema = dict[str, dict[str, tuple[bool, bool]]]  # table -> column -> (nullable, has default)


def newest_and_previous() -> tuple[str, tuple[str, ...]]:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    [head] = script.get_heads()  # one line of history: a second head must be merged first
    previous = script.get_revision(head).down_revision
    return head, (previous,) if isinstance(previous, str) else tuple(previous or ())


def schema(url: str) -> Schema:
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        return {t: {c["name"]: (bool(c["nullable"]), c.get("default") is not None)
                    for c in inspector.get_columns(t)}
                for t in inspector.get_table_names() if t != "alembic_version"}
    finally:
        engine.dispose()


def incompatibilities(before: Schema, after: Schema) -> list[str]:
    """What would break the previous release's code on the new schema, in words."""
    problems = []
    for name, columns in before.items():
        if name not in after:
            problems.append(f"table {name} was dropped or renamed")
            continue
        for col, (nullable, default) in columns.items():
            if col not in after[name]:
                problems.append(f"column {name}.{col} was dropped or renamed")
            elif nullable and not after[name][col][0] and not after[name][col][1]:
                problems.append(f"column {name}.{col} became NOT NULL without a default")
        for col, (nullable, default) in after[name].items():
            if col not in columns and not nullable and not default:
                problems.append(f"new column {name}.{col} is NOT NULL without a server default: "
                                "the previous release's INSERTs leave it out")
    return problems


def _migrate(url: str, revision: str) -> None:
    app = create_app(config.TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(revision=revision)
        db.engine.dispose()


def test_the_newest_migration_only_expands(tmp_path):
    head, previous = newest_and_previous()
    assert previous, "the first migration has no previous release"
    url = f"sqlite:///{tmp_path / 'expand.sqlite'}"
    befores = []
    for rev in previous:  # a merge: each line's schema was a previous release's
        _migrate(url, rev)
        befores.append(schema(url))
    _migrate(url, head)
    after = schema(url)
    for before in befores:
        assert incompatibilities(before, after) == []
        # The previous release's reads: its columns of each table the migration changed.
        changed = [t for t in before if set(before[t]) != set(after[t])]
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                for name in changed:
                    conn.execute(select(*(column(c) for c in before[name]))
                                 .select_from(table(name)).limit(1)).all()
        finally:
            engine.dispose()


BEFORE = {"audit_event": {"id": (False, False), "action": (False, False), "ip": (True, False)}}


def test_adding_a_nullable_column_or_a_table_is_compatible():
    after = {"audit_event": {**BEFORE["audit_event"], "request_id": (True, False),
                             "weight": (False, True)},
             "new_table": {"id": (False, False), "x": (False, False)}}
    assert incompatibilities(BEFORE, after) == []


def test_dropping_renaming_or_requiring_is_caught():
    dropped_table = {"audit_events": BEFORE["audit_event"]}
    assert incompatibilities(BEFORE, dropped_table) == ["table audit_event was dropped or renamed"]
    renamed = {"audit_event": {"id": (False, False), "action_code": (False, False),
                               "ip": (True, False)}}
    assert incompatibilities(BEFORE, renamed) == [
        "column audit_event.action was dropped or renamed",
        "new column audit_event.action_code is NOT NULL without a server default: the "
        "previous release's INSERTs leave it out"]
    required = {"audit_event": {**BEFORE["audit_event"], "ip": (False, False)}}
    assert incompatibilities(BEFORE, required) == [
        "column audit_event.ip became NOT NULL without a default"]
    required_with_default = {"audit_event": {**BEFORE["audit_event"], "ip": (False, True)}}
    assert incompatibilities(BEFORE, required_with_default) == []
