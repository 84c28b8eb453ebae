"""The endpoint reference of docs/api.md, rendered from the OpenAPI document.

The document (`openapi.build_document`) is generated from the routes and their schemas, so the
reference cannot drift from the code either: `make api-docs` (`python -m booking.api.docgen`)
rewrites the part of docs/api.md between the two markers and keeps the hand-written text around
it; `--check` only reports whether that part is current (tests/test_api_docs.py does the same).
"""
import json
import sys
from pathlib import Path

BEGIN = "<!-- BEGIN GENERATED: endpoint reference, from /api/v1/openapi.json; `make api-docs` -->"
END = "<!-- END GENERATED -->"
DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"

# The order a reader meets the areas in; a tag not listed here comes after them, by name.
TAG_ORDER = ("accounts", "centres", "slots", "children", "health", "reservations", "waitlists",
             "fees", "sessions", "rosters", "regulator", "meta")
TAG_TITLES = {"accounts": "Accounts and tokens", "centres": "Districts and centres",
              "slots": "Slots", "children": "Children", "health": "Intake health checks",
              "reservations": "Reservations (holds and enrolments)", "waitlists": "Waitlists",
              "fees": "Fees and the prepaid ledger", "sessions": "Hourly and occasional sessions",
              "rosters": "Staff and rosters", "regulator": "Regulator", "meta": "About the API"}
METHOD_ORDER = ("get", "post", "put", "patch", "delete")
MAX_ID = 2**31 - 1


def document(app=None) -> dict:
    """The OpenAPI document of `app` (by default a fresh one; no database is touched), with
    its fields in the order the schemas declare them (the served JSON sorts them)."""
    from .openapi import build_document

    if app is None:
        from .. import create_app
        from ..config import TestConfig
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        return json.loads(json.dumps(build_document()))


def _name(ref: str) -> str:
    return ref.rsplit("/", 1)[1]


def _link(name: str) -> str:
    return f"[`{name}`](#{name.lower()})"


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def type_of(schema: dict) -> str:
    """A JSON schema as a reader says it: `integer`, `array of [Slot]`, `date or null` ..."""
    if "$ref" in schema:
        return _link(_name(schema["$ref"]))
    if "anyOf" in schema:
        parts = [type_of(s) for s in schema["anyOf"] if s.get("type") != "null"]
        nullable = any(s.get("type") == "null" for s in schema["anyOf"])
        return " or ".join(parts + (["null"] if nullable else []))
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        return "array of " + type_of(schema.get("items", {}))
    if kind == "object" and "additionalProperties" in schema:
        inner = schema["additionalProperties"]
        return "object of " + type_of(inner) if isinstance(inner, dict) and inner else "object"
    if kind == "string" and schema.get("format") in ("date", "date-time"):
        return schema["format"]
    return kind or "any"


def _bounds(schema: dict) -> list[str]:
    if "anyOf" in schema:
        return [b for s in schema["anyOf"] for b in _bounds(s)]
    if schema.get("minimum") == 1 and schema.get("maximum") == MAX_ID:
        return ["an id"]
    out = []
    if "minimum" in schema and "maximum" in schema:
        out.append(f"{schema['minimum']} to {schema['maximum']}")
    else:
        out += [f"{sign} {schema[key]}" for key, sign in (("minimum", "≥"), ("maximum", "≤"))
                if key in schema]
    out += [f"{sign} {schema[key]}" for key, sign in (("exclusiveMinimum", ">"),
                                                        ("exclusiveMaximum", "<"))
            if key in schema]
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low is not None and high is not None:
        out.append(f"{low} to {high} characters")
    elif high is not None:
        out.append(f"at most {high} characters")
    elif low is not None:
        out.append(f"at least {low} characters")
    if "maxItems" in schema:
        out.append(f"at most {schema['maxItems']} items")
    if "pattern" in schema:
        out.append(f"matches `{schema['pattern']}`")
    return out


def notes_of(schema: dict) -> str:
    """What else a field's schema says: its bounds, its default, its description."""
    notes = _bounds(schema)
    if schema.get("default") is not None:
        notes.append(f"default `{json.dumps(schema['default'], ensure_ascii=False)}`")
    text = "; ".join(notes)
    if schema.get("description"):
        text += (". " if text else "") + schema["description"]
    return text


def _fields_table(schema: dict, required_word: str = "required") -> list[str]:
    """One row per field; `required_word` heads the column that says which are always there
    (required in a request, always present in an answer)."""
    props = schema.get("properties", {})
    if not props:
        return ["(no fields)"]
    required = set(schema.get("required", ()))
    rows = [f"| field | type | {required_word} | notes |", "|---|---|---|---|"]
    for name, prop in props.items():
        rows.append(f"| `{name}` | {_cell(type_of(prop))} | {'yes' if name in required else ''} "
                    f"| {_cell(notes_of(prop))} |")
    return rows


def _who(op: dict) -> str:
    if "security" not in op:
        return "anyone (a bearer token is optional; an invalid one is refused)"
    if op.get("x-permission"):
        return (f"bearer token; the permission `{op['x-permission']}` "
                "([docs/permissions.md](permissions.md))")
    return "bearer token (any signed-in user)"


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield _name(node["$ref"])
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _operations(doc: dict):
    """(tag, path, method, operation), in reading order."""
    ops = [(op.get("tags", ["other"])[0], path, method, op)
           for path, item in doc["paths"].items() for method, op in item.items()]

    def key(row):
        tag, path, method, _op = row
        rank = TAG_ORDER.index(tag) if tag in TAG_ORDER else len(TAG_ORDER)
        return rank, tag, path, METHOD_ORDER.index(method) if method in METHOD_ORDER else 9
    return sorted(ops, key=key)


def _render_operation(path: str, method: str, op: dict, schemas: dict) -> list[str]:
    out = [f"#### `{method.upper()} {path}`", "", op.get("summary", "").rstrip(".") + ".", "",
           f"- **Who**: {_who(op)}."]
    params = op.get("parameters", [])
    if any(p["name"] == "Idempotency-Key" for p in params):
        out.append("- **Idempotency-Key** honoured (see Idempotency above).")
    out.append("")
    shown = [p for p in params if p["name"] != "Idempotency-Key"]
    if shown:
        out += ["| parameter | in | type | required | notes |", "|---|---|---|---|---|"]
        for p in shown:
            schema = {**p["schema"], "description": p.get("description")
                      or p["schema"].get("description")}
            out.append(f"| `{p['name']}` | {p['in']} | {_cell(type_of(p['schema']))} | "
                       f"{'yes' if p.get('required') else ''} | {_cell(notes_of(schema))} |")
        out.append("")
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if body is not None:
        if "$ref" in body:
            name = _name(body["$ref"])
            out += [f"Request body (`{name}`, JSON):", ""] + _fields_table(schemas[name]) + [""]
        else:
            out += [f"Request body: {type_of(body)}.", ""]
    for code, response in sorted(op["responses"].items()):
        if not code.startswith("2"):
            continue
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        answer = f": {type_of(schema)}" if schema else ""
        out.append(f"- **{code}** {response['description']}{answer}.")
    errors = [code for code in sorted(op["responses"]) if code[0] in "45"]
    if errors:
        out.append("- **Errors** (problem+json): " + ", ".join(errors) + ".")
    return out + [""]


def render(doc: dict) -> str:
    """The markdown of the reference: every operation by area, then every shape it answers
    with. Request bodies are shown with their operation; shapes that appear in answers (or
    inside other shapes) are listed once, at the end."""
    schemas = doc["components"]["schemas"]
    ops = _operations(doc)
    out = [f"{len(ops)} operations, generated from the OpenAPI document "
           f"(`{doc['info']['title']}`, version {doc['info']['version']}).", ""]
    answered: set[str] = set()
    tag = None
    for op_tag, path, method, op in ops:
        if op_tag != tag:
            tag = op_tag
            out += [f"### {TAG_TITLES.get(tag, tag.capitalize())}", ""]
        out += _render_operation(path, method, op, schemas)
        answered.update(_refs(op["responses"]))
    # Shapes nested anywhere (in answers or in request bodies) are listed too.
    for schema in schemas.values():
        answered.update(_refs(schema))
    todo, seen = list(answered), set()
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        todo.extend(_refs(schemas[name]))
    out += ["### Shapes", "",
            "The objects the answers are made of (and those nested in request bodies).", ""]
    for name in sorted(seen):
        out += [f"#### {name}", ""] + _fields_table(schemas[name], "always present") + [""]
    return "\n".join(out).rstrip() + "\n"


def generated_part(text: str) -> str:
    """What stands between the markers of `text`. :raises ValueError: markers missing."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"docs/api.md needs the lines {BEGIN!r} and {END!r}")
    return text[start + len(BEGIN):end].strip("\n") + "\n"


def with_reference(text: str, reference: str) -> str:
    """`text` with the part between the markers replaced by `reference`."""
    generated_part(text)  # the markers are there
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n\n{reference.strip()}\n\n{END}{tail}"


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = DOC.read_text(encoding="utf-8")
    new = with_reference(text, render(document()))
    if "--check" in args:
        if new != text:
            print("docs/api.md is out of date: run `make api-docs`", file=sys.stderr)
            return 1
        print("docs/api.md is current")
        return 0
    if new != text:
        DOC.write_text(new, encoding="utf-8")
        print("docs/api.md: endpoint reference rewritten")
    else:
        print("docs/api.md: already current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
