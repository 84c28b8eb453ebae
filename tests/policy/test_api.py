"""The JSON API: the cities in scope, the version in force on a day, the versions, and adding
one (201), with 403/404/409/422 as problem+json and nothing changed by a refusal."""
from booking.subsidies.models import SubsidyClaim
from booking.extensions import db as _db
from tests import factories as f
from tests.policy.world import counts, world  # noqa: F401

URL = "/api/v1/policy/cities"


def _post(client, user, city="西安", **body):
    body.setdefault("effective_from", "2026-12-01")
    body.setdefault("reason", "年度调整")
    return client.post(f"{URL}/{city}/versions", json=body, headers=f.bearer(client, user))


def test_cities_in_scope_with_the_version_in_force(client, world):
    out = client.get(URL, headers=f.bearer(client, world["city_regulator"])).get_json()
    assert [c["city"] for c in out] == ["西安"]
    assert out[0]["may_change"] is True and out[0]["next_change"] is None
    assert out[0]["in_force"]["cap_toddler_fen"] == 180000
    assert out[0]["in_force"]["operating_subsidy_fen"] == 30000
    out = client.get(URL, headers=f.bearer(client, world["district_regulator"])).get_json()
    assert [(c["city"], c["may_change"]) for c in out] == [("西安", False)]
    out = client.get(URL, headers=f.bearer(client, world["admin"])).get_json()
    assert {c["city"] for c in out} == {"西安", "北京"}
    assert client.get(URL, headers=f.bearer(client, world["parent"])).status_code == 403
    assert client.get(URL).status_code == 401


def test_add_a_version_then_read_it_by_day(client, world):
    resp = _post(client, world["city_regulator"], cap_toddler_fen=150000,
                 operating_subsidy_fen=None)
    assert resp.status_code == 201, resp.get_json()
    v = resp.get_json()
    assert v["effective_from"] == "2026-12-01" and v["scheduled"] is True
    assert v["in_force"] is False and v["cap_toddler_fen"] == 150000
    assert v["operating_subsidy_fen"] is None                  # null clears a subsidy
    assert v["cap_infant_fen"] == 200000                       # left out: copied forward
    h = f.bearer(client, world["district_regulator"])
    assert client.get(f"{URL}/西安?on=2026-11-30", headers=h).get_json()["cap_toddler_fen"] == 180000
    assert client.get(f"{URL}/西安?on=2026-12-01", headers=h).get_json()["cap_toddler_fen"] == 150000
    assert client.get(f"{URL}/西安", headers=h).get_json()["in_force"] is True
    assert client.get(f"{URL}/西安?on=2024-12-31", headers=h).status_code == 404
    assert client.get(f"{URL}/西安?on=soon", headers=h).status_code == 422
    versions = client.get(f"{URL}/西安/versions", headers=h).get_json()
    assert [x["effective_from"] for x in versions] == ["2025-01-01", "2026-12-01"]
    listed = client.get(URL, headers=h).get_json()[0]
    assert listed["next_change"]["effective_from"] == "2026-12-01"


def test_refusals_are_problems_and_change_nothing(client, db, world):
    before = counts(db)
    cases = [
        (_post(client, world["city_regulator"], effective_from="2026-10-01"), 422, "validation"),
        (_post(client, world["city_regulator"], second_child_reduction_pct=120), 422, "validation"),
        (_post(client, world["city_regulator"], max_waits="3"), 422, "validation"),
        (_post(client, world["city_regulator"], reason=""), 422, "validation"),
        (_post(client, world["city_regulator"], cap_infant=1), 422, "validation"),
        (_post(client, world["district_regulator"], max_waits=3), 403, "forbidden"),
        (_post(client, world["parent"], max_waits=3), 403, "forbidden"),
        (_post(client, world["beijing_regulator"], max_waits=3), 404, "not-found"),
        (_post(client, world["admin"], city="上海", max_waits=3), 404, "not-found"),
    ]
    for resp, status, slug in cases:
        assert resp.status_code == status, resp.get_json()
        assert resp.mimetype == "application/problem+json"
        assert resp.get_json()["type"].endswith("/" + slug)
    assert "effective_from" in cases[0][0].get_json()["errors"]
    assert counts(db) == before
    h = f.bearer(client, world["beijing_regulator"])
    assert client.get(f"{URL}/西安/versions", headers=h).status_code == 404
    assert client.get(f"{URL}/西安", headers=h).status_code == 404


def test_conflicts_are_409(client, db, world):
    assert _post(client, world["admin"], max_waits=3).status_code == 201
    resp = _post(client, world["city_regulator"], max_waits=4)
    assert resp.status_code == 409 and resp.mimetype == "application/problem+json"
    _db.session.add(SubsidyClaim(centre_id=world["centre"].id, month="2027-02",
                                 status="submitted"))
    _db.session.commit()
    before = counts(db)
    resp = _post(client, world["city_regulator"], effective_from="2027-01-01", max_waits=4)
    assert resp.status_code == 409 and "2027-02" in resp.get_json()["detail"]
    assert counts(db) == before


def test_withdraw_a_scheduled_version_not_one_in_force(client, db, world):
    assert _post(client, world["city_regulator"], max_waits=3).status_code == 201
    h = f.bearer(client, world["district_regulator"])
    assert client.delete(f"{URL}/西安/versions/2026-12-01", headers=h).status_code == 403
    h = f.bearer(client, world["beijing_regulator"])
    assert client.delete(f"{URL}/西安/versions/2026-12-01", headers=h).status_code == 404
    h = f.bearer(client, world["city_regulator"])
    resp = client.delete(f"{URL}/西安/versions/2026-12-01", headers=h)
    assert resp.status_code == 200 and resp.get_json()["withdrawn"] is True
    assert client.delete(f"{URL}/西安/versions/2026-12-01", headers=h).status_code == 404
    assert client.delete(f"{URL}/西安/versions/nonsense", headers=h).status_code == 404
    resp = client.delete(f"{URL}/西安/versions/2025-01-01", headers=h)
    assert resp.status_code == 409 and resp.mimetype == "application/problem+json"
    assert len(client.get(f"{URL}/西安/versions", headers=h).get_json()) == 1
