"""就近 search without HTTP: nearest first, the radius, centres without a point, origins,
pinyin, the parent's city, and staff setting the centre's location."""
import pytest
from sqlalchemy import select

from booking.audit.models import AuditEvent
from booking.centres import location, nearby, services
from booking.centres.services import SearchFilters
from booking.errors import NotFound, ValidationFailed
from booking.reservations import services as reservations
from tests import factories as f

YANTA = (34.2150, 108.9350)


def ids(**kw):
    rows, total = services.search_centres(SearchFilters(**kw))
    return [c.id for c, _s, _p in rows], total


@pytest.fixture
def world(db):
    """Around 雁塔区's point: a centre 0.5 km north, one 2 km east, one 4 km south, one 8 km
    west, one without a point; and one in 白银, far away."""
    yt = f.district(city="西安", name="雁塔区")
    yt.latitude, yt.longitude = YANTA
    by = f.district(city="白银", name="白银区")
    near = f.centre(yt, name="小寨托育中心", subdistrict="小寨路街道", star_rating=1,
                    latitude=34.2195, longitude=108.9350)
    east = f.centre(yt, name="曲江托育园", subdistrict="曲江街道", star_rating=2,
                    latitude=34.2150, longitude=108.9567)
    south = f.centre(yt, name="长延堡托育点", subdistrict="长延堡街道", star_rating=3,
                     latitude=34.1790, longitude=108.9350)
    west = f.centre(yt, name="电子城托育", subdistrict="电子城街道", star_rating=4,
                    latitude=34.2150, longitude=108.8482)
    blank = f.centre(yt, name="无坐标托育", subdistrict="小寨路街道", star_rating=5)
    far = f.centre(by, name="白银托育", subdistrict="人民路街道",
                   latitude=36.545, longitude=104.171)
    return dict(yt=yt, by=by, near=near, east=east, south=south, west=west, blank=blank, far=far)


def test_nearest_first_and_centres_without_a_point_last(world):
    w = world
    found, total = ids(near=YANTA)
    assert found == [w["near"].id, w["east"].id, w["south"].id, w["west"].id, w["far"].id,
                     w["blank"].id]
    assert total == 6


@pytest.mark.parametrize("radius, expected", [
    (1, ["near"]), (3, ["near", "east"]), (5, ["near", "east", "south"]),
    (10, ["near", "east", "south", "west"]), (0.1, []),
])
def test_radius_keeps_only_centres_that_close(world, radius, expected):
    found, total = ids(near=YANTA, radius_km=radius)
    assert found == [world[k].id for k in expected] and total == len(expected)


def test_distance_search_keeps_every_other_filter(world):
    found, _ = ids(near=YANTA, radius_km=10, subdistrict="曲江街道")
    assert found == [world["east"].id]
    found, _ = ids(near=YANTA, city="白银")
    assert found == [world["far"].id]
    f.slot(world["west"], band="infant", capacity=2)
    found, _ = ids(near=YANTA, has_places=True)
    assert found == [world["west"].id]


def test_pages_of_a_distance_search(world):
    rows, total = services.search_centres(SearchFilters(near=YANTA), page=2, per_page=4)
    assert [c.id for c, _s, _p in rows] == [world["far"].id, world["blank"].id] and total == 6
    rows, total = services.search_centres(SearchFilters(near=YANTA), page=3, per_page=4)
    assert rows == [] and total == 6


def test_without_an_origin_the_order_is_unchanged(world):
    found, _ = ids(city="西安")
    assert found[0] == world["blank"].id  # best rated first, as before


def test_distance_to(world):
    assert nearby.distance_to(YANTA, world["near"]) == pytest.approx(0.5, abs=0.01)
    assert nearby.distance_to(YANTA, world["blank"]) is None
    assert nearby.distance_to(None, world["near"]) is None


def test_origins_a_district_or_a_subdistrict(world):
    code = world["yt"].code
    assert nearby.origin_of(f"d:{code}") == YANTA
    # A subdistrict: the mean of its located centres (the blank one does not count).
    assert nearby.origin_of(f"s:{code}:小寨路街道") == pytest.approx((34.2195, 108.9350))
    # A subdistrict without located centres falls back to its district.
    assert nearby.origin_of(f"s:{code}:无此街道") == YANTA
    for bad in ("", None, "x:1", "d:nope", f"s:{code}", "d"):
        assert nearby.origin_of(bad) is None
    choices = dict(nearby.origin_choices("西安"))
    assert sorted(choices[world["yt"]]) == sorted(["小寨路街道", "曲江街道", "电子城街道", "长延堡街道"])
    assert world["by"] not in choices  # 白银区 has no point


@pytest.mark.parametrize("q, names", [
    ("yanta", {"小寨托育中心", "曲江托育园", "长延堡托育点", "电子城托育", "无坐标托育"}),
    ("ytq", {"小寨托育中心", "曲江托育园", "长延堡托育点", "电子城托育", "无坐标托育"}),
    ("YanTa", {"小寨托育中心", "曲江托育园", "长延堡托育点", "电子城托育", "无坐标托育"}),
    ("xiaozhai", {"小寨托育中心"}),
    ("xztyzx", {"小寨托育中心"}),
    ("changyanbao", {"长延堡托育点"}),  # the local reading of 长, not zhang
    ("baiyin", {"白银托育"}),
    ("qj", {"曲江托育园"}),
    ("zzz", set()),
    ("曲江", {"曲江托育园"}),
])
def test_pinyin_and_initials_find_districts_and_centres(world, q, names):
    rows, _ = services.search_centres(SearchFilters(q=q))
    assert {c.name for c, _s, _p in rows} == names


def test_pinyin_keys_follow_a_renamed_centre(world, db):
    c = world["east"]
    c.name = "大雁塔托育园"
    db.session.commit()
    rows, _ = services.search_centres(SearchFilters(q="dyt"))
    assert [r[0].id for r in rows] == [c.id]


def test_default_city_is_where_the_children_hold_a_place(world, db):
    parent = f.user("parent")
    assert nearby.default_city(parent) is None
    kid = f.child(parent)
    slot = f.slot(world["far"], band="toddler", capacity=3)
    reservations.place_hold(slot_id=slot.id, child_id=kid.id, parent=parent)
    assert nearby.default_city(parent) == "白银"
    staff = f.user("staff", centre_id=world["near"].id, staff_role="director")
    assert nearby.default_city(staff) is None


def test_staff_set_and_clear_the_location(world, db):
    c = world["blank"]
    director = f.user("staff", centre_id=c.id, staff_role="director")
    location.set_location(c.id, director, 34.2231234567, 108.948)
    assert (c.latitude, c.longitude) == (34.223123, 108.948)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "centre.location_set"))
    assert event.centre_id == c.id and event.actor_id == director.id
    location.set_location(c.id, director, None, None)
    assert c.latitude is None and c.longitude is None


@pytest.mark.parametrize("lat, lng, field", [
    (34.2, None, "longitude"), (None, 108.9, "latitude"), (60.0, 108.9, "latitude"),
    (34.2, 150.0, "longitude"), (float("nan"), 108.9, "latitude"), (34.2, float("inf"), "longitude"),
])
def test_a_bad_location_is_refused(world, lat, lng, field):
    c = world["near"]
    director = f.user("staff", centre_id=c.id, staff_role="director")
    with pytest.raises(ValidationFailed) as err:
        location.set_location(c.id, director, lat, lng)
    assert field in err.value.errors
    assert (c.latitude, c.longitude) == (34.2195, 108.9350)


def test_only_the_centres_own_director_or_an_admin(world):
    c = world["near"]
    other = f.user("staff", centre_id=world["east"].id, staff_role="director")
    carer = f.user("staff", centre_id=c.id, staff_role="carer")
    for who in (other, carer, f.user("parent")):
        with pytest.raises(NotFound):
            location.set_location(c.id, who, 34.2, 108.9)
    location.set_location(c.id, f.user("admin"), 34.2, 108.9)


def test_create_centre_checks_the_point(world):
    with pytest.raises(ValidationFailed):
        f.centre(world["yt"], latitude=34.2)


def test_seeded_centres_each_get_a_point_inside_their_district(db):
    """`flask seed`: every seeded centre has a point within its district's spread of the
    district's reference point, the same on every run (seeds/districts.yaml)."""
    from booking import seeding
    from booking.centres import geo
    from booking.centres.models import Centre

    seeding.load_districts(lambda *_: None)
    seeding.load_centres(lambda *_: None)
    points = seeding._seed_points()
    centres = db.session.scalars(select(Centre).where(Centre.seed_key.is_not(None))).all()
    assert centres and all(c.point for c in centres)
    for c in centres:
        lat, lng, spread = points[c.district.code]
        assert geo.distance_km(lat, lng, *c.point) <= spread + 0.01, c.seed_key
        assert (c.district.latitude, c.district.longitude) == (lat, lng)
    first = {c.seed_key: c.point for c in centres}
    for c in centres:
        c.latitude = c.longitude = None  # as if seeded before centres had points
    db.session.commit()
    seeding.load_centres(lambda *_: None)
    assert {c.seed_key: c.point for c in centres} == first
