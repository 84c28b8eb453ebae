"""Where centres are and how far away: GCJ-02 coordinates, WGS-84 → GCJ-02, great-circle
distance, the box a radius fits in, and the navigation link (docs/search.md).

Centres are stored in GCJ-02 (国测局坐标, "Mars coordinates"): the datum Chinese consumer maps
(AMap/高德, Tencent) use and that a staff member reads off those maps' pickers. Satellite
positioning and browsers' geolocation give WGS-84; inside China the two differ by a few
hundred metres (about 300 to 700 m), so a browser's position is converted before it is
compared with a centre's.
"""
import hashlib
import math
from urllib.parse import quote, urlencode

RADII_KM = (1, 3, 5, 10)  # the radius chips a parent picks from
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG): haversine's error is under 0.5 %

# The rectangle the conversion applies in (the published formula's own test); outside it
# GCJ-02 equals WGS-84. Also the range a centre's coordinates may take.
CHINA_LAT = (0.8293, 55.8271)
CHINA_LNG = (72.004, 137.8347)

# WGS-84 → GCJ-02. There is no package for it that is both small and maintained: PyPI's
# `eviltransform` (pure Python) was last released in 2018 and only as a source archive,
# `coordtransform` ships compiled wheels for a few Python versions only, `coord-convert`
# pulls in Fiona/GDAL. So this is the published formula (Krasovsky 1940 ellipsoid), as in
# googollee/eviltransform (BSD-2-Clause, python/eviltransform/__init__.py, `wgs2gcj`) and
# wandergis/coordtransform; tests/centres/test_geo.py checks it against eviltransform's own
# test points (Shanghai, Shenzhen, Beijing) to 1e-6 degrees.
_A = 6378245.0
_EE = 0.00669342162296594323


def in_china(lat: float, lng: float) -> bool:
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LNG[0] <= lng <= CHINA_LNG[1]


def _shift(x: float, y: float) -> tuple[float, float]:
    """The formula's offsets (in metres-like units) for x = lng - 105, y = lat - 35."""
    base = 20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += base * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlng += base * 2.0 / 3.0
    dlng += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlng += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return dlat, dlng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """A WGS-84 position (GPS, a browser's geolocation) in GCJ-02; unchanged outside China."""
    if not in_china(lat, lng):
        return lat, lng
    dlat, dlng = _shift(lng - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return lat + dlat, lng + dlng


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance. Both points in one datum: the offset cancels."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(lat: float, lng: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) holding every point within radius_km: the SQL
    prefilter. Generous by a little (the longitude span is taken at the box's edge nearer
    the pole), never too small; the exact distance is decided in Python afterwards."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    edge = min(abs(lat) + dlat, 89.9)
    dlng = min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * math.cos(math.radians(edge)))))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def parse_point(text: str) -> tuple[float, float]:
    """`"lat,lng"` in decimal degrees. :raises ValueError: anything else, or out of range."""
    parts = (text or "").split(",")
    if len(parts) != 2:
        raise ValueError("expected lat,lng")
    lat, lng = (float(p.strip()) for p in parts)
    if not (math.isfinite(lat) and math.isfinite(lng)) or not -90 <= lat <= 90 \
            or not -180 <= lng <= 180:
        raise ValueError("out of range")
    return lat, lng


def jitter(lat: float, lng: float, key: str, radius_km: float) -> tuple[float, float]:
    """A point within radius_km of (lat, lng), the same for the same key: seeds place each
    centre plausibly around its district's reference point, reproducibly."""
    digest = hashlib.sha256(key.encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2 ** 64
    v = int.from_bytes(digest[8:16], "big") / 2 ** 64
    r = radius_km * math.sqrt(u)  # uniform over the disc
    theta = 2 * math.pi * v
    dlat = math.degrees(r * math.sin(theta) / EARTH_RADIUS_KM)
    dlng = math.degrees(r * math.cos(theta) / (EARTH_RADIUS_KM * math.cos(math.radians(lat))))
    return round(lat + dlat, 6), round(lng + dlng, 6)


def navigation_url(lat: float | None, lng: float | None, name: str, address: str = "") -> str:
    """The route to a centre in the phone's map app: AMap's URI API (uri.amap.com) opens the
    高德 app when it is installed (callnative=1) and AMap's web map otherwise, on any phone or
    computer. `coordinate=gaode` says the point is GCJ-02, as stored. Without coordinates,
    AMap's search for the address is the fallback."""
    if lat is None or lng is None:
        return "https://uri.amap.com/search?" + urlencode(
            {"keyword": f"{address} {name}".strip(), "callnative": 1}, quote_via=quote)
    return "https://uri.amap.com/navigation?" + urlencode(
        {"to": f"{lng:.6f},{lat:.6f},{name}", "mode": "car", "coordinate": "gaode",
         "callnative": 1, "src": "tuowei"}, quote_via=quote, safe=",")

