"""What every benchmark shares: databases made and dropped, the app, timing and figures."""
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PREFIX = "tuowei_bench_"
# "Now" for every benchmark: the data is made relative to it, and the server uses the real clock.
NOW = datetime.now(timezone.utc).replace(microsecond=0)
RUNS = 5


def pg_available() -> bool:
    try:
        import psycopg
        with psycopg.connect(PG_ADMIN, connect_timeout=2):
            return True
    except Exception:
        return False


@dataclass
class BenchDB:
    """One database of one benchmark: `url` for SQLAlchemy, `dsn` for the raw driver."""
    kind: str            # "sqlite" | "postgres"
    name: str
    url: str
    dsn: str
    tmpdir: str | None = None

    def raw(self):
        """A raw DB-API connection (autocommit off)."""
        if self.kind == "sqlite":
            import sqlite3
            conn = sqlite3.connect(self.dsn, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            return conn
        import psycopg
        return psycopg.connect(self.dsn)

    def drop(self):
        if self.kind == "sqlite":
            if self.tmpdir:
                shutil.rmtree(self.tmpdir, ignore_errors=True)
            return
        import psycopg
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def create_db(kind: str, label: str, workdir: str | None = None) -> BenchDB:
    """A new, empty database with the schema built by the migrations (flask db upgrade)."""
    name = f"{PREFIX}{label}_{os.getpid()}"  # two runs at once never share a database
    if kind == "sqlite":
        tmpdir = tempfile.mkdtemp(prefix=name + "_", dir=workdir)
        path = os.path.join(tmpdir, "bench.sqlite")
        db = BenchDB(kind, name, f"sqlite:///{path}", path, tmpdir)
    else:
        import psycopg
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        dsn = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
        db = BenchDB(kind, name, dsn.replace("postgresql://", "postgresql+psycopg://", 1), dsn)
    migrate(db.url)
    return db


def make_app(url: str, **overrides):
    from booking import create_app
    from booking.config import Config
    overrides.setdefault("RATELIMIT_ENABLED", False)
    return create_app(Config, SQLALCHEMY_DATABASE_URI=url, **overrides)


def migrate(url: str) -> None:
    from flask_migrate import upgrade

    from booking.extensions import db
    app = make_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def day(d, kind: str):
    """A date as the driver takes it (sqlite3's default date adapter is deprecated)."""
    return d.isoformat() if kind == "sqlite" else d


def ts(dt: datetime, kind: str):
    """An instant as the UTCDateTime column stores it (naive UTC)."""
    naive = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if kind == "sqlite" else naive


def bulk_insert(conn, kind: str, table: str, columns: list[str], rows) -> int:
    """Rows into `table` in bulk: COPY on PostgreSQL, executemany on SQLite."""
    n = 0
    if kind == "postgres":
        with conn.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        return n
    marks = ", ".join("?" * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 20000:
            conn.executemany(sql, batch)
            n += len(batch)
            batch = []
    if batch:
        conn.executemany(sql, batch)
        n += len(batch)
    return n


def reset_sequences(conn, kind: str, tables: list[str]) -> None:
    if kind != "postgres":
        return
    with conn.cursor() as cur:
        for t in tables:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                        f"COALESCE((SELECT max(id) FROM {t}), 0) + 1, false)")


def analyze(conn, kind: str) -> None:
    if kind == "postgres":
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
        conn.autocommit = False
    else:
        conn.execute("ANALYZE")
        conn.commit()


@contextmanager
def timer():
    box = {}
    t0 = time.perf_counter()
    yield box
    box["s"] = time.perf_counter() - t0


def percentile(values, p: float) -> float:
    if not values:
        return float("nan")
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


@dataclass
class Figure:
    """One reported figure: its value in each of the runs."""
    name: str
    unit: str
    values: list = field(default_factory=list)
    target: str = ""
    met: bool | None = None

    def add(self, v):
        self.values.append(v)

    @property
    def median(self):
        return statistics.median(self.values) if self.values else float("nan")

    def fmt(self, v):
        if v is None or v != v:
            return "–"
        if abs(v) >= 100:
            return f"{v:,.0f}"
        if abs(v) >= 10:
            return f"{v:.1f}"
        return f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}"

    def row(self):
        vs = self.values
        if not vs:
            return f"| {self.name} | – | – | – | {self.unit} | {self.target} | |"
        met = "" if self.met is None else ("met" if self.met else "**missed**")
        return (f"| {self.name} | {self.fmt(min(vs))} | {self.fmt(self.median)} | "
                f"{self.fmt(max(vs))} | {self.unit} | {self.target} | {met} |")


@dataclass
class Section:
    title: str
    db: str
    figures: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    checks: list = field(default_factory=list)   # (description, ok)

    def fig(self, name, unit, target="") -> Figure:
        for f in self.figures:
            if f.name == name:
                return f
        f = Figure(name, unit, target=target)
        self.figures.append(f)
        return f

    def check(self, description: str, ok: bool):
        self.checks.append((description, bool(ok)))
        return ok

    def markdown(self) -> str:
        out = [f"### {self.title} — {self.db}", "",
               "| figure | min | median | max | unit | target | |", "|---|---|---|---|---|---|---|"]
        out += [f.row() for f in self.figures]
        if self.checks:
            out.append("")
            out += [f"- correctness: {d}: {'ok' if ok else '**FAILED**'}" for d, ok in self.checks]
        if self.notes:
            out.append("")
            out += [f"- {n}" for n in self.notes]
        return "\n".join(out) + "\n"


def machine() -> dict:
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
        except Exception:
            return "?"
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    mem = sh("grep MemTotal /proc/meminfo | awk '{print int($2/1024/1024+0.5)\" GB\"}'")
    pg = sh("psql -h 127.0.0.1 -U postgres -tAc 'show server_version' 2>/dev/null")
    import sqlite3
    return {
        "cpu": f"{cpu} × {os.cpu_count()} cores", "memory": mem,
        "os": platform.platform(), "python": platform.python_version(),
        "postgresql": pg or "unreachable", "sqlite": sqlite3.sqlite_version,
        "commit": sh("git rev-parse --short HEAD") + (" (dirty)" if sh("git status --porcelain") else ""),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load": sh("cat /proc/loadavg"),
    }


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)
