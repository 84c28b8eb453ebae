"""Where a request's time goes, for the targets RESULTS.md misses (issue 21: a miss is explained
with a profile, not a guess).

    TUOWEI_DEV=1 .venv/bin/python -m bench.profile [--db sqlite|postgres] [--requests 1000]

In-process through Flask's test client (no HTTP server, no sockets, no other process but the
database's), on the rush's world: N granted reserves (`POST /api/v1/reservations`, 20 parents
per slot of 20 places), N refused ones (the same slots, full: `slot-full`), N bare
`GET /api/v1/ping` and N centre pages `GET /api/v1/centres/1` (page cache hits). Each kind is
timed without the profiler (µs per request), then run again under cProfile, whose self time
is summed by where each function lives: the app (booking/), Flask/Werkzeug and their
extensions, SQLAlchemy, pydantic, the database (SQLite's engine runs inside
`sqlite3.Cursor.execute`; on PostgreSQL, the driver waiting for the server), the driver's own
Python, the rest of the standard library. cProfile slows Python calls more than C, so the
shares are indicative and the µs come from the run without it.
"""
import argparse
import cProfile
import os
import pstats
import sys
import sysconfig
import time

from . import datagen
from .common import create_db, make_app

GROUPS = ["app (booking/)", "Flask, Werkzeug, extensions", "SQLAlchemy", "pydantic",
          "database (engine or wait)", "driver (Python)", "standard library", "other"]
STDLIB = sysconfig.get_paths()["stdlib"]
TOP = 8  # functions listed per kind of request


def _group(filename: str, name: str) -> str:
    if filename == "~":  # a built-in: named by what it is a method of
        if "sqlite3" in name or "select.poll" in name or "select.epoll" in name \
                or "'select'" in name or "poll' objects" in name:
            return "database (engine or wait)"
        if "psycopg" in name:
            return "driver (Python)"
        return "standard library"
    path = filename.replace("\\", "/")
    if "/booking/" in path:
        return "app (booking/)"
    if "/psycopg/waiting" in path or (path.endswith("/psycopg/connection.py")
                                      and name == "wait"):
        return "database (engine or wait)"  # the driver's wait for the server's answer
    if "/psycopg" in path:
        return "driver (Python)"
    if "/sqlalchemy/" in path:
        return "SQLAlchemy"
    if "/pydantic" in path:
        return "pydantic"
    if any(p in path for p in ("/flask", "/werkzeug/", "/jinja2/", "/itsdangerous/",
                               "/blinker/", "/babel/", "/markupsafe/")):
        return "Flask, Werkzeug, extensions"
    if path.startswith(STDLIB) and "site-packages" not in path:
        return "standard library"
    return "other"


def _shares(profile: cProfile.Profile) -> tuple[dict[str, float], list[tuple]]:
    """(share of self time by group, the functions with the most self time: (share, group,
    where))."""
    stats = pstats.Stats(profile)
    out = dict.fromkeys(GROUPS, 0.0)
    top = []
    for (filename, line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        group = _group(filename, name)
        out[group] += tottime
        short = "/".join(filename.replace("\\", "/").split("/")[-2:])
        top.append((tottime, group, name if filename == "~" else f"{short}:{line} {name}"))
    total = sum(out.values()) or 1.0
    top.sort(reverse=True)
    return ({k: v / total for k, v in out.items()},
            [(t / total, g, w) for t, g, w in top[:TOP]])


def _kinds(n: int, slots: int):
    """(label, [request thunks' arguments]) per kind of request."""
    def reserve(i):
        return ("post", "/api/v1/reservations",
                {"json": {"slot_id": (i - 1) % slots + 1, "child_id": i},
                 "headers": {"Authorization": f"Bearer {datagen.token_for(i)}"}})
    return [
        ("ping", [("get", "/api/v1/ping", {})] * n),
        ("reserve, granted (201)", [reserve(i) for i in range(1, n + 1)]),
        ("reserve, refused slot-full (409)", [reserve(i) for i in range(n + 1, 2 * n + 1)]),
        ("centre page, cached (200)", [("get", "/api/v1/centres/1", {})] * n),
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    ap.add_argument("--requests", type=int, default=1000)
    args = ap.parse_args(argv)
    n, capacity = args.requests, 20
    slots = max(1, n // capacity)
    db = create_db(args.db, "profile")
    try:
        # Each kind twice (timed, then profiled): parents for both passes.
        datagen.rush_world(db, parents=4 * n, slots=2 * slots, capacity=capacity)
        app = make_app(db.url)
        client = app.test_client()
        client.get("/api/v1/ping")
        print(f"# {args.db}: {n} requests of each kind, in-process (test client)\n")
        print("| request | µs per request (no profiler) | "
              + " | ".join(GROUPS) + " |")
        print("|---|---|" + "---|" * len(GROUPS))
        tops = []
        for label, calls in _kinds(n, slots):
            # The timed pass and the profiled pass use different parents and slots: the
            # second reserve pass aims at slots slots+1..2*slots with parents 2n+1..4n.
            timed, profiled = calls, _shifted(calls, n, slots)
            statuses = set()
            t0 = time.perf_counter()
            for method, url, kw in timed:
                statuses.add(getattr(client, method)(url, **kw).status_code)
            per = (time.perf_counter() - t0) / len(timed) * 1e6
            prof = cProfile.Profile()
            prof.enable()
            for method, url, kw in profiled:
                getattr(client, method)(url, **kw)
            prof.disable()
            shares, top = _shares(prof)
            print(f"| {label} {sorted(statuses)} | {per:,.0f} | "
                  + " | ".join(f"{shares[g] * 100:.0f} %" for g in GROUPS) + " |")
            tops.append((label, top))
        for label, top in tops:
            print(f"\n{label}, the functions with the most self time:\n")
            for share, group, where in top:
                print(f"- {share * 100:.1f} % {where} ({group})")
        with app.app_context():
            from booking.extensions import db as sdb
            sdb.engine.dispose()
    finally:
        db.drop()
    return 0


def _shifted(calls, n, slots):
    """The same requests for the profiled pass: reserves by other parents at other slots."""
    out = []
    for method, url, kw in calls:
        body = kw.get("json")
        if body is None:
            out.append((method, url, kw))
            continue
        i = body["child_id"] + 2 * n
        out.append((method, url, {
            "json": {"slot_id": body["slot_id"] + slots, "child_id": i},
            "headers": {"Authorization": f"Bearer {datagen.token_for(i)}"}}))
    return out


if __name__ == "__main__":
    os.environ.setdefault("TUOWEI_DEV", "1")
    sys.exit(main())
