"""The centre page cache (booking/centres/pagecache.py, versions.py): a repeat read is one
statement; every write the page shows, and time alone, makes the next read fresh."""
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from booking import clock
from booking.centres import location, pagecache
from booking.centres.models import Centre
from booking.extensions import db as _db
from booking.regulator import filing
from booking.reservations import enrolment
from booking.reservations import services as reservations
from booking.rosters.models import StaffMember
from booking.slots import services as slots
from tests import factories as f


@pytest.fixture
def statements(app):
    got = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        got.append(statement)
    # The version check runs on the app's engine, in autocommit (pagecache.check_engine).
    engines = [_db.engine]
    for e in engines:
        event.listen(e, "before_cursor_execute", listen)
    yield got
    for e in engines:
        event.remove(e, "before_cursor_execute", listen)


@pytest.fixture
def world(db):
    d = f.district()
    c = f.centre(d)
    s = f.slot(c, capacity=3)
    return {"centre": c, "slot": s, "staff": f.user("staff", centre_id=c.id),
            "regulator": f.user("regulator", district_id=d.id)}


def read(client, centre_id):
    resp = client.get(f"/api/v1/centres/{centre_id}")
    assert resp.status_code == 200
    return resp.get_json()


def family():
    p = f.user()
    kid = f.child(p)
    f.passed_check(kid, p)
    return p, kid


def test_a_repeat_read_is_one_statement(client, world, statements):
    c = world["centre"]
    first = read(client, c.id)
    statements.clear()
    again = read(client, c.id)
    assert len(statements) == 1, statements
    assert again["disclosure"].pop("as_of") >= first["disclosure"].pop("as_of")
    assert again == first
    statements.clear()
    assert client.get(f"/centres/{c.id}").status_code == 200  # the page reads the same entry
    assert not any("staff_member" in s for s in statements)  # no disclosure rebuilt


def test_a_booking_cancel_and_enrolment_show_at_once(client, world):
    c, s = world["centre"], world["slot"]
    assert read(client, c.id)["places_available"] == 3
    p, kid = family()
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    assert read(client, c.id)["places_available"] == 2
    reservations.cancel(hold.id, p)
    assert read(client, c.id)["places_available"] == 3
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    read(client, c.id)
    enrolment.confirm(hold.id, world["staff"])
    body = read(client, c.id)
    assert body["places_available"] == 2 and body["disclosure"]["places_available"] == 2


def test_a_lapsed_hold_frees_its_place_with_no_write(client, world, statements):
    c, s = world["centre"], world["slot"]
    p, kid = family()
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    assert read(client, c.id)["places_available"] == 2
    clock.set(hold.expires_at + timedelta(seconds=1))
    statements.clear()
    assert read(client, c.id)["places_available"] == 3
    assert not any(s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
                   for s in statements)


def test_an_entry_lasts_until_beijing_midnight_at_most(client, world):
    c = world["centre"]
    read(client, c.id)
    (page,) = [e[1] for e in pagecache.cache()._entries.values()]
    assert page.valid_until <= clock.end_of_day(clock.today())
    assert page.valid_until <= clock.now() + pagecache.MAX_AGE


def test_disclosure_edits_filing_decisions_and_slot_edits_show(client, world, db):
    c, s = world["centre"], world["slot"]
    before = read(client, c.id)
    assert before["disclosure"]["staff_total"] == 0
    db.session.add(StaffMember(centre_id=c.id, name="李娜", role="childcare_worker",
                               qualification_level=3, health_cert_expires_on=date(2027, 6, 1)))
    db.session.commit()
    assert read(client, c.id)["disclosure"]["staff_total"] == 1
    location.set_location(c.id, world["staff"], 34.2, 108.9)
    assert read(client, c.id)["latitude"] == 34.2
    slots.change_slot(s.id, capacity=5, actor=world["staff"])
    assert read(client, c.id)["places_available"] == 5
    filing.decide(c.filing.id, world["regulator"], "suspend", "消防整改")
    body = read(client, c.id)
    assert body["filing_status"] == "suspended" and body["places_available"] == 0


def test_a_new_slot_shows(client, world):
    c = world["centre"]
    read(client, c.id)
    f.slot(c, capacity=4)
    assert read(client, c.id)["disclosure"]["places_total"] == 7


def test_the_cache_is_bounded(app, client, world):
    app.config["TUOWEI_PAGECACHE_SIZE"] = 2
    app.extensions.pop("tw_pagecache", None)
    ids = [world["centre"].id] + [f.centre().id for _ in range(3)]
    for cid in ids:
        read(client, cid)
    store = pagecache.cache()
    assert len(store) == 2 and list(store._entries) == ids[-2:]


def test_a_draft_centre_stays_404_and_uncached(client, db):
    c = f.centre(approved=False)
    assert client.get(f"/api/v1/centres/{c.id}").status_code == 404
    assert client.get(f"/centres/{c.id}").status_code == 404
    assert len(pagecache.cache()) == 0


def test_a_parents_own_children_are_not_cached(client, world):
    """The page's per-child actions are computed per request, never from the cache."""
    c = world["centre"]
    client.get(f"/centres/{c.id}")  # filled by an anonymous visitor
    p, kid = family()
    client.post("/login", data={"login": p.email, "password": f.PASSWORD})
    html = client.get(f"/centres/{c.id}").get_data(as_text=True)
    assert kid.name in html


def test_a_booking_writes_no_centre_row_and_bumps_its_slot_once(world, statements):
    """The reserve path stays as it was: the lock's slot write is the slot's bump."""
    p, kid = family()
    statements.clear()
    reservations.place_hold(slot_id=world["slot"].id, child_id=kid.id, parent=p)
    writes = [s.split()[1] for s in statements if s.lstrip().upper().startswith("UPDATE")]
    assert writes.count("slot") == 1 and "centre" not in writes


def test_a_rounds_bulk_holds_bump_the_centres(world, db):
    from booking.centres.versions import bump_centres_of
    c = world["centre"]
    before = db.session.scalar(select(Centre.version).where(Centre.id == c.id))
    bump_centres_of(db.session, [world["slot"].id])
    db.session.commit()
    assert db.session.scalar(select(Centre.version).where(Centre.id == c.id)) == before + 1
