"""Two centres of one operator (甲园, 乙园), a centre of another operator (丙园) and one run
by none (丁园); a director each; staff records ready to take an ID number
(docs/workforce.md, One person on several registers of one operator)."""
from datetime import date, datetime, time

import pytest

from booking.clock import LOCAL
from booking.rosters import services as rosters
from tests import factories as f

ID = "610113199001011234"
MONDAY = date(2026, 11, 23)  # tests/conftest.py: NOW is this Monday, 10:00 in Shanghai


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=LOCAL)


def carer(centre, *, name=None, **kw):
    kw.setdefault("certificate_no", "BYS-3-0001")
    kw.setdefault("health_cert_expires_on", date(2027, 6, 30))
    return rosters.create_staff(centre.id, name=name or f"保育员{next(f._seq)}",
                                role="childcare_worker", **kw)


@pytest.fixture
def net(app):
    d = f.district(name="雁塔区", city="西安")
    kw = dict(opening_hours="07:30-18:00", open_days="Mon-Fri")
    a, b = f.centre(d, name="甲园", **kw), f.centre(d, name="乙园", **kw)
    x, y = f.centre(d, name="丙园", **kw), f.centre(d, name="丁园", **kw)
    admin = f.user("admin")
    op = f.operator(d, centres=[a, b], actor=admin)
    other = f.operator(d, centres=[x], actor=admin)
    return {"d": d, "a": a, "b": b, "x": x, "y": y, "op": op, "other": other, "admin": admin,
            "dir_a": f.user("staff", centre_id=a.id), "dir_b": f.user("staff", centre_id=b.id),
            "dir_x": f.user("staff", centre_id=x.id)}


def login(client, u):
    assert client.post("/login", data={"login": u.email, "password": f.PASSWORD}).status_code == 302
