"""(3) The lapse sweep: one release_lapsed() run expires every lapsed hold and offers the
freed places to the waiting families. Timed in-process (the sweep is a job, not a request),
with every statement counted by a cursor listener, at 10k → 100k → 1M lapsed holds."""
import time

from sqlalchemy import event, func, select

from . import datagen
from .common import NOW, RUNS, Section, create_db, log, make_app


def sizes(quick: bool, tiny: bool):
    if tiny:
        return [200], 200
    if quick:
        return [1_000, 10_000], 10_000
    return [10_000, 100_000, 1_000_000], 100_000


def run(kind: str, quick: bool, tiny: bool = False, runs: int = RUNS) -> Section:
    steps, headline = sizes(quick, tiny)
    sec = Section("Lapse sweep: release_lapsed() over lapsed holds, waiting families offered", kind)
    per = {}
    for n in steps:
        n_runs = runs if n <= headline else 1
        for r in range(n_runs):
            res = _one(kind, n, n // 10, sec, check=(r == 0))
            per.setdefault(n, []).append(res)
            log(f"sweep {kind} {n:,}: {res['s']:.1f} s, {res['stmts_per_batch']:.1f} statements/batch")
    for n in steps:
        label = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"
        sec.fig(f"{label} holds: seconds", "s").values = [x["s"] for x in per[n]]
        sec.fig(f"{label} holds: rows/s", "holds/s").values = [n / x["s"] for x in per[n]]
        f = sec.fig(f"{label} holds: statements per batch of 200 slots", "", "constant")
        f.values = [x["stmts_per_batch"] for x in per[n]]
    if len(steps) > 1:
        base = steps[0]
        t0 = min(x["s"] for x in per[base])
        for n in steps[1:]:
            g = sec.fig(f"time({n // base}× holds) ÷ time(1×)", "×", f"≈ {n // base}× (linear)")
            g.values = [x["s"] / t0 for x in per[n]]
            g.met = g.median <= 1.5 * n / base
        spb = [sec.fig(f, "").median for f in [x.name for x in sec.figures if "statements per batch" in x.name]]
        for f in sec.figures:
            if "statements per batch" in f.name:
                f.met = max(spb) <= 1.5 * min(spb)
    sec.notes.append(f"{', '.join(f'{n:,}' for n in steps)} lapsed holds (10 per slot, slots full), "
                     f"a tenth as many waiting families (one per slot); {runs} runs up to "
                     f"{headline:,}, 1 run above (README.md); each run on a freshly built database")
    return sec


def _one(kind, lapsed, waiting, sec, check):
    db = create_db(kind, f"sweep_{kind}")
    try:
        datagen.sweep_world(db, lapsed, waiting)
        app = make_app(db.url)
        from booking.extensions import db as sdb
        from booking.reservations.models import Reservation
        from booking.places.sweeps import release_lapsed
        from booking.waitlists.models import WaitlistEntry
        with app.app_context():
            count = {"stmts": 0, "commits": 0}

            def on_exec(*_a):
                count["stmts"] += 1

            def on_commit(_conn):
                count["commits"] += 1
            event.listen(sdb.engine, "before_cursor_execute", on_exec)
            event.listen(sdb.engine, "commit", on_commit)
            t0 = time.perf_counter()
            released = release_lapsed(now=NOW)
            dt = time.perf_counter() - t0
            event.remove(sdb.engine, "before_cursor_execute", on_exec)
            event.remove(sdb.engine, "commit", on_commit)
            if check:
                still = sdb.session.scalar(select(func.count(Reservation.id)).where(
                    Reservation.status == "held", Reservation.expires_at <= NOW))
                offered = sdb.session.scalar(select(func.count(WaitlistEntry.id)).where(
                    WaitlistEntry.status == "offered"))
                new_holds = sdb.session.scalar(select(func.count(Reservation.id)).where(
                    Reservation.status == "held", Reservation.expires_at > NOW))
                sec.check(f"{lapsed:,}: released {released:,} (want {lapsed:,}), none lapsed left, "
                          f"{offered:,} offered with {new_holds:,} new holds (want {waiting:,})",
                          released == lapsed and still == 0 and offered == waiting == new_holds)
            sdb.session.remove()
            sdb.engine.dispose()
        return {"s": dt, "stmts_per_batch": count["stmts"] / max(count["commits"], 1)}
    finally:
        db.drop()
