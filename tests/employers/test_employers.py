"""Employers and quotas (docs/employers.md): registering, setting quotas under the capacity,
the employee link of an `employer_staff` claim, and the booking rule."""
from datetime import date

import pytest
from sqlalchemy import select

from booking.audit.models import AuditEvent
from booking.employers import queries, services
from booking.errors import Conflict, NotFound, SlotFull, ValidationFailed
from booking.extensions import db
from booking.reservations import services as reservations
from booking.slots import services as slots
from booking.waitlists import services as waitlists
from tests import factories as f


@pytest.fixture
def world(app, db):
    c = f.centre()
    director = f.user("staff", centre_id=c.id, staff_role="director")
    s = f.slot(c, capacity=4)
    e1 = services.register_employer(director, c.id, name="甲公司", credit_code=f.credit_code())
    e2 = services.register_employer(director, c.id, name="乙医院", credit_code=f.credit_code())
    return {"c": c, "director": director, "slot": s, "e1": e1, "e2": e2}


def _family():
    p = f.user()
    return p, f.child(p)


def test_register_checks_the_code_and_refuses_a_second(world):
    d, c = world["director"], world["c"]
    with pytest.raises(ValidationFailed) as err:
        services.register_employer(d, c.id, name="丙", credit_code="91350100M000100Y44")
    assert "credit_code" in err.value.errors
    with pytest.raises(ValidationFailed):
        services.register_employer(d, c.id, name=" ", credit_code=f.credit_code())
    with pytest.raises(Conflict):
        services.register_employer(d, c.id, name="甲", credit_code=world["e1"].credit_code)
    other = f.user("staff", centre_id=f.centre().id, staff_role="director")
    with pytest.raises(NotFound):
        services.register_employer(other, c.id, name="丁", credit_code=f.credit_code())
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "employer.registered")) is not None


def test_quotas_never_above_capacity(world):
    d, s, e1, e2 = world["director"], world["slot"], world["e1"], world["e2"]
    services.set_quotas(d, s.id, [{"employer_id": e1.id, "places": 2},
                                  {"employer_id": e2.id, "places": 2}])
    assert [r["places"] for r in queries.quota_use(s.id)] == [2, 2]
    with pytest.raises(Conflict):
        services.set_quotas(d, s.id, [{"employer_id": e1.id, "places": 3},
                                      {"employer_id": e2.id, "places": 2}])
    with pytest.raises(ValidationFailed):
        services.set_quotas(d, s.id, [{"employer_id": e1.id, "places": 0}])
    with pytest.raises(ValidationFailed):
        services.set_quotas(d, s.id, [{"employer_id": e1.id, "places": 1},
                                      {"employer_id": e1.id, "places": 1}])
    with pytest.raises(ValidationFailed):
        services.set_quotas(d, s.id, [{"employer_id": e1.id, "places": 1,
                                       "reserved_until": date(2026, 1, 1)}])
    # Capacity may not drop below the quotas' sum.
    with pytest.raises(Conflict):
        slots.change_slot(s.id, capacity=3, actor=d)
    # Another centre's employer, another centre's director.
    foreign = services.register_employer(
        f.user("staff", centre_id=(c2 := f.centre()).id, staff_role="director"), c2.id,
        name="外单位", credit_code=f.credit_code())
    with pytest.raises(ValidationFailed):
        services.set_quotas(d, s.id, [{"employer_id": foreign.id, "places": 1}])
    with pytest.raises(NotFound):
        services.set_quotas(f.user("staff", centre_id=c2.id, staff_role="director"), s.id, [])
    services.set_quotas(d, s.id, [])
    assert queries.quota_use(s.id) == []


def test_employer_claim_names_a_quota_employer(world):
    d, s, e1 = world["director"], world["slot"], world["e1"]
    services.set_quotas(d, s.id, [{"employer_id": e1.id, "places": 1}])
    p, kid = _family()
    with pytest.raises(ValidationFailed):  # a claim without its employer
        waitlists.join(slot_id=s.id, child_id=kid.id, parent=p, tier="employer_staff",
                       evidence="工作证")
    with pytest.raises(ValidationFailed):  # an employer without the claim
        waitlists.join(slot_id=s.id, child_id=kid.id, parent=p, employer_id=e1.id)
    with pytest.raises(ValidationFailed):  # an employer without a quota here
        waitlists.join(slot_id=s.id, child_id=kid.id, parent=p, tier="employer_staff",
                       evidence="工作证", employer_id=world["e2"].id)
    entries = waitlists.join(slot_id=s.id, child_id=kid.id, parent=p, tier="employer_staff",
                             evidence="工作证", employer_id=e1.id)
    assert entries[0].employer_id == e1.id
    assert queries.linked_employer(s.id, kid.id) == e1.id


def test_unlinked_family_cannot_take_a_reserved_place(world):
    d, s, e1 = world["director"], world["slot"], world["e1"]
    services.set_quotas(d, s.id, [{"employer_id": e1.id, "places": 2}])
    for _ in range(2):
        p, kid = _family()
        reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    p, kid = _family()
    with pytest.raises(SlotFull) as err:
        reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    assert "保留" in err.value.message
    # The employee's child: its claim on the slot is offered at once (a free place), and
    # counts against the employer's quota.
    p2, kid2 = _family()
    entries = waitlists.join(slot_id=s.id, child_id=kid2.id, parent=p2, tier="employer_staff",
                             evidence="工作证", employer_id=e1.id)
    assert entries[0].status == "offered"
    use = queries.quota_use(s.id)[0]
    assert (use["places"], use["used"], use["free"]) == (2, 1, 1)


def test_after_the_cut_off_the_places_open_to_everyone(world):
    from booking import clock
    d, s, e1 = world["director"], world["slot"], world["e1"]
    services.set_quotas(d, s.id, [{"employer_id": e1.id, "places": 4,
                                   "reserved_until": date(2026, 11, 23)}])
    p, kid = _family()
    with pytest.raises(SlotFull):
        reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    clock.set(clock.now().replace(day=24))
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    assert hold.status == "held"
    assert queries.quota_use(s.id)[0]["reserving"] is False


def test_a_rejected_claim_drops_the_link(world):
    d, s, e1 = world["director"], world["slot"], world["e1"]
    services.set_quotas(d, s.id, [{"employer_id": e1.id, "places": 1}])
    p, kid = _family()
    entry = waitlists.join(slot_id=s.id, child_id=kid.id, parent=p, tier="employer_staff",
                           evidence="工作证", employer_id=e1.id)[0]
    assert queries.quota_use(s.id)[0]["used"] == 1
    waitlists.check_evidence(entry.id, d, accepted=False)
    assert queries.quota_use(s.id)[0]["used"] == 0


def test_waitlist_offers_keep_reserved_places_for_the_employer(world):
    from booking.places.offers import offer_next
    from booking.places.locking import lock_slot
    from booking import clock
    d, s, e1 = world["director"], world["slot"], world["e1"]
    services.set_quotas(d, s.id, [{"employer_id": e1.id, "places": 2}])
    slots.change_slot(s.id, capacity=2, actor=d)
    # The slot is full of reserved places: an unlinked family waits, is never offered one.
    p, kid = _family()
    entry = waitlists.join(slot_id=s.id, child_id=kid.id, parent=p)[0]
    assert entry.status == "waiting"
    lock_slot(s.id)
    assert offer_next(s, clock.now()) == []
    db.session.rollback()
    # The employee's child, joining after it, is offered at once.
    p2, kid2 = _family()
    linked = waitlists.join(slot_id=s.id, child_id=kid2.id, parent=p2, tier="employer_staff",
                            evidence="工作证", employer_id=e1.id)[0]
    assert linked.status == "offered"
    db.session.refresh(entry)
    assert entry.status == "waiting"
