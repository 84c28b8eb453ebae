"""A world for the daily record: centre A with a class, its staff in every role, two families
with children in care (two of them arrived this morning), and centre B with a child of its
own. The clock stands at 10:00 in Beijing on Monday 23 November 2026."""
import base64
from datetime import datetime, timedelta, timezone

import pytest

from booking import clock
from booking.health import attendance
from booking.reservations.models import Reservation
from tests import factories as f
from tests.conftest import NOW

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"\x00" * 64


def enrol(slot, parent, kid):
    from booking.extensions import db
    r = Reservation(slot_id=slot.id, child_id=kid.id, parent_id=parent.id, status="enrolled",
                    enrolled_at=NOW - timedelta(days=30))
    db.session.add(r)
    db.session.commit()
    return r


def login(client, user):
    resp = client.post("/login", data={"login": user.email, "password": f.PASSWORD})
    assert resp.status_code == 302


@pytest.fixture
def world(app, db):
    f.policy(city="西安")
    f.policy(city="北京")
    c = f.centre()
    g = f.group(c, name="小一班")
    s = f.slot(c, capacity=8, group_id=g.id)
    w = {"centre": c, "group": g, "slot": s}
    for role in ("director", "carer", "health", "finance"):
        w[role] = f.user("staff", centre_id=c.id, staff_role=role)
    w["carer2"] = f.user("staff", centre_id=c.id, staff_role="carer")
    w["parent"], w["parent2"] = f.user(), f.user()
    w["kid"] = f.child(w["parent"], name="安安")
    w["kid2"] = f.child(w["parent"], name="乐乐")
    w["kid3"] = f.child(w["parent2"], name="朵朵")  # another family, not arrived yet
    for name in ("kid", "kid2", "kid3"):
        w["r_" + name] = enrol(s, w["parent" if name != "kid3" else "parent2"], w[name])
    for name in ("kid", "kid2"):
        attendance.record_arrival(w["r_" + name].id, w["carer"], temperature_c=36.6,
                                  now=NOW - timedelta(hours=2))
    other = f.centre(f.district(city="北京"))
    og = f.group(other)
    os_ = f.slot(other, capacity=3, group_id=og.id)
    w.update(other=other, other_group=og, other_staff=f.user("staff", centre_id=other.id,
                                                             staff_role="director"),
             parent3=f.user())
    w["kid4"] = f.child(w["parent3"], name="外园宝宝")
    w["r_kid4"] = enrol(os_, w["parent3"], w["kid4"])
    attendance.record_arrival(w["r_kid4"].id, w["other_staff"], temperature_c=36.5,
                              now=NOW - timedelta(hours=1))
    w["regulator"] = f.user("regulator")
    return w


def at(hh, mm=0, day=None):
    """An instant of today (or `day`) in Beijing."""
    from booking.clock import LOCAL
    day = day or clock.today()
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=LOCAL).astimezone(timezone.utc)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
