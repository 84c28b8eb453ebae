"""WGS-84 → GCJ-02, distances, the radius's box, parsing a point, seeds' jitter, 导航 links."""
import math
from urllib.parse import parse_qs, urlsplit

import pytest

from booking.centres import geo

# googollee/eviltransform's own test points (wgsLat, wgsLng, gcjLat, gcjLng).
KNOWN = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),    # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),    # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),    # Beijing
]


@pytest.mark.parametrize("wlat, wlng, glat, glng", KNOWN)
def test_wgs84_to_gcj02_matches_the_published_points(wlat, wlng, glat, glng):
    lat, lng = geo.wgs84_to_gcj02(wlat, wlng)
    assert lat == pytest.approx(glat, abs=1e-6) and lng == pytest.approx(glng, abs=1e-6)
    # The offset is the few hundred metres the docs state.
    assert 0.2 < geo.distance_km(wlat, wlng, lat, lng) < 0.8


def test_outside_china_nothing_moves():
    assert geo.wgs84_to_gcj02(51.5007, -0.1246) == (51.5007, -0.1246)
    assert geo.wgs84_to_gcj02(35.68, 139.76) == (35.68, 139.76)  # Tokyo: east of the box


def test_distance_km():
    assert geo.distance_km(34.2, 108.9, 34.2, 108.9) == 0
    # Beijing (天安门) to Shanghai (人民广场): about 1,068 km.
    assert geo.distance_km(39.9087, 116.3975, 31.2304, 121.4737) == pytest.approx(1068, abs=5)
    # 0.01° of latitude is about 1.11 km anywhere.
    assert geo.distance_km(34.0, 108.0, 34.01, 108.0) == pytest.approx(1.112, abs=0.002)


@pytest.mark.parametrize("lat", [0.0, 34.2, 53.5, -40.0])
def test_the_box_holds_every_point_of_the_circle(lat):
    radius = 5.0
    lo_lat, hi_lat, lo_lng, hi_lng = geo.bounding_box(lat, 100.0, radius)
    for step in range(72):
        bearing = math.radians(step * 5)
        # A point `radius` away on `bearing` (the direct geodesic problem on a sphere).
        d = radius / geo.EARTH_RADIUS_KM
        p1, l1 = math.radians(lat), math.radians(100.0)
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
        l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1),
                             math.cos(d) - math.sin(p1) * math.sin(p2))
        assert lo_lat <= math.degrees(p2) <= hi_lat
        assert lo_lng <= math.degrees(l2) <= hi_lng


@pytest.mark.parametrize("text", ["", "34.2", "34.2,108.9,1", "a,b", "91,108", "34,181",
                                  "nan,108", "inf,1", "34.2;108.9"])
def test_parse_point_refuses(text):
    with pytest.raises(ValueError):
        geo.parse_point(text)


def test_parse_point():
    assert geo.parse_point(" 34.2231 , 108.948 ") == (34.2231, 108.948)


def test_jitter_is_reproducible_and_within_the_spread():
    points = {geo.jitter(34.215, 108.935, f"key-{i}", 2.5) for i in range(200)}
    assert len(points) == 200
    assert geo.jitter(34.215, 108.935, "key-1", 2.5) == geo.jitter(34.215, 108.935, "key-1", 2.5)
    assert max(geo.distance_km(34.215, 108.935, *p) for p in points) <= 2.5 + 1e-3


def test_navigation_url_opens_amap_with_the_gcj02_point():
    url = geo.navigation_url(34.223056, 108.948021, "雁塔托育, 一园")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "uri.amap.com", "/navigation")
    q = parse_qs(parts.query)
    # AMap wants lng,lat,name; coordinate=gaode says GCJ-02; callnative opens the app if any.
    assert q["to"] == ["108.948021,34.223056,雁塔托育, 一园"]
    assert q["coordinate"] == ["gaode"] and q["callnative"] == ["1"] and q["mode"] == ["car"]


def test_without_a_point_the_link_searches_the_address():
    url = geo.navigation_url(None, None, "阳光托育", "西安雁塔区吉祥路88号")
    parts = urlsplit(url)
    assert parts.path == "/search"
    assert parse_qs(parts.query)["keyword"] == ["西安雁塔区吉祥路88号 阳光托育"]
