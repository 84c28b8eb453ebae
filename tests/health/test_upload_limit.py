"""A file just under the attachment limit is taken with the form around it; one just over
re-renders the form with its values and a message; a body far too large gets a page that
names the limit and leads back to the form, not a bare 413 (issue #12, item 10)."""
import io

from booking.health.models import HealthCheck
from tests import factories as f
from tests.health.test_pages import login, submit_page, world  # noqa: F401 - fixture

MB = 1024 * 1024


def test_a_file_just_under_the_limit_is_taken(client, db, world):  # noqa: F811
    login(client, world["parent"])
    pdf = b"%PDF-1.4\n" + b"0" * (5 * MB - 100)
    resp = submit_page(client, world["kid"], attachment=(io.BytesIO(pdf), "scan.pdf"),
                       findings="x" * 1900)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert db.session.scalar(db.select(HealthCheck)).attachment_size == len(pdf)


def test_a_file_just_over_keeps_the_form(client, db, world):  # noqa: F811
    login(client, world["parent"])
    pdf = b"%PDF-1.4\n" + b"0" * (5 * MB + 10)
    resp = submit_page(client, world["kid"], attachment=(io.BytesIO(pdf), "scan.pdf"))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "文件不能超过 5 MB" in page and "雁塔区妇幼保健院" in page
    assert db.session.scalar(db.select(HealthCheck)) is None


def test_a_body_far_too_large_names_the_limit(client, world):  # noqa: F811
    login(client, world["parent"])
    pdf = b"%PDF-1.4\n" + b"0" * (8 * MB)
    resp = submit_page(client, world["kid"], attachment=(io.BytesIO(pdf), "scan.pdf"))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 413
    assert "5 MB" in page
    assert f'href="/children/{world["kid"].id}/health"' in page


def test_the_api_answers_413_as_a_problem(client, world):  # noqa: F811
    resp = client.post("/api/v1/children", data=b"{" + b" " * (6 * MB) + b"}",
                       content_type="application/json", headers=f.bearer(client, world["parent"]))
    assert resp.status_code == 413
    assert resp.content_type == "application/problem+json"
