"""A Xi'an centre (filed) with its director and carer; another district's centre and its
director; the district's regulator, another district's, a parent. Monday 23 November 2026,
10:00 in Beijing (tests/conftest.py)."""
from datetime import date

import pytest

from booking.evaluation.checklist import ITEMS
from tests import factories as f

FULL = {i.code: i.max_points for i in ITEMS}          # 1000
GOOD = {i.code: i.max_points - 1 for i in ITEMS}      # 1000 - 33 = 967: A
DAY = date(2026, 11, 20)


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def form_of(items, notes=None, failed=(), **extra):
    data = {f"item-{c}": str(v) for c, v in items.items()}
    data.update({f"note-{c}": n for c, n in (notes or {}).items()})
    data.update({f"failed-{c}": "y" for c in failed})
    data.update(extra)
    return data


@pytest.fixture
def world(app, db):
    d = f.district(city="西安")
    other_d = f.district(city="西安")
    c = f.centre(d, name="阳光托育")
    other = f.centre(other_d, name="别家托育")
    return {
        "centre": c, "other": other,
        "director": f.user("staff", centre_id=c.id, staff_role="director"),
        "carer": f.user("staff", centre_id=c.id, staff_role="carer"),
        "other_director": f.user("staff", centre_id=other.id, staff_role="director"),
        "regulator": f.user("regulator", district_id=d.id),
        "far_regulator": f.user("regulator", district_id=other_d.id),
        "parent": f.user(name="王妈妈"),
    }
