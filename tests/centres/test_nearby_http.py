"""就近 over HTTP: the API's near / radius_km / datum and distance_km (bad values 422, never
500), PUT /centres/{id}/location; the search page's origins, chips and distances; the staff
location page."""
import pytest

from booking.centres import geo
from tests import factories as f
from tests.centres.test_nearby import YANTA, world  # noqa: F401 - the shared world

NEAR = f"{YANTA[0]},{YANTA[1]}"


def api(client, query, status=200):
    resp = client.get("/api/v1/centres", query_string=query)
    assert resp.status_code == status, resp.get_data(as_text=True)[:400]
    return resp.get_json()


def test_api_nearest_first_with_distances(client, world):
    body = api(client, {"near": NEAR})
    assert [c["id"] for c in body["items"]][:2] == [world["near"].id, world["east"].id]
    first = body["items"][0]
    assert first["distance_km"] == pytest.approx(0.5, abs=0.01)
    assert (first["latitude"], first["longitude"]) == (34.2195, 108.9350)
    assert body["items"][-1]["id"] == world["blank"].id and body["items"][-1]["distance_km"] is None
    body = api(client, {"near": NEAR, "radius_km": "3"})
    assert [c["id"] for c in body["items"]] == [world["near"].id, world["east"].id]
    assert body["total"] == 2
    # Without near: no distances, the order as before.
    assert all(c["distance_km"] is None for c in api(client, {})["items"])


def test_api_converts_a_wgs84_origin(client, world):
    # The WGS-84 point whose GCJ-02 image is (about) the near centre.
    wgs = (world["near"].latitude - 0.0015, world["near"].longitude - 0.0047)
    glat, glng = geo.wgs84_to_gcj02(*wgs)
    expected = geo.distance_km(glat, glng, world["near"].latitude, world["near"].longitude)
    body = api(client, {"near": f"{wgs[0]},{wgs[1]}", "datum": "wgs84", "radius_km": 1})
    assert body["items"][0]["distance_km"] == pytest.approx(expected, abs=0.01)
    raw = api(client, {"near": f"{wgs[0]},{wgs[1]}", "radius_km": 1})
    assert raw["items"][0]["distance_km"] != body["items"][0]["distance_km"]


def test_api_pinyin(client, world):
    assert {c["name"] for c in api(client, {"q": "ytq"})["items"]} >= {"小寨托育中心"}


@pytest.mark.parametrize("query, field", [
    ({"near": "34.2"}, "near"), ({"near": "abc,def"}, "near"), ({"near": "91,108"}, "near"),
    ({"near": "nan,108"}, "near"), ({"near": "34,108", "radius_km": "0"}, "radius_km"),
    ({"near": "34,108", "radius_km": "-1"}, "radius_km"), ({"near": "34,108", "radius_km": "51"}, "radius_km"),
    ({"near": "34,108", "radius_km": "nan"}, "radius_km"), ({"near": "34,108", "radius_km": "x"}, "radius_km"),
    ({"radius_km": "3"}, "body"), ({"near": "34,108", "datum": "bd09"}, "datum"),
    ({"near": "1" * 61}, "near"),
])
def test_api_bad_values_are_422_problems(client, world, query, field):
    resp = client.get("/api/v1/centres", query_string=query)
    assert resp.status_code == 422
    assert resp.content_type == "application/problem+json"
    assert field in resp.get_json()["errors"]


def test_api_put_location(client, world):
    c = world["blank"]
    director = f.user("staff", centre_id=c.id, staff_role="director")
    headers = f.bearer(client, director)
    resp = client.put(f"/api/v1/centres/{c.id}/location", headers=headers,
                      json={"latitude": 34.21, "longitude": 108.93})
    assert resp.status_code == 200 and resp.get_json()["latitude"] == 34.21
    resp = client.put(f"/api/v1/centres/{c.id}/location", headers=headers,
                      json={"latitude": 34.21, "longitude": None})
    assert resp.status_code == 422 and "latitude" not in resp.get_json()["errors"]
    resp = client.put(f"/api/v1/centres/{world['near'].id}/location", headers=headers,
                      json={"latitude": 34.21, "longitude": 108.93})
    assert resp.status_code == 404
    resp = client.put(f"/api/v1/centres/{c.id}/location", headers=headers,
                      json={"latitude": None, "longitude": None})
    assert resp.status_code == 200 and resp.get_json()["latitude"] is None


def page(client, query=None, status=200):
    resp = client.get("/centres", query_string=query or {})
    assert resp.status_code == status, resp.get_data(as_text=True)[:400]
    return resp.get_data(as_text=True)


def order(html, *names):
    return sorted(names, key=html.index)


def test_page_from_a_district_with_a_radius_chip(client, world):
    html = page(client, {"origin": f"d:{world['yt'].code}", "radius": "5"})
    assert "共找到 3 家机构" in html
    assert order(html, "长延堡托育点", "小寨托育中心", "曲江托育园") == \
        ["小寨托育中心", "曲江托育园", "长延堡托育点"]
    assert "500 米" in html and "2.0 公里" in html and "4.0 公里" in html
    chip = html[html.rindex("<input", 0, html.index('value="5"')):html.index('value="5"') + 12]
    assert "checked" in chip
    assert "https://uri.amap.com/navigation?to=108.935000,34.219500," in html


def test_page_from_a_shared_wgs84_location(client, world):
    html = page(client, {"origin": "here", "near": "34.2165,108.9303", "datum": "wgs84"})
    assert html.index("小寨托育中心") < html.index("电子城托育")
    assert "我的位置" in html
    assert "位置未提供" in html  # the centre without a point, last


def test_page_without_an_origin_ignores_the_radius(client, world):
    html = page(client, {"radius": "1"})
    assert "共找到 6 家机构" in html
    assert "在地图中查找" in html  # the centre without a point: AMap searches its address


@pytest.mark.parametrize("query", [
    {"origin": "here", "near": "not-a-point"}, {"near": "95,108"}, {"radius": "7"},
    {"origin": "d:no-such"}, {"datum": "bd09"},
])
def test_page_bad_values_are_422(client, world, query):
    html = page(client, query, status=422)
    assert "共找到 0 家机构" in html


def test_page_pinyin(client, world):
    html = page(client, {"q": "changyanbao"})
    assert "长延堡托育点" in html and "共找到 1 家机构" in html


def test_parents_search_their_own_city_first(client, world):
    from booking.reservations import services as reservations
    parent = f.user("parent")
    kid = f.child(parent)
    slot = f.slot(world["far"], capacity=3)
    reservations.place_hold(slot_id=slot.id, child_id=kid.id, parent=parent)
    client.post("/login", data={"login": parent.email, "password": f.PASSWORD})
    html = page(client)
    assert "共找到 1 家机构" in html and "白银托育" in html
    html = page(client, {"city": ""})  # "all cities", chosen
    assert "共找到 6 家机构" in html


def test_staff_location_page(client, world):
    c = world["blank"]
    director = f.user("staff", centre_id=c.id, staff_role="director")
    client.post("/login", data={"login": director.email, "password": f.PASSWORD})
    assert client.get("/staff/centre/location").status_code == 200
    resp = client.post("/staff/centre/location", data={"latitude": "34.2231", "longitude": "108.948"})
    assert resp.status_code == 302 and (c.latitude, c.longitude) == (34.2231, 108.948)
    resp = client.post("/staff/centre/location", data={"latitude": "34.2231", "longitude": ""})
    assert resp.status_code == 422 and "同时填写" in resp.get_data(as_text=True)
    resp = client.post("/staff/centre/location", data={"latitude": "99", "longitude": "108"})
    assert resp.status_code == 422
    resp = client.post("/staff/centre/location", data={"latitude": "", "longitude": ""})
    assert resp.status_code == 302 and c.latitude is None


def test_carers_may_not_set_the_location(client, world):
    carer = f.user("staff", centre_id=world["near"].id, staff_role="carer")
    client.post("/login", data={"login": carer.email, "password": f.PASSWORD})
    assert client.get("/staff/centre/location").status_code == 403


def test_a_city_narrows_the_district_list(client, world):
    """The district select lists only the chosen city's districts; a district left from another
    city gives way to the city; the page carries every district for nearby.js to narrow live."""
    yt, by = world["yt"], world["by"]
    html = page(client, {"city": "白银"})
    select = html[html.index('name="district"'):]
    select = select[:select.index("</select>")]
    assert f'value="{by.code}"' in select and f'value="{yt.code}"' not in select
    html = page(client, {"city": "白银", "district": yt.code})
    assert "共找到 1 家机构" in html and "白银托育" in html
    assert yt.code in html[html.index("data-districts="):][:2000]  # the whole list, for the JS
    html = page(client, {"city": "", "district": yt.code})
    assert "共找到 5 家机构" in html
