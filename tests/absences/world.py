"""A centre with a class of two enrolled children (two families), another centre with a child
of its own, and a regulator: the world of the absence and pickup tests. Monday 23 November
2026, 10:00 in Beijing (tests/conftest.py, NOW)."""
from datetime import date

import pytest

from booking.children.models import Guardianship
from tests import factories as f
from tests.health.test_attendance import enrol

MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"\x00" * 64


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def text(resp) -> str:
    return resp.get_data(as_text=True)


@pytest.fixture
def world(app, db):
    f.policy(city="西安")
    c = f.centre()
    g = f.group(c)
    s = f.slot(c, capacity=5, group_id=g.id, starts_on=MONDAY)
    director = f.user("staff", centre_id=c.id)
    carer = f.user("staff", centre_id=c.id, staff_role="carer")
    parent = f.user()
    kid = f.child(parent, name="小明")
    other_parent = f.user()
    kid2 = f.child(other_parent, name="小红")
    r = enrol(parent, kid, s, director)
    r2 = enrol(other_parent, kid2, s, director)
    # a second guardian for 小明
    father = f.user(name="小明爸爸")
    db.session.add(Guardianship(child_id=kid.id, user_id=father.id, relation="father",
                                position=2))
    db.session.commit()
    elsewhere = f.centre()
    es = f.slot(elsewhere, capacity=2, starts_on=MONDAY)
    other_staff = f.user("staff", centre_id=elsewhere.id)
    far_parent = f.user()
    far_kid = f.child(far_parent, name="远方")
    far_r = enrol(far_parent, far_kid, es, other_staff)
    regulator = f.user("regulator", district_id=c.district_id)
    return {"centre": c, "group": g, "slot": s, "director": director, "carer": carer,
            "parent": parent, "father": father, "kid": kid, "r": r,
            "other_parent": other_parent, "kid2": kid2, "r2": r2,
            "elsewhere": elsewhere, "other_staff": other_staff, "far_parent": far_parent,
            "far_kid": far_kid, "far_r": far_r, "regulator": regulator}
