"""Bad input on the API writes: 400 for a body that is not a JSON object, 422 naming the field
for wrong values, never a 500, and nothing written (docs/api.md, Errors)."""
import hashlib
import json
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.auth.models import ApiToken, User
from booking.centres.models import Centre, District
from booking.children.models import Child
from booking.regulator.models import Filing
from booking.slots.models import Slot
from tests import factories as f
from tests.conftest import NOW

PROBLEM = "application/problem+json"
COUNTED = (District, Centre, Filing, User, ApiToken, AuditEvent, Child, Slot)


def snapshot(db):
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


@pytest.fixture
def admin_headers(db):
    """An admin's bearer token, made without Argon2 (these tests are about bodies, not logins):
    the account and the token row as the services would store them."""
    admin = User(name="admin", email="admin@example.com", role="admin", password_hash="!")
    db.session.add(admin)
    db.session.flush()
    raw = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=admin.id, token_hash=hashlib.sha256(raw.encode()).hexdigest(),
                            expires_at=NOW + timedelta(days=1)))
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def district(db):
    return f.district(code="610113")


def good_bodies(district_code):
    return {
        "/api/v1/districts": {"code": "610199", "name": "新城区", "city": "西安",
                              "population": 600000, "target_per_1000": 4.5},
        "/api/v1/centres": {"name": "阳光托育", "kind": "public", "district": district_code,
                            "subdistrict": "小寨路街道", "address": "长安路 1 号",
                            "affordable": False},
        "/api/v1/auth/register": {"email": "new@example.com", "password": "Secret-123",
                                  "name": "新家长"},
        "/api/v1/auth/token": {"email": "nobody@example.com", "password": "whatever-1"},
    }


WRITES = list(good_bodies("x"))


def post(client, path, headers, *, body=None, raw=None, content_type="application/json"):
    if raw is None:
        raw = json.dumps(body, ensure_ascii=False)
    return client.post(path, data=raw, content_type=content_type, headers=headers)


def assert_problem(resp, status, *fields):
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.content_type == PROBLEM
    body = resp.get_json()
    assert body["status"] == status and body["type"].endswith("/validation")
    assert body["title"] and body["detail"]
    if status == 422:
        for field in fields:
            assert field in body["errors"], body["errors"]
            assert all(isinstance(m, str) and m for m in body["errors"][field])
    else:
        assert "errors" not in body
    return body


@pytest.mark.parametrize("path", WRITES)
@pytest.mark.parametrize("raw", [
    '{"name": ',                        # truncated
    "{'name': 'x'}",                    # not JSON quoting
    "[]", '[{"name": "x"}]',            # an array, not an object
    "null", "42", '"text"', "true",     # scalars
    "",                                 # nothing at all
    "{" * 5000 + "}" * 5000,            # not JSON (object keys missing)
    "[" * 100_000 + "]" * 100_000,      # nested past the parser's limit
    b"\xff\xfe{}",                       # not UTF-8
])
def test_body_that_is_not_a_json_object_is_400(client, db, admin_headers, district, path, raw):
    before = snapshot(db)
    assert_problem(post(client, path, admin_headers, raw=raw), 400)
    assert snapshot(db) == before


@pytest.mark.parametrize("path", WRITES)
def test_a_json_body_sent_as_form_data_is_400(client, db, admin_headers, district, path):
    before = snapshot(db)
    resp = post(client, path, admin_headers, raw=json.dumps(good_bodies(district.code)[path]),
                content_type="text/plain")
    assert_problem(resp, 400)
    assert snapshot(db) == before


BAD_VALUES = [
    ("/api/v1/districts", {"population": "1000"}, "population"),
    ("/api/v1/districts", {"population": 10.5}, "population"),
    ("/api/v1/districts", {"population": 0}, "population"),
    ("/api/v1/districts", {"population": 10**20}, "population"),
    ("/api/v1/districts", {"target_per_1000": "4.5"}, "target_per_1000"),
    ("/api/v1/districts", {"target_per_1000": -1}, "target_per_1000"),
    ("/api/v1/districts", {"code": "61 01"}, "code"),
    ("/api/v1/districts", {"code": "6" * 13}, "code"),
    ("/api/v1/districts", {"name": "区" * 61}, "name"),
    ("/api/v1/districts", {"name": ""}, "name"),
    ("/api/v1/districts", {"city": None}, "city"),
    ("/api/v1/districts", {"population_year": 3000}, "population_year"),
    ("/api/v1/centres", {"affordable": "yes"}, "affordable"),
    ("/api/v1/centres", {"affordable": 1}, "affordable"),
    ("/api/v1/centres", {"kind": "castle"}, "kind"),
    ("/api/v1/centres", {"star_rating": 6}, "star_rating"),
    ("/api/v1/centres", {"star_rating": "5"}, "star_rating"),
    ("/api/v1/centres", {"name": "托" * 121}, "name"),
    ("/api/v1/centres", {"address": "路" * 201}, "address"),
    ("/api/v1/centres", {"subdistrict": 12}, "subdistrict"),
    ("/api/v1/centres", {"indoor_area_m2": -5}, "indoor_area_m2"),
    ("/api/v1/centres", {"name": "阳光\u0000托育"}, "name"),
    ("/api/v1/auth/register", {"email": "not-an-email"}, "email"),
    ("/api/v1/auth/register", {"email": "a@" + "b" * 260 + ".com"}, "email"),
    ("/api/v1/auth/register", {"password": "short"}, "password"),
    ("/api/v1/auth/register", {"password": "x1" * 65}, "password"),
    ("/api/v1/auth/register", {"name": "名" * 81}, "name"),
    ("/api/v1/auth/register", {"phone": "12345"}, "phone"),
    ("/api/v1/auth/register", {"consent": "yes"}, "consent"),
    ("/api/v1/auth/register", {"name": "a\u0000b"}, "name"),
    ("/api/v1/auth/token", {"email": ""}, "email"),
    ("/api/v1/auth/token", {"email": "a" * 255}, "email"),
    ("/api/v1/auth/token", {"password": 12345678}, "password"),
    ("/api/v1/auth/token", {"password": "p" * 129}, "password"),
    ("/api/v1/auth/token", {"email": "a\u0000@example.com"}, "email"),
]


@pytest.mark.parametrize("path, change, field", BAD_VALUES)
def test_wrong_values_are_422_naming_the_field(client, db, admin_headers, district, path,
                                               change, field):
    before = snapshot(db)
    body = {**good_bodies(district.code)[path], **change}
    assert_problem(post(client, path, admin_headers, body=body), 422, field)
    assert snapshot(db) == before


@pytest.mark.parametrize("path", WRITES)
def test_missing_fields_are_named(client, db, admin_headers, district, path):
    before = snapshot(db)
    required = list(good_bodies(district.code)[path])
    if path == "/api/v1/centres":
        required.remove("affordable")  # has a default
    resp = post(client, path, admin_headers, body={})
    assert_problem(resp, 422, *required)
    assert snapshot(db) == before


def test_the_good_bodies_are_good(client, db, admin_headers, district):
    """The baseline the bad cases above change one field of."""
    bodies = good_bodies(district.code)
    for path in ("/api/v1/districts", "/api/v1/centres", "/api/v1/auth/register"):
        assert post(client, path, admin_headers, body=bodies[path]).status_code == 201
    assert post(client, "/api/v1/auth/token", {}, body=bodies["/api/v1/auth/token"]
                ).status_code == 401


def test_nan_and_infinity_are_refused(client, db, admin_headers):
    before = snapshot(db)
    for literal in ("NaN", "Infinity", "-Infinity"):
        raw = ('{"code": "610199", "name": "x", "city": "y", "population": 1000, '
               f'"target_per_1000": {literal}}}')
        resp = post(client, "/api/v1/districts", admin_headers, raw=raw)
        # NaN and ±Infinity fail the field's bounds: a 422 naming it, like any other bad value.
        assert resp.status_code == 422, resp.get_data(as_text=True)
        assert "target_per_1000" in resp.get_json()["errors"]
        assert resp.content_type == PROBLEM
    assert snapshot(db) == before


def test_unknown_fields_are_ignored_not_stored(client, db, admin_headers, district):
    body = {**good_bodies(district.code)["/api/v1/centres"], "id": 777, "filing_status": "draft",
            "seed_key": "hijack"}
    resp = post(client, "/api/v1/centres", admin_headers, body=body)
    assert resp.status_code == 201
    out = resp.get_json()
    assert out["id"] != 777 and out["filing_status"] == "approved"
    assert db.session.get(Centre, out["id"]).seed_key is None


@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/children", {"name": "宝宝", "birth_date": "2025-02-30"}, "birth_date"),
    ("/api/v1/children", {"name": "宝宝", "birth_date": "2025-13-01"}, "birth_date"),
    ("/api/v1/children", {"name": "宝宝", "birth_date": "01/02/2025"}, "birth_date"),
    ("/api/v1/children", {"name": "宝宝", "birth_date": 20250101}, "birth_date"),
])
def test_dates_that_do_not_exist_are_422(client, db, path, body, field):
    headers = f.bearer(client, f.user())
    before = snapshot(db)
    assert_problem(post(client, path, headers, body=body), 422, field)
    assert snapshot(db) == before


def test_slot_start_date_that_does_not_exist_is_422(client, db):
    c = f.centre()
    headers = f.bearer(client, f.user("staff", centre_id=c.id))
    before = snapshot(db)
    resp = post(client, f"/api/v1/centres/{c.id}/slots", headers, body={
        "age_band": "toddler", "care_type": "full_day", "category": "public", "capacity": 5,
        "monthly_fee_fen": 100000, "starts_on": "2027-02-29"})
    assert_problem(resp, 422, "starts_on")
    assert snapshot(db) == before


@pytest.mark.parametrize("query, field", [
    ({"age_band": "bogus"}, "age_band"),
    ({"kind": "castle"}, "kind"),
    ({"category": "vip"}, "category"),
    ({"care_type": "night"}, "care_type"),
    ({"per_page": "1000"}, "per_page"),
    ({"per_page": "0"}, "per_page"),
    ({"page": "0"}, "page"),
    ({"page": "abc"}, "page"),
    ({"has_places": "maybe"}, "has_places"),
    ({"q": "托" * 101}, "q"),
    ({"district": "9" * 13}, "district"),
    ({"q": "a\u0000b"}, "q"),
])
def test_bad_list_queries_are_422(client, query, field):
    assert_problem(client.get("/api/v1/centres", query_string=query), 422, field)


def test_good_list_query(client):
    f.centre()
    resp = client.get("/api/v1/centres", query_string={"per_page": "100", "page": "1",
                                                       "has_places": "false"})
    assert resp.status_code == 200
    assert resp.get_json()["per_page"] == 100 and resp.get_json()["total"] == 1


def test_oversized_ids_and_unknown_paths_are_404_not_500(client):
    for url in ("/api/v1/centres/0", "/api/v1/centres/99999999999999999999",
                "/api/v1/centres/abc", "/api/v1/nothing-here"):
        resp = client.get(url)
        assert resp.status_code == 404, url
        assert resp.content_type == PROBLEM


def test_wrong_method_is_405_problem(client):
    resp = client.delete("/api/v1/districts")
    assert resp.status_code == 405 and resp.content_type == PROBLEM
    assert "GET" in resp.headers["Allow"] and "POST" in resp.headers["Allow"]
