from tests import factories as f


def test_list_centres_filters_by_district_and_has_places(client):
    d1, d2 = f.district(), f.district()
    c1 = f.centre(d1)
    f.slot(c1, capacity=3)
    c2 = f.centre(d2)
    f.slot(c2, capacity=0)
    f.centre(d1, approved=False)  # a draft filing is not listed

    body = client.get("/api/v1/centres").get_json()
    assert body["total"] == 2
    body = client.get(f"/api/v1/centres?district={d1.code}").get_json()
    assert [c["id"] for c in body["items"]] == [c1.id]
    assert body["items"][0]["places_available"] == 3
    assert body["items"][0]["district"] == d1.code
    body = client.get("/api/v1/centres?has_places=true").get_json()
    assert [c["id"] for c in body["items"]] == [c1.id]


def test_centre_detail_has_disclosure(client):
    c = f.centre(operator="某区卫健局", complaints_channel="12345")
    f.slot(c, capacity=4, fee=123400)
    body = client.get(f"/api/v1/centres/{c.id}").get_json()
    d = body["disclosure"]
    assert d["filing_status"] == "approved" and d["filing_number"]
    assert d["places_by_band_and_category"] == {"toddler": {"public": 4}}
    assert d["fees_by_care_type"]["full_day"]["min_fen"] == 123400
    assert d["complaints_channel"] == "12345"


def test_unknown_centre_is_problem_404(client):
    resp = client.get("/api/v1/centres/999999")
    assert resp.status_code == 404
    assert resp.content_type == "application/problem+json"
    assert resp.get_json()["type"].endswith("/not-found")
