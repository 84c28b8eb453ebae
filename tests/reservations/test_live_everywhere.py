"""One meaning of "live" (docs/design.md, "Live places"): a child past its last day
in care stops counting in every count, filter, report and check the day after, whether or
not the leavers' sweep has run. Each test reads one report with no sweep run."""
from datetime import date, datetime, timezone

import pytest

from booking import clock
from booking.health import attendance, services as health
from booking.regulator import services as regulator
from booking.reservations import leaving, queries, services as reservations
from booking.rosters.checks import expected_children
from booking.slots.queries import availability_map, taken_count
from booking.waitlists import services as waitlists
from tests import factories as f

IN_CARE = datetime(2026, 11, 30, 4, tzinfo=timezone.utc)   # the last day in care, noon
AFTER = datetime(2026, 12, 1, 1, tzinfo=timezone.utc)      # the next morning, 09:00 Beijing


@pytest.fixture
def leaver(app, db):
    """A child in care since 1 November whose last day is 30 November, in a one-place slot
    of a class; the leavers' sweep never runs in these tests."""
    c, s, staff, parent, kid, r = f.in_care()
    g = f.group(c)
    s.group_id = g.id
    db.session.commit()
    leaving.end_care(r.id, staff, date(2026, 11, 30), "搬家")
    return {"centre": c, "group": g, "slot": s, "staff": staff, "parent": parent, "kid": kid,
            "r": r}


def at(moment):
    clock.set(moment)
    return moment


def test_places_left(leaver):
    s = leaver["slot"]
    at(IN_CARE)
    assert taken_count(s.id) == 1 and availability_map([s.id])[s.id] == 0
    at(AFTER)
    assert taken_count(s.id) == 0 and availability_map([s.id])[s.id] == 1


def test_the_staff_list_counts_and_filters(leaver):
    s, c, r = leaver["slot"], leaver["centre"], leaver["r"]
    at(IN_CARE)
    assert queries.counts_by_slot([s.id])[s.id] == {"held": 0, "enrolled": 1}
    assert [x.id for x in queries.for_centre(c.id, status="enrolled")] == [r.id]
    at(AFTER)
    assert queries.counts_by_slot([s.id])[s.id] == {"held": 0, "enrolled": 0}
    assert queries.for_centre(c.id, status="enrolled") == []
    assert queries.for_centre(c.id, status="live") == []
    assert [x.id for x in queries.for_centre(c.id, status="withdrawn")] == [r.id]
    assert queries.shown_status(r) == "withdrawn"


def test_regulator_coverage(leaver):
    national = f.user("regulator")
    code = leaver["centre"].district.code

    def enrolled():
        [row] = [x for x in regulator.coverage(national) if x["district"] == code]
        return row["enrolled"]
    at(IN_CARE)
    assert enrolled() == 1
    at(AFTER)
    assert enrolled() == 0


def test_the_ratio_check_and_the_attendance_roster(leaver):
    g, c = leaver["group"], leaver["centre"]
    assert len(expected_children(g.id, date(2026, 11, 30))) == 1
    assert expected_children(g.id, date(2026, 12, 1)) == []
    assert [row["reservation"].id for row in attendance.roster(c.id, g.id, date(2026, 11, 30))] \
        == [leaver["r"].id]
    assert attendance.roster(c.id, g.id, date(2026, 12, 1)) == []


def test_staff_access_to_health_records(leaver):
    kid, c = leaver["kid"], leaver["centre"]
    at(IN_CARE)
    assert health.centres_caring_for(kid.id) == [c.id]
    at(AFTER)
    assert health.centres_caring_for(kid.id) == []


def test_the_sibling_tier(leaver, db):
    """A brother who has left care no longer gives his sister the sibling tier."""
    sister = f.child(leaver["parent"], birth_date=date(2025, 8, 1))
    s2 = f.slot(leaver["centre"], capacity=0, starts_on=date(2027, 3, 1))
    at(IN_CARE)
    assert "sibling" in waitlists.derived_tiers(leaver["centre"], sister, leaver["parent"].id)
    at(AFTER)
    assert "sibling" not in waitlists.derived_tiers(leaver["centre"], sister,
                                                    leaver["parent"].id)
    assert s2.capacity == 0


def test_the_same_child_may_hold_the_same_slot_again(leaver, db):
    """Its old row still says enrolled until the sweep; the hold tidies it first, so the live
    (slot, child) unique index is never met (it was a 500 before)."""
    at(AFTER)
    hold = reservations.place_hold(slot_id=leaver["slot"].id, child_id=leaver["kid"].id,
                                   parent=leaver["parent"])
    assert hold.status == "held"
    db.session.refresh(leaver["r"])
    assert leaver["r"].status == "withdrawn"
