"""The database itself refuses bad rows (docs/design.md): CHECKs, FKs, NOT NULL, uniques,
partial unique indexes and the append-only audit log, on SQLite and PostgreSQL alike.

Rows are inserted straight through the session, bypassing the services, so what is tested
is the schema the migrations built."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from booking.audit.models import AuditEvent
from booking.auth.models import User
from booking.centres.models import Centre, District, Group
from booking.children.models import Child, Guardianship
from booking.regulator.models import Filing
from booking.reservations.models import Reservation
from booking.slots.models import Slot
from booking.waitlists.models import WaitlistEntry
from tests import factories as f
from tests.conftest import NOW


def refused(db, *rows):
    """Adding `rows` fails with an IntegrityError; the session is usable afterwards."""
    with pytest.raises(IntegrityError):
        for row in rows:
            db.session.add(row)
        db.session.flush()
    db.session.rollback()


def accepted(db, *rows):
    for row in rows:
        db.session.add(row)
    db.session.commit()


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


# --- centres, districts, groups -------------------------------------------------------

def _centre(d, **kw):
    fields = dict(name="某托育中心", kind="public", district_id=d.id, subdistrict="街道",
                  address="路 1 号")
    fields.update(kw)
    return Centre(**fields)


def test_centre_kind_must_be_known(db):
    d = f.district()
    refused(db, _centre(d, kind="castle"))
    accepted(db, _centre(d, kind="community_embedded"))
    assert count(db, Centre) == 1


@pytest.mark.parametrize("rating, ok", [(-1, False), (0, True), (5, True), (6, False)])
def test_star_rating_is_0_to_5(db, rating, ok):
    d = f.district()
    row = _centre(d, star_rating=rating)
    if ok:
        accepted(db, row)
        assert db.session.get(Centre, row.id).star_rating == rating
    else:
        refused(db, row)
        assert count(db, Centre) == 0


def test_centre_needs_a_name_and_an_existing_district(db):
    d = f.district()
    refused(db, _centre(d, name=None))
    refused(db, _centre(d, district_id=999_999))
    assert count(db, Centre) == 0


def test_district_code_is_unique_and_population_positive(db):
    d = f.district(code="610101")
    refused(db, District(code="610101", name="重复", city="西安", population=1000,
                         target_per_1000=4.5))
    refused(db, District(code="610199", name="无人", city="西安", population=0,
                         target_per_1000=4.5))
    refused(db, District(code="610198", name="无人口", city="西安", population=None,
                         target_per_1000=4.5))
    assert db.session.scalars(select(District.code)).all() == [d.code]


@pytest.mark.parametrize("band, largest", [("infant", 10), ("toddler", 15), ("preschool", 20),
                                           ("mixed", 18)])
def test_group_size_limited_per_band(db, band, largest):
    """设置标准 art. 19: 10 / 15 / 20 children, mixed classes 18."""
    c = f.centre()
    accepted(db, Group(centre_id=c.id, name="ok", age_band=band, max_size=largest))
    refused(db, Group(centre_id=c.id, name="too big", age_band=band, max_size=largest + 1))
    refused(db, Group(centre_id=c.id, name="empty", age_band=band, max_size=0))
    assert db.session.scalars(select(Group.name)).all() == ["ok"]


def test_group_band_must_be_known(db):
    c = f.centre()
    refused(db, Group(centre_id=c.id, name="x", age_band="teen", max_size=5))


# --- slots ----------------------------------------------------------------------------

def _slot(c, **kw):
    fields = dict(centre_id=c.id, age_band="toddler", care_type="full_day", category="public",
                  capacity=5, monthly_fee_fen=100000, starts_on=date(2027, 3, 1))
    fields.update(kw)
    return Slot(**fields)


@pytest.mark.parametrize("bad", [
    {"capacity": -1}, {"monthly_fee_fen": -1}, {"age_band": "teen"}, {"care_type": "night"},
    {"category": "vip"}, {"centre_id": 999_999}, {"capacity": None}, {"starts_on": None},
])
def test_slot_refuses(db, bad):
    c = f.centre()
    refused(db, _slot(c, **bad))
    assert count(db, Slot) == 0


def test_slot_with_zero_capacity_is_allowed(db):
    c = f.centre()
    accepted(db, _slot(c, capacity=0))
    assert count(db, Slot) == 1


# --- users ----------------------------------------------------------------------------

def test_user_role_must_be_known(db):
    refused(db, User(name="x", email="x@example.com", role="superuser"))
    accepted(db, User(name="y", email="y@example.com", role="regulator"))
    assert db.session.scalars(select(User.role)).all() == ["regulator"]


def test_staff_have_a_centre_and_nobody_else_does(db):
    c = f.centre()
    refused(db, User(name="s", email="s@example.com", role="staff", staff_role="director"))
    refused(db, User(name="p", email="p@example.com", role="parent", centre_id=c.id))
    refused(db, User(name="a", email="a@example.com", role="admin", centre_id=c.id))
    # Staff have exactly one known staff role; nobody else has one.
    refused(db, User(name="s", email="s@example.com", role="staff", centre_id=c.id))
    refused(db, User(name="s", email="s@example.com", role="staff", centre_id=c.id,
                     staff_role="cook"))
    refused(db, User(name="r", email="r@example.com", role="regulator", staff_role="carer"))
    accepted(db, User(name="s", email="s@example.com", role="staff", centre_id=c.id,
                      staff_role="carer"))
    assert count(db, User) == 1


def test_user_email_and_phone_are_unique(db):
    accepted(db, User(name="a", email="a@example.com", phone="13800000000", role="parent"))
    refused(db, User(name="b", email="a@example.com", role="parent"))
    refused(db, User(name="c", phone="13800000000", role="parent"))
    assert count(db, User) == 1


def test_user_needs_a_way_to_log_in_and_a_known_locale(db):
    refused(db, User(name="nobody", role="parent"))
    refused(db, User(name="fr", email="fr@example.com", role="parent", locale="fr"))
    refused(db, User(name=None, email="n@example.com", role="parent"))


# --- children and guardians -----------------------------------------------------------

def test_a_child_cannot_get_a_third_guardian(db):
    p1, p2, p3 = f.user(), f.user(), f.user()
    child = f.child(p1)  # p1 at position 1
    accepted(db, Guardianship(child_id=child.id, user_id=p2.id, relation="father", position=2))
    refused(db, Guardianship(child_id=child.id, user_id=p3.id, relation="guardian", position=3))
    refused(db, Guardianship(child_id=child.id, user_id=p3.id, relation="guardian", position=1))
    refused(db, Guardianship(child_id=child.id, user_id=p3.id, relation="guardian", position=2))
    assert db.session.scalar(select(func.count()).where(Guardianship.child_id == child.id)) == 2


def test_guardianship_refuses_duplicates_and_unknown_relations(db):
    p1 = f.user()
    child = f.child(p1)
    refused(db, Guardianship(child_id=child.id, user_id=p1.id, relation="mother", position=2))
    p2 = f.user()
    refused(db, Guardianship(child_id=child.id, user_id=p2.id, relation="aunt", position=2))
    refused(db, Child(name="x", birth_date=date(2025, 1, 1), sex="x"))


# --- reservations and waitlists -------------------------------------------------------

@pytest.fixture
def booking_world(db):
    parent = f.user()
    return parent, f.child(parent), f.slot(capacity=5)


def _reservation(world, status="held", **kw):
    parent, child, slot = world
    fields = dict(slot_id=slot.id, child_id=child.id, parent_id=parent.id, status=status,
                  expires_at=NOW + timedelta(hours=48) if status == "held" else None)
    fields.update(kw)
    return Reservation(**fields)


@pytest.mark.parametrize("first, second", [("held", "held"), ("held", "enrolled"),
                                           ("enrolled", "held"), ("enrolled", "enrolled")])
def test_one_live_reservation_per_child_per_slot(db, booking_world, first, second):
    accepted(db, _reservation(booking_world, first))
    refused(db, _reservation(booking_world, second))
    assert count(db, Reservation) == 1


@pytest.mark.parametrize("ended", ["cancelled", "expired", "withdrawn"])
def test_an_ended_reservation_does_not_block_a_new_one(db, booking_world, ended):
    accepted(db, _reservation(booking_world, ended), _reservation(booking_world, ended))
    accepted(db, _reservation(booking_world, "held"))
    assert count(db, Reservation) == 3


def test_another_child_may_hold_the_same_slot(db, booking_world):
    parent, _child, slot = booking_world
    other = f.child(parent)
    accepted(db, _reservation(booking_world), _reservation(booking_world, child_id=other.id))
    assert count(db, Reservation) == 2


def test_reservation_status_known_and_a_hold_has_an_expiry(db, booking_world):
    refused(db, _reservation(booking_world, "pending"))
    refused(db, _reservation(booking_world, "held", expires_at=None))
    refused(db, _reservation(booking_world, "held", slot_id=999_999))


def _entry(world, status="waiting", **kw):
    parent, child, slot = world
    fields = dict(slot_id=slot.id, child_id=child.id, parent_id=parent.id, status=status,
                  priority=7, tier="everyone", unit_key=f"child-{child.id}")
    fields.update(kw)
    return WaitlistEntry(**fields)


def test_one_live_waitlist_entry_per_child_per_slot(db, booking_world):
    accepted(db, _entry(booking_world))
    refused(db, _entry(booking_world))
    assert count(db, WaitlistEntry) == 1


def test_a_withdrawn_waitlist_entry_does_not_block(db, booking_world):
    accepted(db, _entry(booking_world, "withdrawn"), _entry(booking_world, "expired"))
    accepted(db, _entry(booking_world))
    assert count(db, WaitlistEntry) == 3


def test_waitlist_checks(db, booking_world):
    refused(db, _entry(booking_world, "limbo"))
    refused(db, _entry(booking_world, priority=0))
    refused(db, _entry(booking_world, "offered", reservation_id=None))


# --- filings --------------------------------------------------------------------------

def test_an_approved_filing_needs_a_filing_number(db):
    c = f.centre(approved=False)  # a draft filing
    filing = db.session.scalar(select(Filing).where(Filing.centre_id == c.id))
    assert filing.status == "draft" and filing.filing_number is None
    for status in ("approved", "suspended", "closed"):
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE filing SET status = :s WHERE id = :id"),
                               {"s": status, "id": filing.id})
        db.session.rollback()
    db.session.execute(text("UPDATE filing SET status = 'approved', filing_number = 'X-1' "
                            "WHERE id = :id"), {"id": filing.id})
    db.session.commit()
    assert db.session.scalar(select(Filing.status).where(Filing.id == filing.id)) == "approved"


def test_one_filing_per_centre_with_a_known_status(db):
    c = f.centre()  # approved filing exists
    refused(db, Filing(centre_id=c.id, status="draft"))
    c2 = f.centre(approved=False)
    db.session.execute(text("DELETE FROM filing WHERE centre_id = :c"), {"c": c2.id})
    db.session.commit()
    refused(db, Filing(centre_id=c2.id, status="pondering"))


# --- the audit log --------------------------------------------------------------------

def test_audit_log_is_append_only(db):
    f.district()  # writes a district.created event
    before = db.session.execute(select(AuditEvent.id, AuditEvent.action)).all()
    assert before and before[0].action == "district.created"
    with pytest.raises(DBAPIError):
        db.session.execute(text("UPDATE audit_event SET action = 'tampered'"))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(DBAPIError):
        db.session.execute(text("DELETE FROM audit_event"))
        db.session.flush()
    db.session.rollback()
    event = db.session.get(AuditEvent, before[0].id)
    event.reason = "edited through the ORM"
    with pytest.raises(DBAPIError):
        db.session.flush()
    db.session.rollback()
    assert db.session.execute(select(AuditEvent.id, AuditEvent.action)).all() == before
    assert db.session.scalar(select(AuditEvent.reason).where(AuditEvent.id == before[0].id)) is None
    # Appending still works.
    db.session.add(AuditEvent(action="test.appended", entity_type="test", entity_id=1))
    db.session.commit()
    assert count(db, AuditEvent) == len(before) + 1
