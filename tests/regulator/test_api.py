"""docs/api.md, Regulator: coverage arithmetic and the filings list."""
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
