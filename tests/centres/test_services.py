"""Centre search without HTTP: every filter, lapsed holds, only approved centres, paging."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from booking.centres import services
from booking.centres.services import SearchFilters
from booking.regulator.models import Filing
from booking.reservations.models import Reservation
from tests import factories as f
from tests.conftest import NOW


def ids(filters=None, **kw):
    rows, total = services.search_centres(filters or SearchFilters(**kw))
    assert total == len(rows)
    return [c.id for c, _status, _places in rows]


def places(centre_id, **kw):
    rows, _ = services.search_centres(SearchFilters(**kw))
    return {c.id: p for c, _s, p in rows}.get(centre_id)


@pytest.fixture
def world(db):
    """Two cities, three districts, centres of different kinds and slots."""
    xa1 = f.district(city="西安", name="雁塔区")
    xa2 = f.district(city="西安", name="碑林区")
    by = f.district(city="白银", name="白银区")
    a = f.centre(xa1, name="阳光托育中心", name_en="Sunshine Childcare", kind="public",
                 subdistrict="小寨路街道", star_rating=5)
    b = f.centre(xa2, name="彩虹社区托育点", name_en="Rainbow Community Care",
                 kind="community_embedded", subdistrict="南院门街道", affordable=True,
                 star_rating=3)
    c = f.centre(by, name="白银市托育综合服务中心", kind="service_hub", subdistrict="人民路街道")
    f.slot(a, band="infant", category="public", care_type="full_day", capacity=3)
    f.slot(b, band="toddler", category="affordable", care_type="half_day", capacity=4)
    f.slot(c, band="preschool", category="market", care_type="full_day", capacity=2)
    return {"a": a, "b": b, "c": c, "xa1": xa1, "xa2": xa2, "by": by}


def test_no_filters_lists_every_approved_centre_best_rated_first(world):
    assert ids() == [world["a"].id, world["b"].id, world["c"].id]


def test_filter_by_district_city_and_subdistrict(world):
    assert ids(district=world["xa2"].code) == [world["b"].id]
    assert ids(city="西安") == [world["a"].id, world["b"].id]
    assert ids(city="白银") == [world["c"].id]
    assert ids(subdistrict="小寨路街道") == [world["a"].id]
    assert ids(city="白银", district=world["xa1"].code) == []
    assert ids(district="no-such") == []


def test_filter_by_slot_properties(world):
    assert ids(age_band="infant") == [world["a"].id]
    assert ids(age_band="toddler") == [world["b"].id]
    assert ids(age_band="mixed") == []
    assert ids(category="affordable") == [world["b"].id]
    assert ids(care_type="half_day") == [world["b"].id]
    assert ids(care_type="full_day") == [world["a"].id, world["c"].id]
    assert ids(age_band="infant", category="market") == []


def test_a_filter_on_slots_counts_only_matching_places(world):
    a = world["a"]
    f.slot(a, band="toddler", category="market", capacity=7)
    assert places(a.id) == 10
    assert places(a.id, age_band="infant") == 3
    assert places(a.id, category="market") == 7


def test_filter_by_kind_and_affordable(world):
    assert ids(kind="service_hub") == [world["c"].id]
    assert ids(kind="family") == []
    assert ids(affordable=True) == [world["b"].id]
    assert ids(affordable=False) == [world["a"].id, world["c"].id]


def test_text_search(world):
    assert ids(q="阳光") == [world["a"].id]
    assert ids(q="托育") == [world["a"].id, world["b"].id, world["c"].id]
    assert ids(q="sunshine") == [world["a"].id]          # English name, any case
    assert ids(q="RAINBOW community") == [world["b"].id]
    assert ids(q="南院门") == [world["b"].id]            # subdistrict
    assert ids(q="白银区") == [world["c"].id]            # district name
    assert ids(q="不存在的机构") == []


def test_percent_and_underscore_are_literal(db):
    d = f.district()
    plain = f.centre(d, name="普通托育中心")
    percent = f.centre(d, name="100%托育中心")
    underscore = f.centre(d, name="托育_中心")
    assert ids(q="%") == [percent.id]
    assert ids(q="_") == [underscore.id]
    assert ids(q="100%") == [percent.id]
    assert ids(q="托育_") == [underscore.id]
    assert ids(q="\\") == []
    assert plain.id in ids(q="托育")


def _hold(slot, parent, child, *, status="held", expires_at=None):
    from booking.extensions import db
    r = Reservation(slot_id=slot.id, child_id=child.id, parent_id=parent.id, status=status,
                    expires_at=expires_at)
    db.session.add(r)
    db.session.commit()
    return r


def test_has_places_counts_lapsed_holds_as_free(db):
    d = f.district()
    full = f.centre(d, name="已满")
    lapsed = f.centre(d, name="过期预留")
    empty = f.centre(d, name="无托位")
    s_full = f.slot(full, capacity=1)
    s_lapsed = f.slot(lapsed, capacity=1)
    parent = f.user()
    kid1, kid2 = f.child(parent), f.child(parent)
    _hold(s_full, parent, kid1, expires_at=NOW + timedelta(hours=1))    # live
    _hold(s_lapsed, parent, kid2, expires_at=NOW - timedelta(seconds=1))  # lapsed, not swept

    assert ids(has_places=True) == [lapsed.id]
    assert places(full.id) == 0 and places(lapsed.id) == 1 and places(empty.id) == 0
    assert set(ids()) == {full.id, lapsed.id, empty.id}


def test_enrolments_take_places_and_ended_reservations_do_not(db):
    c = f.centre()
    s = f.slot(c, capacity=3)
    parent = f.user()
    _hold(s, parent, f.child(parent), status="enrolled")
    _hold(s, parent, f.child(parent), status="cancelled")
    _hold(s, parent, f.child(parent), status="expired")
    assert places(c.id) == 2
    _hold(s, parent, f.child(parent), status="enrolled")
    _hold(s, parent, f.child(parent), expires_at=NOW + timedelta(days=1))
    assert places(c.id) == 0
    assert ids(has_places=True) == []


def test_over_full_slot_does_not_hide_another_slots_places(db):
    """A slot whose capacity was cut below its enrolments counts 0, not a negative number."""
    c = f.centre()
    s1 = f.slot(c, capacity=2)
    f.slot(c, capacity=1)
    parent = f.user()
    _hold(s1, parent, f.child(parent), status="enrolled")
    _hold(s1, parent, f.child(parent), status="enrolled")
    db.session.execute(update(type(s1)).where(type(s1).id == s1.id).values(capacity=0))
    db.session.commit()
    assert places(c.id) == 1
    assert ids(has_places=True) == [c.id]


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "suspended", "closed"])
def test_only_approved_centres_are_listed(db, status):
    d = f.district()
    shown = f.centre(d)
    hidden = f.centre(d)
    db.session.execute(update(Filing).where(Filing.centre_id == hidden.id).values(status=status))
    db.session.commit()
    assert ids() == [shown.id]
    assert ids(q=hidden.name) == []


def test_paging(db):
    d = f.district()
    made = [f.centre(d, star_rating=i % 6).id for i in range(7)]
    first, total = services.search_centres(SearchFilters(), page=1, per_page=3)
    second, _ = services.search_centres(SearchFilters(), page=2, per_page=3)
    third, _ = services.search_centres(SearchFilters(), page=3, per_page=3)
    beyond, total_beyond = services.search_centres(SearchFilters(), page=9, per_page=3)
    assert total == 7 and total_beyond == 7 and beyond == []
    got = [c.id for c, _s, _p in first + second + third]
    assert sorted(got) == sorted(made) and len(set(got)) == 7
    ratings = [c.star_rating for c, _s, _p in first + second + third]
    assert ratings == sorted(ratings, reverse=True)
    assert [len(first), len(second), len(third)] == [3, 3, 1]
