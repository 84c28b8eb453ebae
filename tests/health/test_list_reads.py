"""Staff pages that list children's health check results write a read entry for each record
shown, as opening one record does (PIPL; issue #12, item 10). A guardian's own view is not
logged."""
from datetime import date

import pytest
from sqlalchemy import select

from booking.audit.models import AuditEvent
from booking.health import services as health
from booking.reservations import services as reservations
from tests import factories as f


@pytest.fixture
def world(app):
    c = f.centre()
    s = f.slot(c, capacity=2)
    parent = f.user()
    kid = f.child(parent)
    staff = f.user("staff", centre_id=c.id)
    reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    check = health.submit(kid.id, parent, examined_on=date(2026, 11, 20), institution="妇幼保健院",
                          result="pass", vaccination_verified=True)
    return {"parent": parent, "kid": kid, "staff": staff, "check": check, "centre": c}


def reads(db):
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "health_check.read")).all()


def login(client, user):
    assert client.post("/login", data={"login": user.email, "password": f.PASSWORD}).status_code == 302


@pytest.mark.parametrize("page", ["/staff/health", "/children/{kid}/health"])
def test_a_staff_list_of_results_is_logged(client, db, world, page):
    login(client, world["staff"])
    assert client.get(page.format(kid=world["kid"].id)).status_code == 200
    [event] = reads(db)
    assert (event.entity_type, event.entity_id) == ("health_check", world["check"].id)
    assert event.actor_id == world["staff"].id and event.centre_id == world["centre"].id


def test_a_guardians_own_list_is_not_logged(client, db, world):
    login(client, world["parent"])
    assert client.get(f"/children/{world['kid'].id}/health").status_code == 200
    assert reads(db) == []
