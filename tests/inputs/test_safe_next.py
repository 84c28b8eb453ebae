"""A `next` link leads only back into this site: other hosts, backslashes and control
characters (a newline would break the Location header; browsers drop it and read `//evil`)
fall back to the default, never a 500 (issue #12, items 7 and 10)."""
from datetime import date

import pytest

from booking.health import services as health
from booking.inputs import safe_next
from booking.reservations import services as reservations
from tests import factories as f

FOREIGN = ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/\n/evil.example",
           "/\t/evil.example", "/ok\r\nSet-Cookie: x=1", "javascript:alert(1)", "", None]


@pytest.mark.parametrize("target", FOREIGN)
def test_foreign_or_broken_targets_fall_back(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/centres?q=%E6%89%98", "/health-checks/3", "/托育"])
def test_paths_of_this_site_pass(target):
    assert safe_next(target, "/home") == target


@pytest.mark.parametrize("target", FOREIGN[:6])
def test_verify_form_ignores_a_foreign_next(app, client, target):
    c = f.centre()
    s = f.slot(c)
    parent = f.user()
    kid = f.child(parent)
    staff = f.user("staff", centre_id=c.id)
    reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    check = health.submit(kid.id, parent, examined_on=date(2026, 11, 20), institution="妇幼保健院",
                          result="pass", vaccination_verified=True)
    assert client.post("/login", data={"login": staff.email, "password": f.PASSWORD}).status_code == 302
    resp = client.post(f"/health-checks/{check.id}/verify", data={"next": target})
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"/health-checks/{check.id}"


@pytest.mark.parametrize("target", FOREIGN[:6])
def test_language_switch_and_login_ignore_a_foreign_next(app, client, target):
    resp = client.post("/lang/en", data={"next": target})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    u = f.user()
    resp = client.post("/login", query_string={"next": target},
                       data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
