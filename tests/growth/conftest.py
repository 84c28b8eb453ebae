"""A world for health notes and growth: centre A with a child in care (its guardian, each care
role, finance), another family's child in care there too, centre B with its own staff and
child, and a regulator whose district holds centre A."""
from dataclasses import dataclass
from datetime import date, datetime, timezone

import pytest

from booking.extensions import db as _db
from booking.reservations.models import Reservation
from tests import factories as f

ENROLLED_AT = datetime(2026, 10, 20, 2, tzinfo=timezone.utc)


def enrol(slot, kid, parent):
    r = Reservation(slot_id=slot.id, child_id=kid.id, parent_id=parent.id, status="enrolled",
                    enrolled_at=ENROLLED_AT)
    _db.session.add(r)
    _db.session.commit()
    return r


@dataclass
class World:
    centre: object
    group: object
    parent: object
    kid: object
    director: object
    carer: object
    health: object
    finance: object
    other_parent: object
    other_kid: object
    centre_b: object
    director_b: object
    health_b: object
    kid_b: object
    regulator: object


def login(client, user):
    resp = client.post("/login", data={"login": user.email, "password": f.PASSWORD})
    assert resp.status_code == 302


@pytest.fixture
def world(app, db):
    d = f.district()
    c = f.centre(d)
    g = f.group(c)
    s = f.slot(c, capacity=5, group_id=g.id, starts_on=date(2026, 11, 1))
    staff = {role: f.user("staff", centre_id=c.id, staff_role=role)
             for role in ("director", "carer", "health", "finance")}
    parent = f.user()
    kid = f.child(parent, name="小花", birth_date=date(2025, 6, 1))
    kid.sex = "f"
    other_parent = f.user()
    other_kid = f.child(other_parent, name="小明", birth_date=date(2025, 3, 1))
    for k, p in ((kid, parent), (other_kid, other_parent)):
        enrol(s, k, p)
    cb = f.centre()
    sb = f.slot(cb, capacity=5, starts_on=date(2026, 11, 1))
    director_b = f.user("staff", centre_id=cb.id, staff_role="director")
    health_b = f.user("staff", centre_id=cb.id, staff_role="health")
    parent_b = f.user()
    kid_b = f.child(parent_b, birth_date=date(2025, 1, 1))
    enrol(sb, kid_b, parent_b)
    regulator = f.user("regulator", district_id=d.id)
    db.session.commit()
    return World(c, g, parent, kid, staff["director"], staff["carer"], staff["health"],
                 staff["finance"], other_parent, other_kid, cb, director_b, health_b, kid_b,
                 regulator)
