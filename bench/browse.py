"""(7) A rush with browsing (issue 21, part 4): the rush's parents reserve all at once while
other families browse search and centre pages; how long does browsing take meanwhile?

The same world and prepared parents as rush.py (its tokens and bodies), each server set-up
on fresh slots: today's 4 sync workers, and the levers. A parent answered 503 busy sends the
same request again after its Retry-After (a little jitter, as a phone would), up to 20 times;
every answer is counted. The browsers each load a search or a centre page, one after the
other, a new connection each, from just before the rush until it is over. Correctness: no
oversell (201s = places held in the database ≤ capacity), every parent ends 201 or 409
slot-full, nothing but 201, 409 slot-full and 503 busy.
"""
import asyncio
import json
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from urllib.parse import urlsplit

from . import datagen
from .common import RUNS, Section, create_db, percentile
from .loadgen import build
from .rush import _held, _release
from .server import gunicorn

TARGET_MS = 250
GTHREAD = ("-k", "gthread", "--threads", "8")
# (label, reserve server, read server or None = the same): (workers, gunicorn args, env).
SETUPS = (
    ("4 sync workers (today)", (4, (), {"TUOWEI_RESERVE_CONCURRENCY": "0"}), None),
    ("4 gthread workers × 8 threads", (4, GTHREAD, {"TUOWEI_RESERVE_CONCURRENCY": "0"}), None),
    ("4 gthread × 8, admission 2 per worker",
     (4, GTHREAD, {"TUOWEI_RESERVE_CONCURRENCY": "2"}), None),
    ("4 gthread × 8, admission 4 per worker",
     (4, GTHREAD, {"TUOWEI_RESERVE_CONCURRENCY": "4"}), None),
    ("reads on 2 workers of their own; reserves 2 gthread × 8, admission 2",
     (2, GTHREAD, {"TUOWEI_RESERVE_CONCURRENCY": "2"}), (2, GTHREAD, {})),
)


async def _send(host, port, raw):
    t0 = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(raw)
        await writer.drain()
        data = await reader.read()
        writer.close()
        status = int(data[9:12]) if data.startswith(b"HTTP/1.") else 0
    except Exception:
        status, data = -1, b""
    return status, time.perf_counter() - t0, data


async def _parent(addr, raw, answers, finals):
    t0 = time.perf_counter()
    for _attempt in range(20):
        status, _dt, data = await _send(*addr, raw)
        answers.append(status)
        if status != 503:
            break
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
        wait = next((float(line.split(":", 1)[1]) for line in head.split("\r\n")
                     if line.startswith("retry-after:")), 1.0)
        await asyncio.sleep(wait * (0.5 + random.random()))
    slug = b"/problems/slot-full" in data if status == 409 else False
    finals.append((status, slug, time.perf_counter() - t0))


async def _browser(addr, pages, stop, seen):
    rnd = random.Random(len(seen))
    while not stop.is_set():
        t = time.perf_counter()
        status, dt, _ = await _send(*addr, rnd.choice(pages))
        seen.append((t, status, dt))


def _addr(base):
    u = urlsplit(base)
    return u.hostname, u.port


async def _scene(reserve_base, read_base, reserves, pages, browsers):
    raddr, baddr = _addr(reserve_base), _addr(read_base)
    stop, seen, answers, finals = asyncio.Event(), [], [], []
    crowd = [asyncio.create_task(_browser(baddr, pages, stop, seen)) for _ in range(browsers)]
    await asyncio.sleep(1.0)  # browsing alone first: the figure without a rush
    start = time.perf_counter()
    await asyncio.gather(*(_parent(raddr, raw, answers, finals) for raw in reserves))
    end = time.perf_counter()
    stop.set()
    await asyncio.gather(*crowd)
    return seen, answers, finals, start, end


def scene(*args):
    return _in_own_loop(_scene, *args)


def _in_own_loop(fn, *args):
    """Run the coroutine function in a thread with its own event loop, as loadgen.fire: the
    caller may already run one (a test process where Playwright's loop runs)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(fn(*args))).result()


def run(kind: str, quick: bool, tiny: bool = False, runs: int = RUNS) -> Section:
    parents = 40 if tiny else (400 if quick else 2000)
    browsers = 10 if tiny else (40 if quick else 200)
    slots, capacity = (2, 5) if tiny else (10, 20 if not quick else 4)
    # Tiny: today's and the separate pool (both servers); BENCH_BROWSE_SETUPS=1,3 picks some.
    picked = os.environ.get("BENCH_BROWSE_SETUPS")
    setups = ([SETUPS[int(i)] for i in picked.split(",")] if picked
              else (SETUPS[0], SETUPS[-1]) if tiny else SETUPS)
    sec = Section("Browse: search and centre pages during the rush", kind)
    sec.notes.append(f"{parents} parents reserve at once ({slots} slots × {capacity} places per "
                     f"run, a 503 sent again after its Retry-After) while {browsers} others "
                     f"browse (search, centre page, one after the other); {runs} runs per "
                     f"set-up, each on fresh slots")
    db = create_db(kind, f"browse_{kind}")
    try:
        datagen.rush_world(db, parents=parents, slots=slots * runs * len(setups),
                           capacity=capacity)
        lo = 1
        for label, res_spec, read_spec in setups:
            with ExitStack() as stack:
                w, args, env = res_spec
                base, _pid = stack.enter_context(gunicorn(db.url, workers=w, args=args, env=env, timeout=300))
                read_base = base
                if read_spec:
                    w, args, env = read_spec
                    read_base, _ = stack.enter_context(gunicorn(db.url, workers=w, args=args, timeout=300,
                                                                env=env))
                host, rhost = base.split("//")[1], read_base.split("//")[1]
                pages = [build("GET", "/api/v1/centres?district=D0001&age_band=toddler"
                                      "&has_places=true", rhost),
                         build("GET", "/api/v1/centres/1", rhost)]
                for raw in pages * 8:  # every worker has served each page before the clock
                    _in_own_loop(_send, *_addr(read_base), raw)
                for r in range(runs):
                    hi = lo + slots - 1
                    reserves = [build("POST", "/api/v1/reservations", host, datagen.token_for(i),
                                      json.dumps({"slot_id": lo + (i - 1) % slots,
                                                  "child_id": i}).encode())
                                for i in range(1, parents + 1)]
                    seen, answers, finals, start, end = scene(base, read_base, reserves, pages,
                                                              browsers)
                    _figures(sec, label, r, seen, answers, finals, start, end,
                             _held(db, lo, hi), slots * capacity, parents)
                    _release(db, lo, hi)
                    lo = hi + 1
    finally:
        db.drop()
    return sec


def _figures(sec, label, r, seen, answers, finals, start, end, held, places, parents):
    during = [dt * 1000 for t, s, dt in seen if start <= t < end and s == 200]
    before = [dt * 1000 for t, s, dt in seen if t < start and s == 200]
    bad_reads = sum(1 for _t, s, _dt in seen if s != 200)
    p95 = percentile(during, 95) if during else float("nan")
    sec.fig(f"{label}: browse p95 during the rush", "ms", f"≤ {TARGET_MS} ms").add(p95)
    f = sec.fig(f"{label}: browse p95 during the rush", "ms")
    f.met = f.median <= TARGET_MS
    sec.fig(f"{label}: browse p50 during the rush", "ms").add(
        percentile(during, 50) if during else float("nan"))
    sec.fig(f"{label}: browse p95 before the rush", "ms").add(
        percentile(before, 95) if before else float("nan"))
    sec.fig(f"{label}: pages browsed during the rush", "").add(len(during))
    sec.fig(f"{label}: reserve answers/s (503s included)", "req/s").add(len(answers) / (end - start))
    sec.fig(f"{label}: rush over (last parent answered)", "s").add(end - start)
    sec.fig(f"{label}: a parent's wait to the final answer, p50", "ms").add(
        percentile([x[2] * 1000 for x in finals], 50))
    sec.fig(f"{label}: a parent's wait to the final answer, p95", "ms").add(
        percentile([x[2] * 1000 for x in finals], 95))
    ok = sum(1 for s in answers if s == 201)
    full = sum(1 for s, slug, _ in finals if s == 409 and slug)
    busy = sum(1 for s in answers if s == 503)
    others = len(answers) - ok - busy - sum(1 for s in answers if s == 409)
    unresolved = parents - ok - full
    sec.fig(f"{label}: 503 busy answers", "").add(busy)
    sec.check(f"{label}, run {r + 1}: {ok} held (database {held}, places {places}), {full} "
              f"slot-full, {busy} busy (sent again), {others} others, {unresolved} parents "
              f"without a final 201/409, {bad_reads} browse pages not 200",
              ok == held <= places and others == 0 and unresolved == 0 and bad_reads == 0)
