"""(6) An allocation round (统一派位): the whole draw of a city's round in-process
(`drawing.draw_round`: offers as held reservations, waits, audit, notifications and the
publication, in one transaction), then its publication as the API serves it, against the
floor: the pure algorithm (`draw.allocate`) on the same applicants already in memory.

Full size: 100,000 applications × 5 choices over 10,000 public slots of one intake (1,000
centres × 10, capacities 1–20), about 5 % of them twins (one application of size 2); priority
tiers skewed toward `everyone`, choices skewed toward popular slots (Zipf, s = 0.8)."""
import hashlib
import json
import multiprocessing
import random
import threading
import time
from datetime import timedelta

from sqlalchemy import event

from .common import (NOW, RUNS, Section, analyze, bulk_insert, create_db, day, log, make_app,
                     reset_sequences, ts)
from .datagen import BIRTH, STARTS_ON, centres, districts

TIERS = ["closure_transfer", "sibling", "special_needs", "employer_staff",
         "second_third_child", "district_resident", "everyone"]  # as create_round stores them
# Priority 1..7: most families claim no tier (7 = everyone), a few the top ones.
PRIORITY_WEIGHTS = [1, 2, 3, 4, 6, 14, 70]
ZIPF_S = 0.8
TWIN_EVERY = 20   # every 20th application is twins: 5 %
SEED = "bench-round-seed-" + "0" * 47
DRAW_TARGET_S, FLOOR_TARGET, RSS_TARGET_MB = 30.0, 3.0, 1024


def sizes(quick: bool, tiny: bool) -> tuple[int, int, int]:
    """(applications, choices each, slots)."""
    if tiny:
        return 300, 3, 30
    if quick:
        return 10_000, 5, 1_000
    return 100_000, 5, 10_000


def round_world(db, n_apps: int, n_choices: int, n_slots: int, rng_seed: int = 8) -> dict:
    """One district, n_slots/10 approved centres of 10 public toddler slots (one intake), one
    parent per application (twins: two children sharing multiple_birth_key), an admin and the
    district's regulator, and one closed round holding every slot and every application."""
    rng = random.Random(rng_seed)
    kind = db.kind
    conn = db.raw()
    n_centres = max(1, n_slots // 10)
    districts(conn, kind, 1)
    centres(conn, kind, n_centres, 1, approved_share=1.0)
    now, starts, birth = ts(NOW, kind), day(STARTS_ON, kind), day(BIRTH["toddler"], kind)
    capacity = {s: rng.randint(1, 20) for s in range(1, n_slots + 1)}
    bulk_insert(conn, kind, "slot", ["id", "centre_id", "age_band", "care_type", "category",
                                     "capacity", "monthly_fee_fen", "starts_on", "version",
                                     "created_at"],
                ((s, (s - 1) // 10 % n_centres + 1, "toddler", "full_day", "public", capacity[s],
                  120_000, starts, 0, now) for s in range(1, n_slots + 1)))
    admin, regulator = n_apps + 1, n_apps + 2
    users = [(i, f"p{i}@bench.example", f"家长{i}", "parent", None, False) for i in range(1, n_apps + 1)]
    users += [(admin, "admin@bench.example", "admin", "admin", None, False),
              (regulator, "regulator@bench.example", "区监管", "regulator", 1, False)]
    bulk_insert(conn, kind, "app_user", ["id", "email", "name", "role", "district_id", "national",
                                         "locale", "active", "created_at"],
                ((i, e, n, r, d, nat, "zh_Hans_CN", True, now) for i, e, n, r, d, nat in users))
    # Children: application i's first child is i; twins' second children come after n_apps.
    kids = {i: [i] for i in range(1, n_apps + 1)}
    twins = [i for i in range(1, n_apps + 1) if i % TWIN_EVERY == 7 % TWIN_EVERY]
    for j, i in enumerate(twins, 1):
        kids[i].append(n_apps + j)
    child_rows = [(c, f"孩子{c}", birth, False, f"twins-{i}" if len(ks) > 1 else None, now)
                  for i, ks in kids.items() for c in ks]
    bulk_insert(conn, kind, "child", ["id", "name", "birth_date", "special_needs",
                                      "multiple_birth_key", "created_at"], child_rows)
    bulk_insert(conn, kind, "guardianship", ["id", "child_id", "user_id", "relation", "position",
                                             "created_at"],
                ((c, c, i, "mother", 1, now) for i, ks in kids.items() for c in ks))
    del child_rows
    opens, closes = NOW - timedelta(days=30), NOW - timedelta(days=1)
    bulk_insert(conn, kind, "allocation_round",
                ["id", "name", "status", "created_by", "opens_at", "closes_at", "max_choices",
                 "tiers", "offer_days", "seed", "seed_sha256", "created_at", "opened_at",
                 "closed_at", "version"],
                [(1, "2027 春季统一派位 (bench)", "closed", regulator, ts(opens, kind), ts(closes, kind),
                  n_choices, json.dumps(TIERS), 7, SEED, hashlib.sha256(SEED.encode()).hexdigest(),
                  ts(opens - timedelta(days=7), kind), ts(opens, kind), ts(closes, kind), 3)])
    bulk_insert(conn, kind, "round_slot", ["round_id", "slot_id"],
                ((1, s) for s in range(1, n_slots + 1)))
    priorities = rng.choices(range(1, 8), weights=PRIORITY_WEIGHTS, k=n_apps)
    submitted = ts(opens + timedelta(days=1), kind)
    bulk_insert(conn, kind, "round_application",
                ["id", "round_id", "parent_id", "status", "size", "derived_tier", "tier",
                 "priority", "submitted_at", "updated_at"],
                ((i, 1, i, "submitted", len(kids[i]), TIERS[p - 1], TIERS[p - 1], p, submitted,
                  submitted) for i, p in zip(range(1, n_apps + 1), priorities)))
    bulk_insert(conn, kind, "application_child", ["round_id", "child_id", "application_id"],
                ((1, c, i) for i, ks in kids.items() for c in ks))
    # Popularity: a Zipf weight over the slots in a random order (popular is not low ids).
    popular = list(range(1, n_slots + 1))
    rng.shuffle(popular)
    cum, total = [], 0.0
    for r in range(1, n_slots + 1):
        total += r ** -ZIPF_S
        cum.append(total)

    def choice_rows():
        for i in range(1, n_apps + 1):
            picked: list[int] = []
            while len(picked) < n_choices:
                for s in rng.choices(popular, cum_weights=cum, k=2 * n_choices):
                    if s not in picked:
                        picked.append(s)
                        if len(picked) == n_choices:
                            break
            for rank, s in enumerate(picked, 1):
                yield (i, rank, s)
    n_choice_rows = bulk_insert(conn, kind, "application_choice",
                                ["application_id", "rank", "slot_id"], choice_rows())
    reset_sequences(conn, kind, ["district", "centre", "filing", "app_user", "child",
                                 "guardianship", "slot", "allocation_round", "round_application"])
    conn.commit()
    analyze(conn, kind)
    conn.close()
    return {"round_id": 1, "regulator": regulator, "admin": admin, "applications": n_apps,
            "twins": len(twins), "children": n_apps + len(twins), "slots": n_slots,
            "seats": sum(capacity.values()), "choices": n_choice_rows}


class PeakRSS:
    """The process's peak resident set while the block runs, in MB: the kernel's high-water
    mark reset at the start (/proc/self/clear_refs), else a 5 ms sampling thread."""

    def __enter__(self):
        self.before = _status("VmRSS")
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            self.exact = True
        except OSError:
            self.exact = False
        self.sampled = self.before
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.005):
            self.sampled = max(self.sampled, _status("VmRSS"))

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.sampled, _status("VmHWM") if self.exact else 0)
        return False


def _status(key: str) -> float:
    """A line of /proc/self/status in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def run(kind: str, quick: bool, tiny: bool = False, runs: int = RUNS) -> Section:
    n_apps, n_choices, n_slots = sizes(quick, tiny)
    sec = Section("Round: the draw of an allocation round (统一派位), its publication, and the floor",
                  kind)
    # Each run draws a freshly built world (the draw is destructive); 3 at full size, since a
    # world takes about as long to build as it takes to draw.
    n_runs = runs if (quick or tiny) else min(runs, 3)
    per = []
    for r in range(n_runs):
        res = _one(kind, n_apps, n_choices, n_slots, sec, check=(r == 0))
        per.append(res)
        log(f"round {kind} {n_apps:,}: draw {res['draw']:.1f} s, publish {res['publish']:.2f} s, "
            f"GET {res['api']:.2f} s, floor {res['floor']:.2f} s, peak RSS {res['rss']:.0f} MB")
    col = lambda key: [x[key] for x in per]  # noqa: E731
    sec.fig("draw_round (whole draw, committed)", "s").values = col("draw")
    sec.fig("draw: statements issued", "").values = col("stmts")
    sec.fig("publish: results() + json.dumps", "s").values = col("publish")
    sec.fig("publish: GET /api/v1/rounds/{id}/results (test client)", "s").values = col("api")
    sec.fig("published results size", "MB").values = col("size_mb")
    sec.fig("floor: draw.allocate in memory", "s").values = col("floor")
    ratio = sec.fig("draw ÷ floor", "×", f"≤ {FLOOR_TARGET:.0f}×")
    ratio.values = [x["draw"] / x["floor"] for x in per]
    ratio.met = ratio.median <= FLOOR_TARGET
    total = sec.fig("draw + GET results", "s", f"≤ {DRAW_TARGET_S:.0f} s")
    total.values = [x["draw"] + x["api"] for x in per]
    total.met = total.median <= DRAW_TARGET_S
    rss = sec.fig("peak RSS of the process during the draw", "MB", f"≤ {RSS_TARGET_MB:,} MB")
    rss.values = col("rss")
    rss.met = max(rss.values) <= RSS_TARGET_MB
    sec.fig("RSS growth during the draw", "MB").values = col("rss_growth")
    sec.fig("world build (not timed above)", "s").values = col("build")
    w = per[0]["world"]
    sec.notes.append(
        f"{w['applications']:,} applications ({w['twins']:,} twins, {w['children']:,} children) × "
        f"{n_choices} choices over {w['slots']:,} public toddler slots ({w['seats']:,} seats, "
        f"capacities 1–20) of one district; priorities 1–7 weighted {PRIORITY_WEIGHTS} (%), "
        f"choices Zipf s = {ZIPF_S} over the slots; {n_runs} runs, each on a freshly built "
        f"database (README.md)")
    sec.notes.append(
        f"offers {per[0]['offered']:,} applications ({per[0]['holds']:,} held places), "
        f"{per[0]['unplaced']:,} unplaced, {per[0]['waits']:,} waits; the floor is "
        f"`draw.allocate` alone (order by hashed lottery, then serial dictatorship) on the same "
        f"applicants already in memory; the total is the draw plus the API's results")
    return sec


def _one(kind, n_apps, n_choices, n_slots, sec, check):
    db = create_db(kind, f"round_{kind}")
    try:
        t0 = time.perf_counter()
        # Built in a child process, so the memory the builder leaves behind is not counted in
        # the draw's peak RSS: this process holds only the app when the draw starts.
        with multiprocessing.get_context("fork").Pool(1) as pool:
            world = pool.apply(round_world, (db, n_apps, n_choices, n_slots))
        build = time.perf_counter() - t0
        app = make_app(db.url)
        from booking.allocation import draw, drawing, results
        from booking.allocation.models import Round
        from booking.auth.models import User
        from booking.extensions import db as sdb
        rid = world["round_id"]
        with app.app_context():
            actor = sdb.session.get(User, world["regulator"])
            count = {"stmts": 0}

            def on_exec(*_a):
                count["stmts"] += 1
            event.listen(sdb.engine, "before_cursor_execute", on_exec)
            with PeakRSS() as mem:
                t0 = time.perf_counter()
                drawing.draw_round(rid, actor, NOW)
                t_draw = time.perf_counter() - t0
            event.remove(sdb.engine, "before_cursor_execute", on_exec)
            sdb.session.remove()

            rnd = sdb.session.get(Round, rid)
            t0 = time.perf_counter()
            out = results.results(rnd)
            body = json.dumps(out, ensure_ascii=False)
            t_publish = time.perf_counter() - t0
            doc = results.publication(rnd)
            sdb.session.remove()
        client = app.test_client()
        t0 = time.perf_counter()
        resp = client.get(f"/api/v1/rounds/{rid}/results")
        t_api = time.perf_counter() - t0
        api_ok = resp.status_code == 200 and len(resp.get_json()["items"]) == n_apps

        applicants, seats = _floor_inputs(db, rid)
        t0 = time.perf_counter()
        assignment = draw.allocate(SEED, applicants, seats)
        t_floor = time.perf_counter() - t0

        facts = _facts(db, rid)
        outcome, lottery = facts.pop("outcome"), facts.pop("lottery")
        if check:
            _checks(sec, rid, facts, outcome, lottery, applicants, assignment, doc, api_ok,
                    resp.status_code)
        del doc, outcome, lottery, assignment, applicants
        with app.app_context():
            sdb.engine.dispose()
        return {"draw": t_draw, "stmts": count["stmts"], "publish": t_publish, "api": t_api,
                "size_mb": len(body.encode()) / 2**20, "floor": t_floor, "rss": mem.peak,
                "rss_growth": mem.peak - mem.before, "build": build, "world": world, **facts}
    finally:
        db.drop()


def _floor_inputs(db, rid):
    """The draw's applicants and seats as plain lists, read straight from the tables."""
    from booking.allocation import draw
    conn = db.raw()
    cur = conn.cursor()
    mark = "?" if db.kind == "sqlite" else "%s"
    cur.execute(f"SELECT c.application_id, c.slot_id FROM application_choice c "
                f"JOIN round_application a ON a.id = c.application_id WHERE a.round_id = {mark} "
                f"ORDER BY c.application_id, c.rank", (rid,))
    choices: dict[int, list[int]] = {}
    for app_id, slot_id in cur.fetchall():
        choices.setdefault(app_id, []).append(slot_id)
    cur.execute(f"SELECT id, priority, size FROM round_application WHERE round_id = {mark} "
                f"ORDER BY id", (rid,))
    applicants = [draw.Applicant(i, p, s, tuple(choices.get(i, ()))) for i, p, s in cur.fetchall()]
    # No place was live before the draw, so each slot's seats are its capacity.
    cur.execute(f"SELECT s.id, s.capacity FROM slot s JOIN round_slot rs ON rs.slot_id = s.id "
                f"WHERE rs.round_id = {mark}", (rid,))
    seats = dict(cur.fetchall())
    conn.close()
    return applicants, seats


def _facts(db, rid) -> dict:
    conn = db.raw()
    cur = conn.cursor()
    mark = "?" if db.kind == "sqlite" else "%s"

    def one(sql, *params):
        cur.execute(sql, params)
        return cur.fetchone()[0]
    out = {
        "offered": one(f"SELECT count(*) FROM round_application WHERE round_id = {mark} "
                       f"AND status = 'offered'", rid),
        "unplaced": one(f"SELECT count(*) FROM round_application WHERE round_id = {mark} "
                        f"AND status = 'unplaced'", rid),
        "holds": one("SELECT count(*) FROM reservation WHERE status = 'held'"),  # none before
        "offered_children": one(f"SELECT count(*) FROM application_child c JOIN round_application a "
                                f"ON a.id = c.application_id WHERE a.round_id = {mark} "
                                f"AND a.status = 'offered'", rid),
        "waits": one(f"SELECT count(*) FROM waitlist_entry WHERE round_id = {mark}", rid),
        "over_seats": one(f"SELECT count(*) FROM (SELECT s.id FROM slot s JOIN round_slot rs "
                          f"ON rs.slot_id = s.id LEFT JOIN reservation r ON r.slot_id = s.id "
                          f"AND r.status IN ('held', 'enrolled') WHERE rs.round_id = {mark} "
                          f"GROUP BY s.id, s.capacity, rs.seats "
                          f"HAVING count(r.id) > s.capacity OR count(r.id) > rs.seats) x", rid),
        # An application with holds at two slots, or a hold at a slot it was not offered.
        "split": one(f"SELECT count(*) FROM (SELECT a.id FROM round_application a "
                     f"JOIN application_child c ON c.application_id = a.id "
                     f"JOIN reservation r ON r.id = c.reservation_id WHERE a.round_id = {mark} "
                     f"GROUP BY a.id, a.slot_id HAVING count(DISTINCT r.slot_id) > 1 "
                     f"OR min(r.slot_id) != a.slot_id) x", rid),
        "unlinked": one(f"SELECT count(*) FROM application_child c JOIN round_application a "
                        f"ON a.id = c.application_id WHERE a.round_id = {mark} "
                        f"AND a.status = 'offered' AND c.reservation_id IS NULL", rid),
    }
    cur.execute(f"SELECT id, slot_id, choice_rank, lottery FROM round_application "
                f"WHERE round_id = {mark}", (rid,))
    rows = cur.fetchall()
    out["outcome"] = {i: ((s, k) if s is not None else None) for i, s, k, _x in rows}
    out["lottery"] = {i: x for i, _s, _k, x in rows}
    conn.close()
    return out


def _checks(sec, rid, facts, outcome, lottery, applicants, assignment, doc, api_ok, api_status):
    from booking.allocation import draw
    n = len(outcome)
    sec.check(f"every slot at or under its seats ({facts['over_seats']} over)",
              facts["over_seats"] == 0)
    sec.check(f"each application at most one offer: {facts['offered']:,} offered + "
              f"{facts['unplaced']:,} unplaced = {n:,}; {facts['split']} with holds at another "
              f"slot than its offer", facts["offered"] + facts["unplaced"] == n
              and facts["split"] == 0)
    sec.check(f"held reservations {facts['holds']:,} = children of offered applications "
              f"{facts['offered_children']:,}, each linked to its hold ({facts['unlinked']} not)",
              facts["holds"] == facts["offered_children"] and facts["unlinked"] == 0)
    same = outcome == assignment
    sec.check("the committed outcome is draw.allocate's on the same inputs", same)
    published = {i["application_id"]: i["lottery"] for i in doc["results"]["items"]}
    sec.check("each application's stored lottery number is the published one, to the bit",
              lottery == published)
    # Nobody waited anywhere before the draw, so each wait is the round's own.
    want = sum(a.size * (len(a.choices) if assignment[a.id] is None else assignment[a.id][1] - 1)
               for a in applicants)
    sec.check(f"{facts['waits']:,} waits = every choice ranked above the offer, per child "
              f"({want:,})", facts["waits"] == want)
    problems = draw.verify(doc)
    sec.check(f"verify(publication) reports no problems ({len(problems)}"
              f"{': ' + problems[0] if problems else ''})", not problems)
    sec.check(f"GET /api/v1/rounds/{rid}/results answers 200 with every application "
              f"(status {api_status})", api_ok)
