"""The OpenAPI 3.1 document, generated from the declared routes and their pydantic schemas."""
import re

from flask import current_app
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ..errors import HTTP_SLUGS
from . import bp
from .framework import MAX_ID, OPERATIONS, endpoint
from .schemas import Out, Problem

REF = "#/components/schemas/{model}"
_STATUS_TEXT = {400: "Malformed request", 401: "Not signed in", 403: "Not allowed",
                404: "Not found", 409: "Conflict with the current state",
                415: "Unsupported media type", 422: "Invalid values", 429: "Rate limited",
                503: "Busy: try again after Retry-After seconds"}


def _models(op):
    found = []
    for m in (op.body, op.response):
        if isinstance(m, type) and issubclass(m, BaseModel):
            found.append(m)
        elif getattr(m, "__origin__", None) is list:
            inner = m.__args__[0]
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                found.append(inner)
    return found


def _schema_ref(model):
    if model is None:
        return {"type": "object"}
    if getattr(model, "__origin__", None) is list:
        return {"type": "array", "items": _schema_ref(model.__args__[0])}
    return {"$ref": REF.format(model=model.__name__)}


def _problem(desc):
    return {"description": desc,
            "content": {"application/problem+json": {"schema": _schema_ref(Problem)}}}


def build_document():
    models = {Problem}
    for op in OPERATIONS:
        models.update(_models(op))
    _, defs = models_json_schema(
        [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)],
        ref_template=REF)
    schemas = defs.get("$defs", {})
    paths: dict = {}
    for op in OPERATIONS:
        path = bp.url_prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", op.path)
        params = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID} if "<int:" + name in op.path
                   else {"type": "string"}}
                  for name in re.findall(r"<(?:\w+:)?(\w+)>", op.path)]
        if op.query is not None:
            qschema = op.query.model_json_schema(ref_template=REF)
            for name, prop in qschema.get("properties", {}).items():
                params.append({"name": name, "in": "query", "required": False, "schema": prop})
        responses = {str(op.status): {"description": "OK" if op.status == 200 else "Created"}}
        if op.response is not None:
            responses[str(op.status)]["content"] = {
                "application/json": {"schema": _schema_ref(op.response)}}
        # Any request with a bad bearer token is refused, public routes included.
        codes = set(op.errors) | {401, 429}
        if op.body is not None:
            codes |= {400, 415, 422}
        if op.query is not None:
            codes.add(422)
        if op.auth is not None:
            codes |= {401}
            if op.auth:
                codes.add(403)
        if params and any(p["in"] == "path" for p in params):
            codes.add(404)
        if op.idempotent:  # a key still in progress (409), a key reused with another body (422)
            codes |= {409, 422}
        for code in sorted(codes):
            responses[str(code)] = _problem(_STATUS_TEXT.get(code, HTTP_SLUGS.get(code, "Error")))
        entry = {"operationId": op.func_name, "summary": op.summary, "tags": op.tags,
                 "responses": responses}
        if params:
            entry["parameters"] = params
        if op.body is not None:
            entry["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": _schema_ref(op.body)}}}
        if op.auth is not None:
            entry["security"] = [{"bearer": []}]
        if op.permission is not None:  # the action of auth/permissions.py's table it needs
            entry["x-permission"] = op.permission
        if op.idempotent:
            entry.setdefault("parameters", []).append(
                {"name": "Idempotency-Key", "in": "header", "required": False,
                 "description": "The same key from the same user within 24 h returns the first "
                                "response; 409 while that request is still in progress, 422 "
                                "if the key was used with another body.",
                 "schema": {"type": "string", "maxLength": 200}})
        paths.setdefault(path, {})[op.method] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tuowei (托位) API", "version": "1.0.0",
                 "description": "Childcare place booking: the contract is docs/api.md."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@endpoint("/openapi.json", summary="This document", tags=["meta"])
def openapi_document():
    doc = current_app.extensions.get("tuowei_openapi")
    if doc is None:
        doc = current_app.extensions["tuowei_openapi"] = build_document()
    return doc


class Pong(Out):
    ok: bool


@endpoint("/ping", summary="Liveness, without the database", tags=["meta"], response=Pong)
def ping():
    """The bare endpoint the benchmarks compare against: no database."""
    return {"ok": True}
