"""Bulk data for the benchmarks, written straight to the tables (COPY on PostgreSQL,
executemany on SQLite): 2,000,000 reservations through the services would take hours.

Every row respects the schema's constraints (FKs, CHECKs, the partial unique indexes), so
the app reads it as it reads its own data.
"""
import hashlib
from datetime import date, timedelta

from .common import NOW, analyze, bulk_insert, day, reset_sequences, ts

BANDS = ("infant", "toddler", "preschool", "mixed")
CATEGORIES = ("public", "affordable", "market")
KINDS = ("public", "community_embedded", "employer", "private", "kindergarten_class")
STARTS_ON = date(2027, 3, 1)
# A birth date that fits each band on STARTS_ON (months in [min, max)).
BIRTH = {"infant": date(2026, 6, 1), "toddler": date(2025, 9, 1),
         "preschool": date(2024, 9, 1), "mixed": date(2025, 3, 1)}


def token_for(i: int) -> str:
    return f"bench-token-{i:08d}"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def districts(conn, kind, n):
    bulk_insert(conn, kind, "district",
                ["id", "code", "name", "name_en", "city", "city_en", "population", "target_per_1000"],
                ((i, f"D{i:04d}", f"区{i}", f"District {i}", f"市{(i - 1) // 10}",
                  f"City {(i - 1) // 10}", 500_000 + 1000 * i, 4.5) for i in range(1, n + 1)))


def district_point(d: int) -> tuple[float, float]:
    """District d's reference point (GCJ-02): a grid 0.1° apart, ten to a row, from Xi'an."""
    return 34.0 + (d - 1) // 10 * 0.1, 108.5 + (d - 1) % 10 * 0.12


def centre_point(i: int, n_districts: int) -> tuple[float | None, float | None]:
    """Centre i within about 4.5 km of its district's point; one in twenty has none."""
    if i % 20 == 0:
        return None, None
    lat, lng = district_point((i - 1) % n_districts + 1)
    return round(lat + ((i * 37) % 81 - 40) * 0.001, 6), round(lng + ((i * 53) % 81 - 40) * 0.0012, 6)


def centres(conn, kind, n, n_districts, approved_share=0.95):
    now = ts(NOW, kind)
    bulk_insert(conn, kind, "centre",
                ["id", "name", "kind", "district_id", "subdistrict", "address", "affordable",
                 "star_rating", "created_at", "latitude", "longitude"],
                ((i, f"托育中心{i}", KINDS[i % len(KINDS)], (i - 1) % n_districts + 1,
                  f"街道{i % 7}", f"{i}号", i % 3 == 0, i % 6, now, *centre_point(i, n_districts))
                 for i in range(1, n + 1)))
    cutoff = int(100 * approved_share)
    bulk_insert(conn, kind, "filing",
                ["id", "centre_id", "status", "filing_number", "commitment_signed"],
                ((i, i, "approved" if i % 100 < cutoff else "draft",
                  f"F{i:07d}" if i % 100 < cutoff else None, True) for i in range(1, n + 1)))


def people(conn, kind, n, with_tokens=False, first_id=1):
    """n parents, each the guardian of one child (child i ↔ parent i)."""
    now, birth = ts(NOW, kind), day(BIRTH["toddler"], kind)
    ids = range(first_id, first_id + n)
    bulk_insert(conn, kind, "app_user",
                ["id", "email", "name", "role", "locale", "active", "created_at"],
                ((i, f"p{i}@bench.example", f"家长{i}", "parent", "zh_Hans_CN", True, now) for i in ids))
    bulk_insert(conn, kind, "child", ["id", "name", "birth_date", "special_needs", "created_at"],
                ((i, f"孩子{i}", birth, False, now) for i in ids))
    bulk_insert(conn, kind, "guardianship",
                ["id", "child_id", "user_id", "relation", "position", "created_at"],
                ((i, i, i, "mother", 1, now) for i in ids))
    if with_tokens:
        exp = ts(NOW + timedelta(days=30), kind)
        bulk_insert(conn, kind, "api_token", ["id", "user_id", "token_hash", "created_at", "expires_at"],
                    ((i, i, _digest(token_for(i)), now, exp) for i in ids))


def search_world(db, scale: float = 1.0) -> dict:
    """(2): 20,000 centres, 200,000 slots, 2,000,000 reservations at scale 1.

    Each centre has 10 slots across the four bands; each slot 10 reservations: a varying
    number enrolled, the rest held (live or lapsed), expired or cancelled, so some slots
    are full and most are not.
    """
    n_centres = max(20, int(20_000 * scale))
    n_districts = max(2, min(100, n_centres // 200))
    n_people = max(100, int(100_000 * scale))
    per_centre, per_slot = 10, 10
    n_slots = n_centres * per_centre
    kind = db.kind
    conn = db.raw()
    districts(conn, kind, n_districts)
    centres(conn, kind, n_centres, n_districts)
    # Each enrolled child is enrolled once (one child, one place), as in production, where
    # the coverage report counts from the slots' counters (issue 21): children 1..n_people
    # hold, lapse and cancel, the enrolled ones come after them.
    n_enrolled = sum(min((s * 7) % 11, per_slot) for s in range(1, n_slots + 1))
    people(conn, kind, n_people + n_enrolled)
    now, starts = ts(NOW, kind), day(STARTS_ON, kind)

    def slot_rows():
        for s in range(1, n_slots + 1):
            band = BANDS[s % 4]
            yield (s, (s - 1) // per_centre + 1, band, ("full_day", "half_day")[s % 2],
                   CATEGORIES[s % 3], 6 + (s * 3) % 10, 150_000 + 1000 * (s % 50), starts, 0, now)
    bulk_insert(conn, kind, "slot", ["id", "centre_id", "age_band", "care_type", "category",
                                     "capacity", "monthly_fee_fen", "starts_on", "version",
                                     "created_at"], slot_rows())
    live = ts(NOW + timedelta(days=1), kind)
    lapsed = ts(NOW - timedelta(hours=1), kind)
    past = ts(NOW - timedelta(days=30), kind)

    def reservation_rows():
        rid = enrolled_child = 0
        for s in range(1, n_slots + 1):
            enrolled = (s * 7) % 11
            for k in range(per_slot):
                rid += 1
                child = (s * per_slot + k) % n_people + 1
                if k < enrolled:
                    enrolled_child += 1
                    child = n_people + enrolled_child
                    yield (rid, s, child, child, "enrolled", past, None, past, None)
                else:
                    st = ("held", "held", "expired", "cancelled")[(s + k) % 4]
                    if st == "held":
                        exp = live if (s + k) % 8 < 4 else lapsed
                        yield (rid, s, child, child, "held", past, exp, None, None)
                    else:
                        yield (rid, s, child, child, st, past, past, None, past)
    n_res = bulk_insert(conn, kind, "reservation",
                        ["id", "slot_id", "child_id", "parent_id", "status", "created_at",
                         "expires_at", "enrolled_at", "ended_at"], reservation_rows())
    # A few waiting families per district, so the coverage report counts them.
    bulk_insert(conn, kind, "waitlist_entry",
                ["id", "slot_id", "child_id", "parent_id", "status", "priority", "tier",
                 "unit_key", "joined_at"],
                ((i, i * 37 % n_slots + 1, i, i, "waiting", 7, "everyone", f"u{i}", past)
                 for i in range(1, min(n_people, n_slots // 10) + 1)))
    reset_sequences(conn, kind, ["district", "centre", "filing", "app_user", "child",
                                 "guardianship", "slot", "reservation", "waitlist_entry"])
    conn.commit()
    analyze(conn, kind)
    conn.close()
    return {"districts": n_districts, "centres": n_centres, "slots": n_slots,
            "reservations": n_res, "people": n_people + n_enrolled}


def admin_user(db) -> str:
    """An admin with a token (for the coverage endpoint); returns the raw token."""
    kind = db.kind
    conn = db.raw()
    cur = conn.cursor()
    cur.execute("SELECT COALESCE(MAX(id), 0) + 1000000 FROM app_user")
    uid = cur.fetchone()[0]
    now, exp = ts(NOW, kind), ts(NOW + timedelta(days=30), kind)
    bulk_insert(conn, kind, "app_user", ["id", "email", "name", "role", "locale", "active", "created_at"],
                [(uid, "admin@bench.example", "admin", "admin", "zh_Hans_CN", True, now)])
    bulk_insert(conn, kind, "api_token", ["id", "user_id", "token_hash", "created_at", "expires_at"],
                [(uid, uid, _digest("bench-admin"), now, exp)])
    reset_sequences(conn, kind, ["app_user", "api_token"])
    conn.commit()
    conn.close()
    return "bench-admin"


def rush_world(db, parents=2000, slots=10, capacity=20) -> dict:
    """(1): one approved centre, `slots` toddler slots of `capacity` places, `parents`
    parents with a toddler each and an API token (token_for(i)); parent i aims at slot
    (i-1) % slots + 1."""
    kind = db.kind
    conn = db.raw()
    districts(conn, kind, 1)
    centres(conn, kind, 1, 1, approved_share=1.0)
    people(conn, kind, parents, with_tokens=True)
    now, starts = ts(NOW, kind), day(STARTS_ON, kind)
    bulk_insert(conn, kind, "slot", ["id", "centre_id", "age_band", "care_type", "category",
                                     "capacity", "monthly_fee_fen", "starts_on", "version",
                                     "created_at"],
                ((s, 1, "toddler", "full_day", "public", capacity, 200_000, starts, 0, now)
                 for s in range(1, slots + 1)))
    reset_sequences(conn, kind, ["district", "centre", "filing", "app_user", "child",
                                 "guardianship", "api_token", "slot"])
    conn.commit()
    analyze(conn, kind)
    conn.close()
    return {"parents": parents, "slots": slots, "capacity": capacity}


def sweep_world(db, lapsed: int, waiting: int, per_slot: int = 10) -> dict:
    """(3): `lapsed` holds past their expiry (per_slot per slot, slots full with them) and
    `waiting` families queued on those slots, so one sweep expires every hold and offers
    the freed places on."""
    kind = db.kind
    n_slots = max(1, lapsed // per_slot)
    n_people = lapsed + waiting
    n_centres = max(1, n_slots // 10)
    conn = db.raw()
    districts(conn, kind, 1)
    centres(conn, kind, n_centres, 1, approved_share=1.0)
    people(conn, kind, n_people)
    now, starts = ts(NOW, kind), day(STARTS_ON, kind)
    bulk_insert(conn, kind, "slot", ["id", "centre_id", "age_band", "care_type", "category",
                                     "capacity", "monthly_fee_fen", "starts_on", "version",
                                     "created_at"],
                ((s, (s - 1) % n_centres + 1, "toddler", "full_day", "public", per_slot, 200_000,
                  starts, 0, now) for s in range(1, n_slots + 1)))
    past = ts(NOW - timedelta(days=3), kind)
    exp = ts(NOW - timedelta(hours=1), kind)
    bulk_insert(conn, kind, "reservation",
                ["id", "slot_id", "child_id", "parent_id", "status", "created_at", "expires_at"],
                ((i, (i - 1) // per_slot + 1, i, i, "held", past, exp) for i in range(1, lapsed + 1)))
    bulk_insert(conn, kind, "waitlist_entry",
                ["id", "slot_id", "child_id", "parent_id", "status", "priority", "tier",
                 "unit_key", "joined_at"],
                ((j, (j - 1) % n_slots + 1, lapsed + j, lapsed + j, "waiting", 1 + j % 7, "everyone",
                  f"u{j}", past) for j in range(1, waiting + 1)))
    reset_sequences(conn, kind, ["district", "centre", "filing", "app_user", "child",
                                 "guardianship", "slot", "reservation", "waitlist_entry"])
    conn.commit()
    analyze(conn, kind)
    conn.close()
    return {"lapsed": lapsed, "waiting": waiting, "slots": n_slots}
