"""The centre switch (docs/operators.md, Staff across centres): the account's current centre
and role come from its assignment; every CENTRE-scoped page then works for the new centre
only, and the session is kept."""
import pytest
from sqlalchemy import select

from booking.audit.models import AuditEvent
from booking.extensions import db
from booking.operators import assignments
from tests import factories as f


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302


@pytest.fixture
def world(app, db):
    d = f.district()
    a = f.centre(d, name="甲园")
    b = f.centre(d, name="乙园")
    x = f.centre(d, name="丙园")
    f.operator(d, centres=[a, b])
    user = f.user("staff", centre_id=a.id)
    assignments.assign(f.user("admin"), user.id, b.id, "director")
    return dict(a=a, b=b, x=x, user=user, slot_a=f.slot(a), slot_b=f.slot(b))


def test_switching_changes_the_current_centre_and_keeps_the_session(world, client):
    login(client, world["user"])
    page = client.get("/staff/slots").get_data(as_text=True)
    assert 'id="centre-switch"' in page and "乙园" in page
    version = world["user"].session_version
    r = client.post("/staff/switch", data={"centre_id": world["b"].id, "next": "/staff/slots"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/staff/slots")
    db.session.refresh(world["user"])
    assert world["user"].centre_id == world["b"].id
    assert world["user"].session_version == version
    assert client.get(f"/staff/slots/{world['slot_b'].id}").status_code == 200
    assert client.get(f"/staff/slots/{world['slot_a'].id}").status_code == 404
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.centre_switched"))
    assert ev.centre_id == world["b"].id


def test_a_centre_not_assigned_is_404(world, client):
    login(client, world["user"])
    assert client.post("/staff/switch", data={"centre_id": world["x"].id}).status_code == 404
    assert client.post("/staff/switch", data={"centre_id": "x"}).status_code == 404


def test_no_open_redirect(world, client):
    login(client, world["user"])
    r = client.post("/staff/switch", data={"centre_id": world["b"].id,
                                           "next": "//evil.example/"})
    assert r.headers["Location"].endswith("/home")
    assert "evil" not in r.headers["Location"]


def test_one_centre_shows_its_name_without_a_switch(world, client):
    lone = f.user("staff", centre_id=world["x"].id, staff_role="carer")
    login(client, lone)
    page = client.get("/").get_data(as_text=True)
    assert 'class="centre-name"' in page and "丙园" in page
    assert 'id="centre-switch"' not in page


def test_the_api(world, client):
    h = f.bearer(client, world["user"])
    r = client.get("/api/v1/me/centre", headers=h)
    assert r.get_json()["centre_id"] == world["a"].id
    assert len(r.get_json()["centres"]) == 2
    r = client.post("/api/v1/me/centre", headers=h, json={"centre_id": world["b"].id})
    assert r.status_code == 200 and r.get_json()["centre_id"] == world["b"].id
    r = client.post("/api/v1/me/centre", headers=h, json={"centre_id": world["x"].id})
    assert r.status_code == 404
    assert client.get("/api/v1/me/centre", headers=h).status_code == 200  # token still good
