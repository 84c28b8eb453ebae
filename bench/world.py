"""(2) search at province scale, (4) the coverage report and (5) a worker's memory, all on
one generated world: 20,000 centres, 200,000 slots, 2,000,000 reservations at full size.

Search and the centre page are timed through the real server (gunicorn, 4 workers,
sequential requests, so the figure is latency, not queueing) and compared with the same
SQL run through the raw driver: the statements the app issued for that request, captured
with a cursor listener and replayed on a raw connection (README.md, Method).
"""
import http.client
import random
import time

from sqlalchemy import event

from . import datagen
from .common import RUNS, Section, create_db, log, make_app, percentile
from .server import gunicorn, rss_mb, worker_pids

BANDS = datagen.BANDS


def _get(base, path, token=None):
    host, port = base.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    t0 = time.perf_counter()
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    dt = time.perf_counter() - t0
    conn.close()
    return resp.status, dt, body


def _capture(app, paths, token=None):
    """The statements each request issues (path → [(sql, params)]), in-process."""
    from booking.extensions import db as sdb
    got = []
    with app.app_context():
        # The page cache's version check runs on the app's engine too (in autocommit).
        engines = [sdb.engine]

        def listen(conn, cursor, statement, parameters, context, executemany):
            got.append((statement, parameters))
        for engine in engines:
            event.listen(engine, "before_cursor_execute", listen)
    client = app.test_client()
    out = {}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        for p in paths:
            got.clear()
            resp = client.get(p, headers=headers)
            assert resp.status_code == 200, (p, resp.status_code, resp.data[:300])
            # The token lookup is authentication, not the query being measured.
            out[p] = [(s, a) for s, a in got if "api_token" not in s]
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", listen)
    return out


def _raw_time(conn, stmts) -> float:
    cur = conn.cursor()
    t0 = time.perf_counter()
    for sql, params in stmts:
        cur.execute(sql, params)
        cur.fetchall()
    dt = time.perf_counter() - t0
    conn.rollback()
    return dt


def run(kind: str, quick: bool, tiny: bool = False, runs: int = RUNS, only=("search", "coverage", "memory")):
    scale = 0.002 if tiny else (0.05 if quick else 1.0)
    db = create_db(kind, f"world_{kind}")
    sections = []
    try:
        t0 = time.perf_counter()
        sizes = datagen.search_world(db, scale)
        gen_s = time.perf_counter() - t0
        log(f"{kind}: world built in {gen_s:.0f} s: {sizes}")
        token = datagen.admin_user(db)
        app = make_app(db.url)
        rnd = random.Random(8)
        n_q = 10 if tiny else 40
        search_paths = [f"/api/v1/centres?district=D{rnd.randint(1, sizes['districts']):04d}"
                        f"&age_band={rnd.choice(BANDS)}&has_places=true" for _ in range(n_q)]
        # 就近 (docs/search.md): from a point near a district's, within 3 km (a radius chip),
        # or nearest first in the district without a radius.
        nearby_paths = []
        for k in range(n_q):
            d = rnd.randint(1, sizes["districts"])
            lat, lng = datagen.district_point(d)
            lat, lng = lat + rnd.uniform(-0.02, 0.02), lng + rnd.uniform(-0.02, 0.02)
            nearby_paths.append(f"/api/v1/centres?near={lat:.6f},{lng:.6f}&radius_km=3"
                                f"&age_band={rnd.choice(BANDS)}&has_places=true" if k % 2 == 0 else
                                f"/api/v1/centres?near={lat:.6f},{lng:.6f}&district=D{d:04d}")
        approved = [i for i in (rnd.randint(1, sizes["centres"]) for _ in range(4 * n_q))
                    if i % 100 < 95][:n_q]  # datagen.centres: these have approved filings
        centre_paths = [f"/api/v1/centres/{i}" for i in approved]
        html_paths = [f"/centres/{i}" for i in approved]
        captured = _capture(app, search_paths + nearby_paths)
        # The centre page as it is served once warm: from the page cache (docs/design.md,
        # "The centre page cache"), so its statements are captured on a second read.
        _capture(app, centre_paths)
        captured.update(_capture(app, centre_paths))
        conn = db.raw()
        sec = Section("Search and the centre page (app through gunicorn vs the same SQL raw)", kind)
        sec.notes.append(f"world: {sizes['centres']:,} centres, {sizes['slots']:,} slots, "
                         f"{sizes['reservations']:,} reservations, {sizes['districts']} districts; "
                         f"built in {gen_s:.0f} s")
        sec.notes.append(f"{n_q} different searches (district + age band + has places), "
                         f"{n_q} nearby searches (half within 3 km with age band + has places, "
                         f"half nearest first in a district) and "
                         f"{n_q} centre pages per run, sequential, a new connection each; "
                         f"the centre page is served warm, from the page cache (its raw SQL is "
                         f"the one version check); then each centre page, API and HTML, "
                         f"followed by a bare /ping, for the page ÷ ping ratio")
        cov = Section("Coverage report, all districts", kind)
        mem = Section("Memory: a worker's RSS after serving search", kind)
        with gunicorn(db.url) as (base, master):
            # Warm-up, not timed: each worker compiles its statements and fills its caches once.
            for p in search_paths + nearby_paths:
                _get(base, p)
            # Each worker keeps its own page cache and takes requests at random: 16 reads of
            # each page leave a worker without it about once in a hundred ((3/4)^16).
            for _ in range(16):
                for p in centre_paths + html_paths:
                    _get(base, p)
            for r in range(runs):
                for label, paths in (("search", search_paths), ("nearby search", nearby_paths),
                                     ("centre page", centre_paths)):
                    app_ms, raw_ms, nstmt = [], [], []
                    for p in paths:
                        status, dt, _ = _get(base, p)
                        sec.check(f"{label} answers 200", status == 200) if r == 0 and p == paths[0] else None
                        app_ms.append(dt * 1000)
                        raw_ms.append(_raw_time(conn, captured[p]) * 1000)
                        nstmt.append(len(captured[p]))
                    a95, w95 = percentile(app_ms, 95), percentile(raw_ms, 95)
                    sec.fig(f"{label} p50 in the app", "ms").add(percentile(app_ms, 50))
                    sec.fig(f"{label} p95 in the app", "ms", "≤ 50 ms (PG)").add(a95)
                    sec.fig(f"{label} p50 raw SQL", "ms").add(percentile(raw_ms, 50))
                    sec.fig(f"{label} p95 raw SQL", "ms").add(w95)
                    sec.fig(f"{label} p95 app ÷ raw", "×",
                            "" if label == "centre page" else "≤ 2×").add(a95 / w95)
                    sec.fig(f"{label} statements per request", "").add(max(nstmt))
                _page_vs_ping(base, centre_paths, html_paths, sec)
                if "coverage" in only:
                    status, dt, body = _get(base, "/api/v1/regulator/coverage", token)
                    if r == 0:
                        cov.check(f"coverage answers 200 with {sizes['districts']} districts",
                                  status == 200 and body.count(b'"district"') == sizes["districts"])
                    cov.fig("coverage via the API", "s", "≤ 1 s (PG)").add(dt)
            rss = [rss_mb(p) for p in worker_pids(master)]
            mem.fig("largest worker RSS after serving the runs above", "MB", "≤ 200 MB").add(max(rss))
            mem.notes.append("workers: " + ", ".join(f"{x:.0f} MB" for x in sorted(rss)))
        conn.close()
        for f in sec.figures:
            if f.name.endswith("÷ raw") and f.target:
                f.met = f.median <= 2
            if f.name == PAGE_VS_PING:
                f.met = f.median <= 1.5
            if f.name.endswith("p95 in the app") and kind == "postgres":
                f.met = f.median <= 50
        mem.figures[0].met = mem.figures[0].median <= 200
        if "coverage" in only:
            _coverage_service(app, cov, runs, "coverage() service, this world")
            if not tiny:
                _coverage_scaling(kind, scale, cov, runs)
            f = cov.fig("coverage via the API", "s")
            if kind == "postgres":
                f.met = f.median <= 1
        sections = [s for s, name in ((sec, "search"), (cov, "coverage"), (mem, "memory")) if name in only]
    finally:
        db.drop()
    return sections


PAGE_VS_PING = "centre page p95 ÷ /ping p95"


def _page_vs_ping(base, centre_paths, html_paths, sec):
    """The centre page against the framework's floor, in the same run: each page request
    (the API's, then the HTML page's) followed by a bare /ping, so both see the same load."""
    api_ms, html_ms, pings = [], [], []
    for api, html in zip(centre_paths, html_paths):
        api_ms.append(_get(base, api)[1] * 1000)
        pings.append(_get(base, "/api/v1/ping")[1] * 1000)
        html_ms.append(_get(base, html)[1] * 1000)
        pings.append(_get(base, "/api/v1/ping")[1] * 1000)
    ping95 = percentile(pings, 95)
    sec.fig("bare /ping p50 (same client, no database)", "ms").add(percentile(pings, 50))
    sec.fig("bare /ping p95 (same client, no database)", "ms").add(ping95)
    sec.fig("centre page p95, beside the pings", "ms").add(percentile(api_ms, 95))
    sec.fig(PAGE_VS_PING, "×", "≤ 1.5×").add(percentile(api_ms, 95) / ping95)
    sec.fig("centre page (HTML) p50", "ms").add(percentile(html_ms, 50))
    sec.fig("centre page (HTML) p95", "ms").add(percentile(html_ms, 95))
    sec.fig("centre page (HTML) p95 ÷ /ping p95", "×").add(percentile(html_ms, 95) / ping95)


def _coverage_service(app, cov, runs, label):
    from booking.auth.models import User
    from booking.extensions import db as sdb
    from booking.regulator.services import coverage
    with app.app_context():
        admin = User(id=0, role="admin", name="bench")
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            coverage(admin)
            times.append(time.perf_counter() - t0)
            sdb.session.rollback()
        sdb.session.remove()
        sdb.engine.dispose()
    f = cov.fig(label, "s")
    f.values = times
    return f


def _coverage_scaling(kind, scale, cov, runs):
    """The same report on a world one tenth the size: time(10×) ÷ time(1×) ≤ 10."""
    small = create_db(kind, f"world_small_{kind}")
    try:
        datagen.search_world(small, scale / 10)
        f = _coverage_service(make_app(small.url), cov, runs, "coverage() service, world ÷ 10")
    finally:
        small.drop()
    big = cov.fig("coverage() service, this world", "s")
    g = cov.fig("time(10× data) ÷ time(1× data)", "×", "≤ 10×")
    g.values = [b / s for b, s in zip(big.values, f.values)]
    g.met = g.median <= 10
