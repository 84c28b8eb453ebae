"""Planning's API and pages: figures, what-if, refusals (422), scope (404) and roles (403)."""
import pytest

from booking.planning import services
from tests import factories as f
from tests.planning.test_planning import A, B, C, world  # noqa: F401  (the fixture)

API = "/api/v1/planning/districts"


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302


def test_api_district_rows(client, world):
    resp = client.get(f"{API}/{world['d'].code}", headers=f.bearer(client, world["reg"]))
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["places"], body["places_per_1000"], body["places_needed"], body["years"]) == \
        (75, 1.5, 150, [2024, 2025, 2026])
    rows = {r["subdistrict"]: r for r in body["subdistricts"]}
    assert rows[A]["births"] == [{"year": 2024, "births": 100}, {"year": 2025, "births": 90},
                                 {"year": 2026, "births": 60}]
    assert (rows[A]["under_3"], rows[A]["places_per_100_under_3"]) == (250, 20.0)
    assert rows[B]["births"][2] == {"year": 2026, "births": None}


def test_api_what_if(client, world):
    resp = client.get(f"{API}/{world['d'].code}/what-if", query_string={
        "subdistrict": C, "places": "100"}, headers=f.bearer(client, world["reg"]))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["places_per_1000_after"], body["places_needed_after"],
            body["places_per_100_under_3_after"]) == (3.5, 50, 100.0)


@pytest.mark.parametrize("query,field", [
    ({"subdistrict": A, "places": "0"}, "places"), ({"subdistrict": A, "places": "2001"}, "places"),
    ({"subdistrict": A, "places": "abc"}, "places"), ({"subdistrict": A}, "places"),
    ({"subdistrict": "没有的街道", "places": "10"}, "subdistrict"),
])
def test_api_what_if_bad_inputs_are_422(client, world, query, field):
    resp = client.get(f"{API}/{world['d'].code}/what-if", query_string=query,
                      headers=f.bearer(client, world["reg"]))
    assert resp.status_code == 422
    assert resp.content_type == "application/problem+json"
    assert field in resp.get_json()["errors"]


def test_api_scope_and_roles(client, world):
    other = f.bearer(client, world["other"])
    code = world["d"].code
    for url in (f"{API}/{code}", f"{API}/{code}/what-if?subdistrict={A}&places=5"):
        assert client.get(url, headers=other).status_code == 404
    resp = client.put(f"{API}/{world['d'].code}/births", headers=other,
                      json={"subdistrict": A, "year": 2026, "births": 5})
    assert resp.status_code == 404
    c = f.centre(world["d"])
    for u in (world["parent"], f.user("staff", centre_id=c.id)):
        h = f.bearer(client, u)
        assert client.get(f"{API}/{world['d'].code}", headers=h).status_code == 403
        assert client.put(f"{API}/{world['d'].code}/births", headers=h,
                          json={"subdistrict": A, "year": 2026, "births": 5}).status_code == 403
    assert client.get(f"{API}/{world['d'].code}").status_code == 401


def test_api_births_put(client, world):
    h = f.bearer(client, world["reg"])
    resp = client.put(f"{API}/{world['d'].code}/births", headers=h,
                      json={"subdistrict": B, "year": 2026, "births": 44})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["births"] == 44
    for bad, field in (({"births": -1}, "births"), ({"births": "12"}, "births"),
                       ({"year": 2030}, "year"), ({"subdistrict": "新街道"}, "subdistrict")):
        resp = client.put(f"{API}/{world['d'].code}/births", headers=h,
                          json={"subdistrict": B, "year": 2026, "births": 44, **bad})
        assert resp.status_code == 422, bad
        assert field in resp.get_json()["errors"]


# --- pages ----------------------------------------------------------------------------------

def test_pages(client, world):
    login(client, world["reg"])
    index = client.get("/regulator/planning")
    assert index.status_code == 200
    text = index.get_data(as_text=True)
    assert world["d"].name in text and world["e"].name not in text
    page = client.get(f"/regulator/planning/{world['d'].code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'class="table stack"' in text and "20.0" in text and "25.0" in text
    assert client.get(f"/regulator/planning/{world['d'].id}").status_code == 200
    assert client.get(f"/regulator/planning/{world['e'].code}").status_code == 404
    assert "/regulator/planning" in client.get("/regulator").get_data(as_text=True)


def test_page_what_if_and_its_messages(client, world):
    login(client, world["reg"])
    url = f"/regulator/planning/{world['d'].code}"
    ok = client.get(url, query_string={"subdistrict": C, "places": "100"})
    assert ok.status_code == 200
    assert "1.5 → 3.5" in ok.get_data(as_text=True)
    for query, message in (({"subdistrict": C, "places": "0"}, "1 到 2000 之间的整数"),
                           ({"subdistrict": C, "places": "2001"}, "1 到 2000 之间的整数"),
                           ({"subdistrict": C, "places": "十"}, "1 到 2000 之间的整数"),
                           ({"subdistrict": "无此街道", "places": "5"}, "请选择本区县已知的街道")):
        bad = client.get(url, query_string=query)
        assert bad.status_code == 422
        text = bad.get_data(as_text=True)
        assert message in text and "error-summary" in text


def test_page_births_form(client, world):
    login(client, world["reg"])
    url = f"/regulator/planning/{world['d'].code}/births"
    resp = client.post(url, data={"subdistrict": B, "year": "2026", "births": "33"})
    assert resp.status_code == 302
    rows = {r["subdistrict"]: r for r in services.plan(world["reg"], world["d"].code)["rows"]}
    assert rows[B]["births"][2026] == 33
    bad = client.post(url, data={"subdistrict": B, "year": "2026", "births": "-3"})
    assert bad.status_code == 422
    assert "出生人数请填写 0 到" in bad.get_data(as_text=True)
    future = client.post(url, data={"subdistrict": B, "year": "2027", "births": "3"})
    assert future.status_code == 422


def test_pages_refuse_other_roles(client, world):
    login(client, world["parent"])
    assert client.get("/regulator/planning").status_code == 403
    assert client.get(f"/regulator/planning/{world['d'].code}").status_code == 403
    assert client.post(f"/regulator/planning/{world['d'].code}/births",
                       data={"subdistrict": A, "year": "2026", "births": "1"}).status_code == 403


def test_pages_another_districts_regulator(client, world):
    login(client, world["other"])
    assert client.post(f"/regulator/planning/{world['d'].code}/births",
                       data={"subdistrict": A, "year": "2026", "births": "1"}).status_code == 404
