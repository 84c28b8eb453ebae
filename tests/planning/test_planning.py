"""Planning (docs/planning.md): the figures per subdistrict on a small world whose numbers
are worked out by hand, the what-if, refusals, scope, births entry and the seed loader."""
import json

import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.errors import NotFound, ValidationFailed
from booking.extensions import db as _db
from booking.planning import services
from booking.planning.models import SubdistrictBirths
from booking.planning.seeding import load_births
from booking.reservations.models import Reservation
from booking.waitlists import services as waitlists
from tests import factories as f

A, B, C = "甲街道", "乙街道", "丙街道"


@pytest.fixture
def world(db):
    """District D (50,000 residents, target 4.5 → 225 places):
    甲街道: an approved centre of 30 + 20 places, one child in care; an unapproved centre of
            40 (not counted); births 100, 90, 60 in 2024–2026 (and 500 in 2023, too old);
    乙街道: an approved centre of 25 places and a full slot with one child waiting; births
            50 and 50 in 2024–2025, none entered for 2026;
    丙街道: no centre; births 30, 30, 40.
    So: places 75, 1.5 per 1,000, 150 places needed; per 100 under-3s 20.0, 25.0, 0.0.
    District E (another city) for scope."""
    d = f.district(city="测试市", population=50_000, target=4.5)
    e = f.district(city="别的市", population=80_000, target=4.5)
    ca = f.centre(d, subdistrict=A)
    s1 = f.slot(ca, capacity=30)
    f.slot(ca, capacity=20, category="affordable")
    f.slot(f.centre(d, subdistrict=A, approved=False), capacity=40)
    cb = f.centre(d, subdistrict=B)
    f.slot(cb, capacity=25)
    full = f.slot(cb, capacity=0)
    f.slot(f.centre(e, subdistrict=A), capacity=99)   # the same name in another district
    parent = f.user()
    _db.session.add(Reservation(slot_id=s1.id, child_id=f.child(parent).id,
                                parent_id=parent.id, status="enrolled"))
    _db.session.commit()
    waitlists.join(slot_id=full.id, child_id=f.child(parent).id, parent=parent)
    for sub, figures in ((A, {2023: 500, 2024: 100, 2025: 90, 2026: 60}),
                         (B, {2024: 50, 2025: 50}), (C, {2024: 30, 2025: 30, 2026: 40})):
        for year, n in figures.items():
            _db.session.add(SubdistrictBirths(district_id=d.id, subdistrict=sub, year=year,
                                              births=n))
    _db.session.commit()
    return {"d": d, "e": e, "parent": parent, "admin": f.user("admin"),
            "reg": f.user("regulator", district_id=d.id),
            "other": f.user("regulator", district_id=e.id)}


def rows_by_name(table):
    return {r["subdistrict"]: r for r in table["rows"]}


def test_the_figures_per_subdistrict(world):
    t = services.plan(world["reg"], world["d"].code)
    assert t["years"] == [2024, 2025, 2026]
    assert (t["places"], t["places_per_1000"], t["target_per_1000"], t["places_needed"]) == \
        (75, 1.5, 4.5, 150)
    rows = rows_by_name(t)
    assert list(rows) == sorted([A, B, C])
    assert {k: rows[A][k] for k in ("places", "enrolled", "waitlisted_children", "under_3",
                                    "places_per_100_under_3", "births_complete")} == \
        {"places": 50, "enrolled": 1, "waitlisted_children": 0, "under_3": 250,
         "places_per_100_under_3": 20.0, "births_complete": True}
    assert rows[A]["births"] == {2024: 100, 2025: 90, 2026: 60}
    assert (rows[B]["places"], rows[B]["waitlisted_children"], rows[B]["under_3"],
            rows[B]["places_per_100_under_3"], rows[B]["births_complete"]) == \
        (25, 1, 100, 25.0, False)
    assert rows[B]["births"][2026] is None
    assert (rows[C]["places"], rows[C]["under_3"], rows[C]["places_per_100_under_3"]) == \
        (0, 100, 0.0)
    assert t["under_3"] == 450


def test_a_district_by_its_id_too(world):
    assert services.plan(world["admin"], str(world["d"].id))["code"] == world["d"].code


def test_what_if_a_centre_at_a_subdistrict_without_one(world):
    r = services.what_if(world["reg"], world["d"].code, C, 100)
    assert (r["places_after"], r["places_per_1000_after"], r["places_needed_after"]) == \
        (175, 3.5, 50)
    assert (r["places_per_100_under_3"], r["places_per_100_under_3_after"]) == (0.0, 100.0)


def test_what_if_reaching_the_target_leaves_no_gap_and_writes_nothing(world):
    before = _db.session.scalar(select(func.count()).select_from(AuditEvent))
    r = services.what_if(world["reg"], world["d"].code, A, "150")
    assert (r["places_per_1000_after"], r["places_needed_after"]) == (4.5, 0)
    assert r["places_per_100_under_3_after"] == 80.0
    assert _db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert services.plan(world["reg"], world["d"].code)["places"] == 75


@pytest.mark.parametrize("places", [0, 2001, -5, "ten", "1.5", "", None])
def test_what_if_places_out_of_range_are_refused(world, places):
    with pytest.raises(ValidationFailed) as exc:
        services.what_if(world["reg"], world["d"].code, A, places)
    assert "places" in exc.value.errors


def test_what_if_an_unknown_subdistrict_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        services.what_if(world["reg"], world["d"].code, "不存在街道", 10)
    assert list(exc.value.errors) == ["subdistrict"]


def test_another_districts_regulator_finds_nothing(world):
    with pytest.raises(NotFound):
        services.plan(world["other"], world["d"].code)
    with pytest.raises(NotFound):
        services.set_births(world["other"], world["d"].code, subdistrict=A, year=2026, births=1)
    for key in ("999999", "", "6101\x00", "6" * 40):
        with pytest.raises(NotFound):
            services.plan(world["admin"], key)


def test_the_city_regulator_and_the_picker(world):
    city = f.user("regulator", city="测试市")
    assert [r["district"] for r in services.districts(city)] == [world["d"].code]
    assert services.plan(city, world["d"].code)["places"] == 75


# --- births entry ---------------------------------------------------------------------------

def audit_of(action):
    return _db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_entering_and_correcting_births_is_audited(world):
    row = services.set_births(world["reg"], world["d"].code, subdistrict=B, year=2026,
                              births="45")
    assert row.births == 45
    [ev] = audit_of("births.recorded")
    assert ev.actor_id == world["reg"].id and ev.entity_type == "subdistrict_births"
    services.set_births(world["reg"], world["d"].code, subdistrict=A, year=2026, births=66)
    [ev] = audit_of("births.corrected")
    assert json.loads(ev.before) == {"births": 60} and json.loads(ev.after)["births"] == 66
    t = rows_by_name(services.plan(world["reg"], world["d"].code))
    assert (t[B]["under_3"], t[B]["births_complete"], t[A]["under_3"]) == (145, True, 256)
    # The same figure again changes nothing and logs nothing.
    services.set_births(world["reg"], world["d"].code, subdistrict=A, year=2026, births=66)
    assert len(audit_of("births.corrected")) == 1


def test_a_new_subdistrict_must_be_named_as_new(world):
    with pytest.raises(ValidationFailed) as exc:
        services.set_births(world["reg"], world["d"].code, subdistrict="新街道", year=2026,
                            births=10)
    assert list(exc.value.errors) == ["subdistrict"]
    services.set_births(world["reg"], world["d"].code, subdistrict="新街道", year=2026,
                        births=10, new_subdistrict=True)
    assert rows_by_name(services.plan(world["reg"], world["d"].code))["新街道"]["under_3"] == 10


@pytest.mark.parametrize("field,kw", [
    ("births", {"births": -1}), ("births", {"births": "1.5"}), ("births", {"births": "many"}),
    ("births", {"births": True}), ("year", {"year": 2027}), ("year", {"year": 1999}),
    ("year", {"year": "abc"}), ("subdistrict", {"subdistrict": "  "}),
    ("subdistrict", {"subdistrict": "甲\x00街道", "new_subdistrict": True}),
    ("subdistrict", {"subdistrict": "街" * 61, "new_subdistrict": True}),
])
def test_births_validation(world, field, kw):
    args = {"subdistrict": A, "year": 2025, "births": 10, **kw}
    with pytest.raises(ValidationFailed) as exc:
        services.set_births(world["reg"], world["d"].code, **args)
    assert field in exc.value.errors
    assert not audit_of("births.recorded") and not audit_of("births.corrected")


# --- the seed loader ------------------------------------------------------------------------

def test_the_seed_loader_is_idempotent_and_keeps_corrections(db, tmp_path):
    d = f.district(code="619901", city="测试市")
    seed = tmp_path / "births.yaml"
    seed.write_text('demo_values: true\nbirths:\n'
                    '  - {district: "619901", subdistrict: "一街道", births: {2024: 10, 2025: 20}}\n'
                    '  - {district: "000000", subdistrict: "无区县", births: {2024: 5}}\n',
                    encoding="utf-8")
    assert load_births(echo=lambda *_: None, path=seed) == 2
    row = _db.session.scalar(select(SubdistrictBirths).where(SubdistrictBirths.year == 2025))
    row.births = 25  # a regulator's correction
    _db.session.commit()
    assert load_births(echo=lambda *_: None, path=seed) == 0
    figures = _db.session.execute(select(SubdistrictBirths.year, SubdistrictBirths.births)
                                  .where(SubdistrictBirths.district_id == d.id)
                                  .order_by(SubdistrictBirths.year)).all()
    assert [tuple(r) for r in figures] == [(2024, 10), (2025, 25)]


def test_the_seed_file_covers_the_seeded_centres_subdistricts():
    import yaml

    from booking.seeding import SEEDS
    centres = yaml.safe_load((SEEDS / "centres.yaml").read_text(encoding="utf-8"))["centres"]
    births = yaml.safe_load((SEEDS / "births.yaml").read_text(encoding="utf-8"))
    assert births["demo_values"] is True
    seeded = {(str(b["district"]), b["subdistrict"]): set(b["births"]) for b in births["births"]}
    for c in centres:
        assert seeded[(str(c["district"]), c["subdistrict"])] == {2024, 2025, 2026}


def test_births_events_are_in_the_districts_audit_search_only(world):
    from booking.regulator import audit_log
    services.set_births(world["reg"], world["d"].code, subdistrict=B, year=2026, births=7)
    only = audit_log.parse_filters({"action": "births.recorded"})
    assert audit_log.count(world["reg"], only) == 1
    assert audit_log.count(f.user("regulator", city="测试市"), only) == 1
    assert audit_log.count(world["other"], only) == 0
    assert audit_log.count(world["admin"], only) == 1
