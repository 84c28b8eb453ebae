"""Writing many rows in few statements, on both databases: a chunk of rows is bound as one
JSON array and read back as a derived table (`json_array_elements` on PostgreSQL, `json_each`
on SQLite), so `INSERT … SELECT` and `UPDATE … FROM` write thousands of rows per statement.
An ORM or Core executemany costs a statement per row on the server (150–240 µs a row on
PostgreSQL, 45–60 µs on SQLite here: most of a city's round draw, bench/RESULTS.md "Round").

Values per row must be what JSON holds (int, str, bool, None); `fixed` values (the same in
every row) are bound as their column converts them (instants to naive UTC). Rows are
inserted in the order given, so ids follow it as an executemany's would. Only adds to the
session's transaction: the caller commits.

`rows` may be a generator. When there is more than one chunk, the next chunk is taken from it
and serialised by a thread of its own while the statement of the one before runs: both
drivers let go of the GIL while the database works, so a round's draw spends its Python
(building and serialising 600,000 rows) in the time the database spends writing them
(bench/RESULTS.md, "Round"). That thread touches no session, so a generator given here must
read plain values only, never ORM objects that could load.
"""
import json
from concurrent.futures import ThreadPoolExecutor
from itertools import chain, islice

from sqlalchemy import Enum, String, bindparam, text

from .extensions import db

CHUNK = 5000


def _cast_type(column, dialect) -> str:
    # A string is cast to unbounded text: CAST(… AS VARCHAR(n)) would cut a value that is too
    # long where the INSERT or UPDATE of the column refuses it, as an executemany's would.
    kind = getattr(column.type, "impl", column.type)
    if isinstance(kind, String) and not isinstance(kind, Enum):
        return "TEXT"
    return column.type.compile(dialect)


def _json_rows(table, columns) -> str:
    """SQL for a derived table `v` with `columns` of `table` and the row's position `n`,
    read from the JSON array bound as :rows (one list of values per row, in the order of
    `columns`)."""
    dialect = db.session.get_bind().dialect
    q = dialect.identifier_preparer.quote
    if dialect.name == "postgresql":
        cols = ", ".join(f"CAST(e->>{i} AS {_cast_type(table.c[c], dialect)}) AS {q(c)}"
                         for i, c in enumerate(columns))
        return (f"(SELECT {cols}, n FROM json_array_elements(CAST(:rows AS json)) "
                f"WITH ORDINALITY AS j(e, n)) AS v")
    cols = ", ".join(f"json_extract(value, '$[{i}]') AS {q(c)}" for i, c in enumerate(columns))
    return f"(SELECT {cols}, key AS n FROM json_each(:rows)) AS v"


_END = object()


def _serialised(rows):
    """The next chunk of the iterator `rows` as a JSON array, None when it is exhausted."""
    chunk = list(islice(rows, CHUNK))
    return json.dumps(chunk) if chunk else None


def _payloads(rows):
    """The chunks of `rows` as JSON arrays, in order. One chunk is made here; beyond it, each
    next chunk is made by a thread of its own while the caller runs the statement of the one
    before (the module's docstring)."""
    rows = iter(rows)
    first = _serialised(rows)
    if first is None:
        return
    following = next(rows, _END)
    if following is _END:
        yield first
        return
    rest = chain([following], rows)
    with ThreadPoolExecutor(1, thread_name_prefix="bulk-rows") as pool:
        ahead = pool.submit(_serialised, rest)
        yield first
        while (payload := ahead.result()) is not None:
            ahead = pool.submit(_serialised, rest)
            yield payload


def _run(table, sql: str, rows, fixed: dict) -> None:
    """Execute `sql` once per chunk of `rows`, the chunk bound as JSON in :rows and each of
    `fixed` as :f_<column>, converted as its column converts it. Nothing at all when `rows`
    is empty."""
    stmt = None
    for payload in _payloads(rows):
        if stmt is None:
            db.session.flush()  # as an ORM statement would: the rows it reads are the session's
            stmt = text(sql).bindparams(*(bindparam(f"f_{c}", v, type_=table.c[c].type)
                                          for c, v in fixed.items()))
        db.session.execute(stmt, {"rows": payload})


def insert_rows(table, columns, rows, **fixed) -> None:
    """INSERT one row per item of `rows` (values for `columns`), in their order; `fixed` the
    same in every row."""
    q = db.session.get_bind().dialect.identifier_preparer.quote
    names = ", ".join(q(c) for c in [*columns, *fixed])
    values = ", ".join([*(f"v.{q(c)}" for c in columns), *(f":f_{c}" for c in fixed)])
    _run(table, f"INSERT INTO {q(table.name)} ({names}) SELECT {values} FROM "
                f"{_json_rows(table, columns)} ORDER BY v.n", rows, fixed)


def update_rows(table, keys, columns, rows, match: dict, **fixed) -> None:
    """UPDATE the row named by `keys` (and `match`, the same for all) of each item of `rows`
    (values for keys + columns); `fixed` is set the same in every row."""
    q = db.session.get_bind().dialect.identifier_preparer.quote
    sets = ", ".join([*(f"{q(c)} = v.{q(c)}" for c in columns),
                      *(f"{q(c)} = :f_{c}" for c in fixed)])
    where = " AND ".join([*(f"{q(table.name)}.{q(k)} = v.{q(k)}" for k in keys),
                          *(f"{q(table.name)}.{q(c)} = :f_{c}" for c in match)])
    _run(table, f"UPDATE {q(table.name)} SET {sets} FROM {_json_rows(table, [*keys, *columns])} "
                f"WHERE {where}", rows, {**fixed, **match})


def read(stmt) -> list[tuple]:
    """Every row of a Core SELECT as plain tuples, straight from the driver's cursor in this
    session's transaction: SQLAlchemy's row objects cost more than the query itself when a
    round's draw reads its 500,000 choices. Parameters go and values come as the driver
    takes and gives them, with no column type's conversion: use it for integers and strings
    only (an instant would be compared and read unconverted)."""
    conn = db.session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return cursor.fetchall()
    finally:
        cursor.close()
