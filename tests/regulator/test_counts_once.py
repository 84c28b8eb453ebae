"""Honest statistics (issue 14, item 5): coverage, occupancy, waitlisted children, the city
roll-up, the daily snapshot and the exports count each child once, whatever places and waits
the child has across slots and districts."""
import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from booking import clock
from booking.children import services as children
from booking.extensions import db as _db
from booking.health.models import HealthCheck
from booking.regulator import services, snapshots
from booking.regulator.models import CoverageSnapshot
from booking.reservations import enrolment
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.waitlists import services as waitlists
from booking.waitlists.models import WaitlistEntry
from tests import factories as f
from tests.conftest import NOW


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302


def passed_check(parent, kid):
    _db.session.add(HealthCheck(child_id=kid.id, examined_on=date(2026, 11, 20),
                                institution="妇幼保健院", result="pass", vaccination_verified=True,
                                status="verified", valid_until=date(2027, 9, 1),
                                submitted_by=parent.id))
    _db.session.commit()


def enrol(slot, parent, kid, *, transfer=False):
    hold = reservations.place_hold(slot_id=slot.id, child_id=kid.id, parent=parent,
                                   transfer=transfer)
    staff = f.user("staff", centre_id=slot.centre_id)
    return enrolment.confirm(hold.id, staff)


def row_of(rows, district):
    return next(r for r in rows if r["district"] == district.code)


class Everyone:
    role, district_id, city = "admin", None, None


@pytest.fixture
def two_districts(db):
    """A child in care in district one; another centre in district two of the same city."""
    one, two = f.district(city="测试市", population=100_000), f.district(city="测试市",
                                                                        population=100_000)
    old = f.slot(f.centre(one), capacity=4, starts_on=date(2027, 3, 1))
    new = f.slot(f.centre(two), capacity=4, starts_on=date(2027, 4, 1))
    parent = f.user()
    kid = f.child(parent, name="转托宝")
    passed_check(parent, kid)
    first = enrol(old, parent, kid)
    return {"one": one, "two": two, "old": old, "new": new, "parent": parent, "kid": kid,
            "first": first}


def totals(rows, key):
    return sum(r[key] for r in rows if r["city"] == "测试市")


def test_a_child_with_a_transfer_hold_counts_once(two_districts):
    w = two_districts
    hold = reservations.place_hold(slot_id=w["new"].id, child_id=w["kid"].id,
                                   parent=w["parent"], transfer=True)
    assert hold.replaces_id == w["first"].id
    rows = services.coverage(Everyone())
    assert row_of(rows, w["one"])["enrolled"] == 1
    assert row_of(rows, w["two"])["enrolled"] == 0
    assert totals(rows, "enrolled") == 1
    assert row_of(rows, w["one"])["occupancy_rate"] == round(1 / 4, 3)


def test_a_confirmed_transfer_counts_the_child_once_until_the_old_care_ends(two_districts):
    """Between the confirmation and the old care's last day the child is in care at two
    slots: it counts once, where it still is; then once, where it went."""
    w = two_districts
    new = enrol(w["new"], w["parent"], w["kid"], transfer=True)
    _db.session.expire_all()
    old = _db.session.get(Reservation, w["first"].id)
    assert (old.status, old.leaves_on) == ("enrolled", date(2027, 3, 31))
    assert new.status == "enrolled"
    rows = services.coverage(Everyone())
    assert (row_of(rows, w["one"])["enrolled"], row_of(rows, w["two"])["enrolled"]) == (1, 0)
    assert totals(rows, "enrolled") == 1

    clock.set(NOW.replace(year=2027, month=4, day=1))  # the old care ended the day before
    rows = services.coverage(Everyone())
    assert (row_of(rows, w["one"])["enrolled"], row_of(rows, w["two"])["enrolled"]) == (0, 1)


def test_legacy_double_enrolment_counts_once(db):
    """Data from before the rule: one child enrolled at two slots counts once."""
    d = f.district(population=100_000)
    a, b = f.slot(f.centre(d), capacity=2), f.slot(f.centre(d), capacity=2)
    parent = f.user()
    kid = f.child(parent)
    for s in (a, b):
        _db.session.add(Reservation(slot_id=s.id, child_id=kid.id, parent_id=parent.id,
                                    status="enrolled"))
    _db.session.commit()
    row = row_of(services.coverage(Everyone()), d)
    assert row["enrolled"] == 1 and row["occupancy_rate"] == round(1 / 4, 3)


def wait_at(slots, parent, kid):
    entries = [waitlists.join(slot_id=s.id, child_id=kid.id, parent=parent)[0] for s in slots]
    assert all(e.status == "waiting" for e in entries)
    return entries


def test_a_child_waiting_at_two_slots_of_one_district_counts_once(db):
    d = f.district(population=100_000)
    full = [f.slot(f.centre(d), capacity=0) for _ in range(3)]
    parent = f.user()
    kid, other = f.child(parent), f.child(parent)
    wait_at(full[:2], parent, kid)
    wait_at(full[2:], parent, other)
    assert row_of(services.coverage(Everyone()), d)["waitlisted_children"] == 2


def test_a_child_waiting_in_two_districts_counts_once_in_the_city(client, db):
    """Counted where its most wanted wait is, so the districts add up to the city (the
    dashboard's roll-up, the snapshot, the exports)."""
    one, two = (f.district(city="测试市", population=100_000) for _ in range(2))
    s1, s2 = f.slot(f.centre(one), capacity=0), f.slot(f.centre(two), capacity=0)
    parent = f.user()
    kid = f.child(parent)
    e1, e2 = wait_at([s1, s2], parent, kid)
    e1.choice_rank, e2.choice_rank = 2, 1  # the family wants district two's place most
    _db.session.commit()
    rows = services.coverage(Everyone())
    assert (row_of(rows, one)["waitlisted_children"],
            row_of(rows, two)["waitlisted_children"]) == (0, 1)
    assert totals(rows, "waitlisted_children") == 1

    admin = f.user("admin")
    login(client, admin)
    html = client.get("/regulator?city=测试市").get_data(as_text=True)
    city_row = html.split("<tbody>")[1].split("</tr>")[0]
    assert re.search(r'<td class="num"[^>]*>1</td>$', city_row.rstrip())  # 候补儿童, the last column

    body = client.get("/regulator/coverage.csv?city=测试市").get_data(as_text=True)
    exported = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert sum(int(r["候补儿童"]) for r in exported) == 1


def test_twins_waiting_count_as_two_children_once_each(db):
    d = f.district(population=100_000)
    full = [f.slot(f.centre(d), capacity=0) for _ in range(2)]
    parent = f.user()
    first = children.add_child(parent, name="大宝", birth_date=date(2025, 9, 1))
    children.add_child(parent, name="二宝", birth_date=date(2025, 9, 1), twin_of=first.id)
    for s in full:
        waitlists.join(slot_id=s.id, child_id=first.id, parent=parent)
    assert _db.session.query(WaitlistEntry).count() == 4
    assert row_of(services.coverage(Everyone()), d)["waitlisted_children"] == 2


def test_the_snapshot_counts_each_child_once(two_districts):
    w = two_districts
    reservations.place_hold(slot_id=w["new"].id, child_id=w["kid"].id, parent=w["parent"],
                            transfer=True)
    full = f.slot(f.centre(w["two"]), capacity=0)
    other_full = f.slot(f.centre(w["one"]), capacity=0)
    waiter = f.child(w["parent"])
    wait_at([full, other_full], w["parent"], waiter)
    snapshots.take_snapshot()
    snaps = {s.district_id: s for s in _db.session.scalars(select(CoverageSnapshot))}
    assert snaps[w["one"].id].enrolled + snaps[w["two"].id].enrolled == 1
    assert snaps[w["one"].id].waitlisted_children + snaps[w["two"].id].waitlisted_children == 1


def test_the_api_and_the_xlsx_agree(client, two_districts):
    w = two_districts
    reservations.place_hold(slot_id=w["new"].id, child_id=w["kid"].id, parent=w["parent"],
                            transfer=True)
    admin = f.user("admin")
    rows = client.get("/api/v1/regulator/coverage?city=测试市",
                      headers=f.bearer(client, admin)).get_json()
    assert sum(r["enrolled"] for r in rows) == 1
    login(client, admin)
    resp = client.get("/regulator/coverage.xlsx?city=测试市")
    assert resp.status_code == 200
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(resp.data)).active
    values = list(sheet.values)
    col = values[0].index("在托儿童")
    assert sum(r[col] for r in values[1:]) == 1


def test_an_expired_wait_or_a_lapsed_transfer_hold_is_not_counted(two_districts):
    w = two_districts
    reservations.place_hold(slot_id=w["new"].id, child_id=w["kid"].id, parent=w["parent"],
                            transfer=True)
    clock.set(NOW + timedelta(days=3))  # the transfer hold lapsed; the enrolment stands
    rows = services.coverage(Everyone())
    assert totals(rows, "enrolled") == 1 and row_of(rows, w["one"])["enrolled"] == 1
