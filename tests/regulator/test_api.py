"""docs/api.md, Regulator: coverage arithmetic (by district and by city) and the filings list."""
from booking.reservations.models import Reservation
from booking.extensions import db
from tests import factories as f


def test_coverage_places_per_1000_by_hand(client):
    d = f.district(population=100_000, target=4.5)
    c = f.centre(d)
    f.slot(c, capacity=10, category="public")
    s2 = f.slot(c, capacity=5, category="affordable")
    f.slot(f.centre(d, approved=False), capacity=100)  # not approved: not counted
    parent = f.user()
    kid = f.child(parent)
    db.session.add(Reservation(slot_id=s2.id, child_id=kid.id, parent_id=parent.id,
                               status="enrolled"))
    db.session.commit()
    admin = f.user("admin")
    rows = client.get("/api/v1/regulator/coverage", headers=f.bearer(client, admin)).get_json()
    row = next(r for r in rows if r["district"] == d.code)
    # 15 places / 100,000 residents × 1,000 = 0.15
    assert row["places"] == 15 and row["places_per_1000"] == 0.15
    assert row["affordable_places"] == 5 and row["public_places"] == 10
    assert row["occupancy_rate"] == round(1 / 15, 3)
    assert row["target_per_1000"] == 4.5 and row["population"] == 100_000


def test_a_child_past_its_last_day_is_not_counted_as_enrolled(client):
    """Occupancy counts children in care: one whose leaving date has passed is not, whether
    or not the leavers' job has run (its row still says enrolled)."""
    from datetime import date

    d = f.district(population=100_000)
    s = f.slot(f.centre(d), capacity=4)
    parent = f.user()
    for leaves_on in (None, date(2026, 11, 23), date(2026, 11, 22)):  # today is 2026-11-23
        db.session.add(Reservation(slot_id=s.id, child_id=f.child(parent).id,
                                   parent_id=parent.id, status="enrolled", leaves_on=leaves_on))
    db.session.commit()
    rows = client.get("/api/v1/regulator/coverage",
                      headers=f.bearer(client, f.user("admin"))).get_json()
    row = next(r for r in rows if r["district"] == d.code)
    assert row["occupancy_rate"] == round(2 / 4, 3)


def test_district_regulator_sees_own_district_only(client):
    mine, _other = f.district(), f.district()
    reg = f.user("regulator", district_id=mine.id)
    rows = client.get("/api/v1/regulator/coverage", headers=f.bearer(client, reg)).get_json()
    assert [r["district"] for r in rows] == [mine.code]


def test_filings_filter_and_guards(client):
    f.centre(approved=False)
    f.centre()
    reg = f.user("regulator")
    h = f.bearer(client, reg)
    assert [x["status"] for x in client.get("/api/v1/regulator/filings?status=draft",
                                            headers=h).get_json()] == ["draft"]
    assert len(client.get("/api/v1/regulator/filings", headers=h).get_json()) == 2
    assert client.get("/api/v1/regulator/filings?status=bogus", headers=h).status_code == 422
    assert client.get("/api/v1/regulator/filings",
                      headers=f.bearer(client, f.user())).status_code == 403
    assert client.get("/api/v1/regulator/coverage").status_code == 401


def _two_cities(db):
    """西安: two districts (15 places for 100,000, 35 for 400,000, one child in care, one
    waiting); 北京: one district of 10 places for 200,000."""
    from booking.waitlists import services as waitlists

    d1 = f.district(city="西安", population=100_000, target=4.5)
    d2 = f.district(city="西安", population=400_000, target=5.0)
    d3 = f.district(city="北京", population=200_000, target=6.0)
    c1 = f.centre(d1)
    f.slot(c1, capacity=10, category="public")
    s1 = f.slot(c1, capacity=5, category="affordable")
    c2 = f.centre(d2)
    f.slot(c2, capacity=35, category="public")
    full = f.slot(c2, capacity=0)
    f.slot(f.centre(d3), capacity=10, category="affordable")
    parent = f.user()
    db.session.add(Reservation(slot_id=s1.id, child_id=f.child(parent).id, parent_id=parent.id,
                               status="enrolled"))
    db.session.commit()
    waitlists.join(slot_id=full.id, child_id=f.child(parent).id, parent=parent)
    return d1, d2, d3


def test_coverage_by_city_sums_the_districts(client, db):
    _two_cities(db)
    rows = client.get("/api/v1/regulator/coverage/cities",
                      headers=f.bearer(client, f.user("admin"))).get_json()
    assert {r["city"]: r for r in rows} == {
        "北京": {"city": "北京", "population": 200_000, "places": 10, "places_per_1000": 0.05,
         "target_per_1000": 6.0, "affordable_places": 10, "public_places": 0, "enrolled": 0,
         "occupancy_rate": 0.0, "waitlisted_children": 0},
        # 50 places / 500,000 residents × 1,000 = 0.1; the highest of the districts' targets
        "西安": {"city": "西安", "population": 500_000, "places": 50, "places_per_1000": 0.1,
         "target_per_1000": 5.0, "affordable_places": 5, "public_places": 45, "enrolled": 1,
         "occupancy_rate": 0.02, "waitlisted_children": 1},
    }
    one = client.get("/api/v1/regulator/coverage/cities?city=北京",
                     headers=f.bearer(client, f.user("admin"))).get_json()
    assert [r["city"] for r in one] == ["北京"]


def test_coverage_by_city_keeps_to_the_jurisdiction(client, db):
    d1, _d2, d3 = _two_cities(db)
    district = f.bearer(client, f.user("regulator", district_id=d1.id))
    rows = client.get("/api/v1/regulator/coverage/cities", headers=district).get_json()
    # its own district only, even though its city has another
    assert [(r["city"], r["population"], r["places"]) for r in rows] == [("西安", 100_000, 15)]
    city = f.bearer(client, f.user("regulator", city="北京"))
    rows = client.get("/api/v1/regulator/coverage/cities", headers=city).get_json()
    assert [(r["city"], r["places"]) for r in rows] == [("北京", 10)]
    assert client.get("/api/v1/regulator/coverage/cities?city=西安", headers=city).get_json() \
        == []
    assert client.get("/api/v1/regulator/coverage/cities").status_code == 401
    parent = f.bearer(client, f.user())
    assert client.get("/api/v1/regulator/coverage/cities", headers=parent).status_code == 403
    staff = f.bearer(client, f.user("staff", centre_id=f.centre(d3).id))
    assert client.get("/api/v1/regulator/coverage/cities", headers=staff).status_code == 403
