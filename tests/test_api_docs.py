"""docs/api.md is current: its endpoint reference is what the OpenAPI document renders to
today, and its table of errors names every slug the API can answer with."""
import re

from booking.api import docgen
from booking.errors import HTTP_SLUGS, BookingError


def test_the_endpoint_reference_is_current(app):
    text = docgen.DOC.read_text(encoding="utf-8")
    assert docgen.generated_part(text) == docgen.render(docgen.document(app)), \
        "docs/api.md is out of date: run `make api-docs` and commit the result"


def test_every_served_operation_is_in_the_reference(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    reference = docgen.generated_part(docgen.DOC.read_text(encoding="utf-8"))
    for path, item in doc["paths"].items():
        for method in item:
            assert f"#### `{method.upper()} {path}`" in reference


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_the_error_table_names_every_slug():
    hand_written = docgen.DOC.read_text(encoding="utf-8").split(docgen.BEGIN)[0]
    documented = set(re.findall(r"^\| `([a-z-]+)` \| \d{3} \|", hand_written, re.M))
    slugs = {c.slug for c in _subclasses(BookingError)} | set(HTTP_SLUGS.values())
    assert slugs <= documented, slugs - documented


def test_regenerating_keeps_the_hand_written_text():
    text = f"intro\n{docgen.BEGIN}\nold\n{docgen.END}\nafter\n"
    new = docgen.with_reference(text, "### New\n")
    assert new == f"intro\n{docgen.BEGIN}\n\n### New\n\n{docgen.END}\nafter\n"
    assert docgen.generated_part(new) == "### New\n"


def test_types_read_as_words():
    assert docgen.type_of({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}) \
        == "date or null"
    assert docgen.type_of({"type": "array", "items": {"$ref": "#/components/schemas/SlotOut"}}) \
        == "array of [`SlotOut`](#slotout)"
    assert docgen.notes_of({"type": "integer", "minimum": 1, "maximum": 100, "default": 20}) \
        == "1 to 100; default `20`"
