"""The OpenAPI document is generated from the routes and describes every one of them."""
import json
import re

import pytest

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def doc(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    assert resp.content_type.startswith("application/json")
    return json.loads(resp.get_data(as_text=True))  # valid JSON, not just what Flask parses


def served_operations(app):
    ops = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - IGNORED_METHODS:
            ops.add((path, method.lower()))
    return ops


def documented_operations(doc):
    return {(path, method) for path, item in doc["paths"].items() for method in item}


def test_document_basics(doc):
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_served_api_route_is_documented_and_nothing_else(app, doc):
    served = served_operations(app)
    assert served, "no API routes found"
    assert documented_operations(doc) == served
    for must in [("/api/v1/auth/register", "post"), ("/api/v1/auth/token", "post"),
                 ("/api/v1/me", "get"), ("/api/v1/districts", "get"),
                 ("/api/v1/districts", "post"), ("/api/v1/centres", "get"),
                 ("/api/v1/centres", "post"), ("/api/v1/centres/{centre_id}", "get"),
                 ("/api/v1/centres/{centre_id}/slots", "get")]:
        assert must in served


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_reference_resolves(doc):
    schemas = doc["components"]["schemas"]
    refs = set(_refs(doc))
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in schemas, ref


def test_operations_document_their_errors_and_parameters(doc):
    operation_ids = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            operation_ids.append(op["operationId"])
            responses = op["responses"]
            assert any(code.startswith("2") for code in responses), (path, method)
            if "requestBody" in op:
                # Malformed JSON is answered with 400 and wrong values with 422.
                assert {"400", "422"} <= set(responses), (path, method)
                assert "application/json" in op["requestBody"]["content"]
            if "security" in op:
                assert "401" in responses, (path, method)
            for code, response in responses.items():
                if code[0] in "45":
                    assert "application/problem+json" in response["content"], (path, code)
            names = set(re.findall(r"{(\w+)}", path))
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert names == declared, (path, method)
    assert len(operation_ids) == len(set(operation_ids)), "operationIds must be unique"


def test_declared_request_schemas_match_what_the_server_accepts(doc):
    schemas = doc["components"]["schemas"]
    register = doc["paths"]["/api/v1/auth/register"]["post"]
    ref = register["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schemas[ref.rsplit("/", 1)[1]]
    assert {"email", "password", "name"} <= set(body["required"])
    centres = doc["paths"]["/api/v1/centres"]["get"]
    params = {p["name"]: p for p in centres["parameters"]}
    for name in ("district", "age_band", "category", "care_type", "q", "has_places", "page",
                 "per_page"):
        assert name in params
    assert "422" in centres["responses"]
