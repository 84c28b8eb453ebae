"""Loads seeds/*.yaml: the five cities' districts, demo centres and accounts.

Idempotent: districts are matched by code, centres by their seed key, accounts by email,
children by guardian and name; running it again changes nothing that is already there.
"""
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from . import clock
from .auth import services as auth
from .auth.models import User
from .centres import geo
from .centres import services as centres
from .centres.models import Centre, CityPolicy, District, Group
from .exams.seeding import load_exams
from .operators.seeding import load_operators
from .planning.seeding import load_births
from .policy.models import FIRST_EFFECTIVE, SUBSIDY_FIELDS
from .children.models import Child, Guardianship
from .extensions import db
from .rosters.models import StaffMember
from .seeding_demo import fill_filing_materials, seed_demo_parent
from .seeding_subsidies import seed_subsidies
from .slots import services as slots
from .slots.models import Slot

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _load(name):
    with open(SEEDS / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load_all(echo=print):
    cities = load_districts(echo)
    load_centres(echo)
    load_accounts(echo)
    fill_nearly_full(echo)
    load_sessions(echo)
    seed_demo_payments(echo)
    load_rounds(echo)
    fill_filing_materials(echo)
    seed_demo_parent(echo)
    seed_subsidies(echo)
    load_births(echo)
    load_operators(echo)
    load_exams(echo)
    echo(f"seed: done ({cities} cities)")


def load_policy(city: dict) -> None:
    """The city's seeded policy versions (docs/subsidies.md): the first from `policy`, in force
    from `policy_effective_from` (default 2025-01-01), then each of `policy_changes`. A version is found by its effective date,
    so seeding twice updates the seeded versions in place and adds none."""
    values = dict(city.get("policy") or {})
    versions = [(city.get("policy_effective_from", FIRST_EFFECTIVE), None, values)]
    for change in city.get("policy_changes") or []:
        change = dict(change)
        values = {**values, **change}
        versions.append((change.pop("effective_from"), change.pop("reason", None),
                         {k: v for k, v in values.items() if k not in ("effective_from", "reason")}))
    for effective_from, reason, p in versions:
        policy = db.session.scalar(select(CityPolicy).where(
            CityPolicy.city == city["city"], CityPolicy.effective_from == effective_from))
        if policy is None:
            policy = CityPolicy(city=city["city"], effective_from=effective_from)
            db.session.add(policy)
        policy.city_en = city.get("city_en")
        policy.reason = reason
        caps = p.get("affordable_cap_fen") or {}
        for band in ("infant", "toddler", "preschool", "mixed"):
            setattr(policy, f"cap_{band}_fen", caps.get(band))
        for field, default in SEEDED_DEFAULTS.items():
            setattr(policy, field, p.get(field, default))


# Settings a city's YAML may leave out, and what they then are (docs/domain.md *default*s).
SEEDED_DEFAULTS = {
    "health_check_valid_days": 90, "second_child_reduction_pct": 0,
    "third_child_reduction_pct": 0, "max_prepaid_months": 3, "session_quota_per_year": 12,
    "session_cancel_cutoff_hours": 2, "max_waits": 5, **{f: None for f in SUBSIDY_FIELDS},
}


def load_districts(echo):
    data = _load("districts.yaml")
    for city in data["cities"]:
        load_policy(city)
        added = 0
        for d in city["districts"]:
            district = db.session.scalar(select(District).where(District.code == str(d["code"])))
            if district is None:
                district = District(code=str(d["code"]))
                db.session.add(district)
                added += 1
            district.name = d["name"]
            district.name_en = d.get("name_en")
            district.city = city["city"]
            district.city_en = city.get("city_en")
            district.population = int(d["population"])
            district.population_year = city.get("population_year")
            district.target_per_1000 = float(d.get("target_per_1000", city["target_per_1000"]))
            if d.get("point"):
                district.latitude, district.longitude = (float(x) for x in d["point"])
        db.session.commit()
        echo(f"seed: {city['city']}: {len(city['districts'])} districts ({added} new)")
    return len(data["cities"])


def _seed_points() -> dict[str, tuple[float, float, float]]:
    """District code → (lat, lng, spread_km) from districts.yaml (GCJ-02)."""
    return {str(d["code"]): (*(float(x) for x in d["point"]), float(d.get("spread_km", 1.5)))
            for city in _load("districts.yaml")["cities"] for d in city["districts"]
            if d.get("point")}


def centre_point(c: dict, points) -> tuple[float | None, float | None]:
    """A seeded centre's point: its own `point` if the seed gives one, else a point within
    its district's spread, the same on every run (docs/search.md)."""
    if c.get("point"):
        return tuple(float(x) for x in c["point"])
    ref = points.get(str(c["district"]))
    if ref is None:
        return None, None
    return geo.jitter(ref[0], ref[1], c["key"], ref[2])


def load_centres(echo):
    data = _load("centres.yaml")
    items = data["centres"] if isinstance(data, dict) else data
    points = _seed_points()
    created = 0
    for i, c in enumerate(items, 1):
        existing = db.session.scalar(select(Centre).where(Centre.seed_key == c["key"]))
        if existing is not None:
            if existing.latitude is None:  # seeded before centres had points
                existing.latitude, existing.longitude = centre_point(c, points)
                db.session.commit()
            continue
        latitude, longitude = centre_point(c, points)
        status = c.get("filing_status", "approved")
        centre = centres.create_centre(
            district_code=str(c["district"]), seed_key=c["key"], approved=True,
            filing_number=c.get("filing_number"), name=c["name"], name_en=c.get("name_en"),
            kind=c["kind"], subdistrict=c["subdistrict"], address=c["address"],
            operator=c.get("operator"), affordable=bool(c.get("affordable")),
            star_rating=int(c.get("star_rating") or 0), opening_hours=c.get("opening_hours"),
            open_days=c.get("open_days"), indoor_area_m2=c.get("indoor_area_m2"),
            outdoor_area_m2=c.get("outdoor_area_m2"), phone=c.get("phone"),
            complaints_channel=c.get("complaints_channel"), latitude=latitude,
            longitude=longitude)
        groups = {}
        for g in c.get("groups") or []:
            group = Group(centre_id=centre.id, name=g["name"], name_en=g.get("name_en"),
                          age_band=g["age_band"], max_size=g["max_size"])
            db.session.add(group)
            db.session.flush()
            groups[g["name"]] = group
        db.session.commit()
        for s in c.get("slots") or []:
            group = groups.get(s.get("group"))
            slots.create_slot(centre=centre, age_band=s["age_band"], care_type=s["care_type"],
                              category=s["category"], capacity=int(s["capacity"]),
                              monthly_fee_fen=int(s["monthly_fee_fen"]),
                              starts_on=_date(s["starts_on"]),
                              group_id=group.id if group else None)
        for m in c.get("staff") or []:
            db.session.add(StaffMember(
                centre_id=centre.id, name=m["name"], role=m["role"],
                qualification_level=m.get("qualification_level"),
                certificate_no=m.get("certificate_no"),
                certificate_expires_on=_date(m.get("certificate_expires_on")),
                health_cert_expires_on=_date(m.get("health_cert_expires_on")),
                background_checked_on=_date(m.get("background_checked_on"))))
        # Seeded filings in other states show the regulator's workflow with real rows.
        if status != "approved":
            filing = centre.filing
            filing.status = status
            if status in ("draft", "submitted", "returned"):
                filing.filing_number = None
                filing.decided_at = None
                filing.submitted_at = None if status == "draft" else clock.now()
            if status == "returned":
                filing.return_reasons = "消防验收材料缺失，请补充后重新提交。"
        db.session.commit()
        created += 1
        echo(f"seed: centre {i}/{len(items)} {c['name']}")
    echo(f"seed: {created} centres added, {len(items) - created} already there")


def load_accounts(echo):
    data = _load("accounts.yaml")
    for a in data["accounts"]:
        email = a["email"].lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            centre_id = None
            if a.get("centre"):
                centre_id = db.session.scalar(select(Centre.id).where(Centre.seed_key == a["centre"]))
            district_id = None
            if a.get("district"):
                district_id = db.session.scalar(select(District.id).where(
                    District.code == str(a["district"])))
            if a["role"] == "parent":
                user = auth.register_parent(name=a["name"], email=email, phone=a.get("phone"),
                                            password=a["password"], consent=True)
            else:
                user = auth.create_user(role=a["role"], name=a["name"], email=email,
                                        phone=a.get("phone"), password=a["password"],
                                        centre_id=centre_id, district_id=district_id,
                                        city=a.get("city"), staff_role=a.get("staff_role"))
            echo(f"seed: account {a['role']} {email}")
        for ch in a.get("children") or []:
            exists = db.session.scalar(
                select(Child.id).join(Guardianship).where(
                    Guardianship.user_id == user.id, Child.name == ch["name"]))
            if exists:
                continue
            born = _date(ch["birth_date"])
            twins = [c for c in a["children"] if _date(c["birth_date"]) == born]
            # Children of one guardian born the same day are twins: one waitlist unit.
            child = Child(name=ch["name"], birth_date=born,
                          multiple_birth_key=f"seed-{email}-{born}" if len(twins) > 1 else None)
            db.session.add(child)
            db.session.flush()
            db.session.add(Guardianship(child_id=child.id, user_id=user.id, position=1,
                                        relation=ch.get("relation", "guardian")))
        db.session.commit()


def fill_nearly_full(echo):
    """Enrol demo children in the slots the seeds mark nearly full, so a demo shows a slot
    with one place left and the waitlist path."""
    from .audit.services import record
    from .centres.bands import AGE_BANDS
    from .reservations.models import Reservation

    data = _load("centres.yaml")
    marks = data.get("nearly_full_slots") or [] if isinstance(data, dict) else []
    family = db.session.scalar(select(User).where(User.email == "demo.family@tuowei.example"))
    if family is None:
        family = auth.register_parent(name="示例家庭", email="demo.family@tuowei.example",
                                      password="Family-demo-2026", consent=True)
    for n, mark in enumerate(marks, 1):
        centre_id = db.session.scalar(select(Centre.id).where(Centre.seed_key == mark["centre"]))
        stmt = select(Slot).join(Group, Group.id == Slot.group_id).where(
            Slot.centre_id == centre_id, Group.name == mark["group"],
            Slot.category == mark["category"], Slot.care_type == mark["care_type"],
            Slot.starts_on == _date(mark["starts_on"]))
        slot = db.session.scalar(stmt)
        if slot is None:
            continue
        name = f"示例宝宝{n}"
        exists = db.session.scalar(select(Reservation.id).join(Child).where(
            Reservation.slot_id == slot.id, Child.name == name))
        if exists:
            continue
        band = AGE_BANDS[slot.age_band]
        months = band.min_months + 2
        year, month = divmod(slot.starts_on.year * 12 + slot.starts_on.month - 1 - months, 12)
        child = Child(name=name, birth_date=date(year, month + 1, 1))
        db.session.add(child)
        db.session.flush()
        db.session.add(Guardianship(child_id=child.id, user_id=family.id, position=1))
        for _ in range(int(mark.get("reserve", 1))):
            r = Reservation(slot_id=slot.id, child_id=child.id, parent_id=family.id,
                            status="enrolled", created_at=clock.now(), enrolled_at=clock.now())
            db.session.add(r)
            db.session.flush()
            record("reservation.enrolled", r, centre_id=slot.centre_id,
                   after={"status": "enrolled", "seed": True})
        db.session.commit()
        echo(f"seed: demo enrolment in {mark['centre']} {mark['group']}")


def load_sessions(echo, days=14):
    """Demo sessions (seeds/sessions.yaml) for the `days` days after today, checked by the
    same rules as a centre's own (sessions.services), each with its audit event."""
    from datetime import datetime, time, timedelta

    from .audit.services import record
    from .sessions.models import CareSession
    from .sessions.services import SessionSpec, validate_spec

    data = _load("sessions.yaml")
    start_day = clock.today() + timedelta(days=1)
    made = 0
    for item in data.get("sessions") or []:
        centre = db.session.scalar(select(Centre).where(Centre.seed_key == item["centre"]))
        if centre is None:
            continue
        group = next((g for g in centre.groups if g.name == item.get("group")), None)
        spec = SessionSpec(kind=item["kind"], age_band=item["age_band"], on_date=start_day,
                           start=time.fromisoformat(item["start"]),
                           end=time.fromisoformat(item["end"]), capacity=int(item["capacity"]),
                           price_per_hour_fen=int(item.get("price_per_hour_fen", 0)),
                           subsidised=bool(item.get("subsidised")),
                           group_id=group.id if group else None,
                           weekdays=tuple(item["weekdays"]), repeat_weeks=days // 7)
        _group, dates = validate_spec(centre, spec, clock.now())
        for d in dates:
            starts = datetime.combine(d, spec.start, tzinfo=clock.LOCAL)
            if db.session.scalar(select(CareSession.id).where(
                    CareSession.centre_id == centre.id, CareSession.kind == spec.kind,
                    CareSession.starts_at == starts)):
                continue
            s = CareSession(centre_id=centre.id, group_id=spec.group_id, kind=spec.kind,
                            age_band=spec.age_band, starts_at=starts,
                            ends_at=datetime.combine(d, spec.end, tzinfo=clock.LOCAL),
                            capacity=spec.capacity, price_per_hour_fen=spec.price_per_hour_fen,
                            subsidised=spec.subsidised, created_at=clock.now())
            db.session.add(s)
            record("session.published", s, centre_id=centre.id,
                   after={"kind": s.kind, "starts_at": s.starts_at, "seed": True})
            made += 1
        db.session.commit()
    echo(f"seed: {made} demo sessions added")


def seed_demo_payments(echo):
    """The demo family pays one month ahead at each centre where it has an enrolment and
    staff to record it (through the ledger service, so the prepaid limit applies). Skipped
    where the family already has a payment, so running the seed again adds nothing."""
    from .fees import services as fees
    from .fees.models import LedgerEntry
    from .reservations.models import Reservation

    family = db.session.scalar(select(User).where(User.email == "demo.family@tuowei.example"))
    if family is None:
        return
    centre_ids = sorted(set(db.session.scalars(select(Slot.centre_id).join(
        Reservation, Reservation.slot_id == Slot.id).where(
        Reservation.parent_id == family.id, Reservation.status == "enrolled"))))
    for centre_id in centre_ids:
        staff = db.session.scalar(select(User).where(User.role == "staff",
                                                     User.centre_id == centre_id).order_by(User.id))
        paid = db.session.scalar(select(LedgerEntry.id).where(
            LedgerEntry.centre_id == centre_id, LedgerEntry.parent_id == family.id,
            LedgerEntry.kind == "payment").limit(1))
        amount = fees.monthly_fees_fen(centre_id, family.id)
        if staff is None or paid or amount <= 0:
            continue
        fees.record_payment(centre_id, family.id, amount, staff, method="微信（示例）",
                            note="seed")
        echo(f"seed: demo payment of {amount} fen at centre {centre_id}")


def load_rounds(echo):
    """Draft allocation rounds (seeds/rounds.yaml), matched by name."""
    from datetime import datetime, time, timedelta

    from .allocation import rounds
    from .allocation.models import Round
    for r in (_load("rounds.yaml") or {}).get("rounds") or []:
        if db.session.scalar(select(Round.id).where(Round.name == r["name"])):
            continue
        regulator = db.session.scalar(select(User).where(User.email == r["regulator"]))
        slot_ids = db.session.scalars(
            select(Slot.id).join(Centre, Centre.id == Slot.centre_id)
            .join(District, District.id == Centre.district_id)
            .where(District.city == r["city"], Slot.starts_on == _date(r["starts_on"]),
                   Slot.category.in_(rounds.ROUND_CATEGORIES)).order_by(Slot.id)).all()
        if regulator is None or not slot_ids:
            continue
        opens = datetime.combine(clock.today() + timedelta(days=r.get("opens_in_days", 0)),
                                 time(9), clock.LOCAL)
        rounds.create_round(regulator, name=r["name"], slot_ids=list(slot_ids), opens_at=opens,
                            closes_at=opens + timedelta(days=r.get("window_days", 21)),
                            max_choices=r.get("max_choices", 5),
                            offer_days=r.get("offer_days", 7))
        echo(f"seed: draft round {r['name']} ({len(slot_ids)} slots)")
