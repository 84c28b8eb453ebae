"""python -m bench [--quick] [--only rush,search,sweep,coverage,memory,round,browse] [--db sqlite,postgres]

Runs the benchmarks of issue #8 and writes bench/RESULTS.md (README.md in this folder)."""
import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from .common import RUNS, log, machine, pg_available

ALL = ("rush", "search", "sweep", "coverage", "memory", "round", "browse")
HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="small sizes: minutes, not half an hour")
    ap.add_argument("--only", default=",".join(ALL), help="comma-separated: " + ",".join(ALL))
    ap.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite,postgres")
    ap.add_argument("--tiny", action="store_true", help="seconds: the sizes tests/test_bench.py uses")
    ap.add_argument("--runs", type=int, default=RUNS, help="runs per figure (default 5)")
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"), help="where to write the results")
    args = ap.parse_args(argv)
    only = [x for x in args.only.split(",") if x]
    unknown = set(only) - set(ALL)
    if unknown:
        ap.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    dbs = [x for x in args.db.split(",") if x]
    notes = []
    if "postgres" in dbs and not pg_available():
        notes.append("PostgreSQL at 127.0.0.1:5432 was not reachable: its figures are missing.")
        dbs.remove("postgres")
    os.chdir(HERE.parent)  # gunicorn imports wsgi from the repository root
    started = time.time()
    info = machine()
    sections, failures = [], []
    from . import round as allocation_round
    from . import browse, rush, sweep, world
    for kind in dbs:
        jobs = []
        if "rush" in only:
            jobs.append(("rush", lambda k=kind: [rush.run(k, args.quick, tiny=args.tiny, runs=args.runs)]))
        world_parts = tuple(x for x in ("search", "coverage", "memory") if x in only)
        if world_parts:
            jobs.append(("world", lambda k=kind: world.run(k, args.quick, tiny=args.tiny, runs=args.runs, only=world_parts)))
        if "sweep" in only:
            jobs.append(("sweep", lambda k=kind: [sweep.run(k, args.quick, tiny=args.tiny, runs=args.runs)]))
        if "browse" in only:
            jobs.append(("browse", lambda k=kind: [browse.run(k, args.quick, tiny=args.tiny, runs=args.runs)]))
        if "round" in only:
            jobs.append(("round", lambda k=kind: [allocation_round.run(k, args.quick, tiny=args.tiny, runs=args.runs)]))
        for name, job in jobs:
            log(f"{name} on {kind} ...")
            t0 = time.time()
            try:
                sections += job()
            except Exception:
                failures.append(f"{name} on {kind} failed:\n```\n{traceback.format_exc()}```")
                log(failures[-1])
            log(f"{name} on {kind}: {time.time() - t0:.0f} s")
    elapsed = time.time() - started
    info["load after"] = Path("/proc/loadavg").read_text().strip()
    write(args.out, info, sections, failures, notes, elapsed, args)
    log(f"wrote {args.out} in {elapsed / 60:.1f} min")
    bad = [c for s in sections for c in s.checks if not c[1]]
    return 1 if failures or bad else 0


def write(path, info, sections, failures, notes, elapsed, args):
    order = {"Rush": 0, "Search": 1, "Lapse": 2, "Coverage": 3, "Memory": 4, "Round": 5, "Browse": 6}
    sections = sorted(sections, key=lambda s: (order.get(s.title.split()[0].rstrip(":"), 9), s.db))
    head = [
        "# Benchmark results (issue #8)", "",
        f"`python -m bench{' --quick' if args.quick else ''}{' --tiny' if args.tiny else ''} --only {args.only} --db {args.db}` "
        f"— {len(sections)} sections in {elapsed / 60:.1f} min. Every figure is min / median / max "
        f"of {args.runs} runs unless its notes say otherwise. How to read them: bench/README.md.", "",
        "| machine | |", "|---|---|",
    ] + [f"| {k} | {v} |" for k, v in info.items()] + [""]
    head += [f"> {n}" for n in notes]
    body = [s.markdown() for s in sections]
    tail = ["## Failures", ""] + failures if failures else []
    Path(path).write_text("\n".join(head) + "\n" + "\n".join(body) + "\n".join(tail),
                          encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
