"""A centre in a Xi'an district with its director and a carer; another district's centre and
director; the district's regulator, a city regulator and the other district's regulator.
Monday 23 November 2026, 10:00 in Beijing (tests/conftest.py)."""
import pytest

from booking.changes import services
from tests import factories as f

MATERIALS = "新场地消防验收意见书、房屋租赁合同（已线下递交区卫健委）"


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def text(resp) -> str:
    return resp.get_data(as_text=True)


def file(w, user=None, **values):
    values = values or {"capacity": 80}
    return services.file_change(w["centre"].id, user or w["director"], values=values,
                                materials=MATERIALS)


@pytest.fixture
def world(app, db):
    d = f.district(city="西安")
    other_d = f.district(city="西安")
    c = f.centre(d, name="阳光托育", opening_hours="07:30-17:30")
    other = f.centre(other_d, name="别家托育")
    return {
        "district": d, "centre": c, "other": other,
        "director": f.user("staff", centre_id=c.id, staff_role="director"),
        "carer": f.user("staff", centre_id=c.id, staff_role="carer"),
        "other_director": f.user("staff", centre_id=other.id, staff_role="director"),
        "regulator": f.user("regulator", district_id=d.id),
        "city_regulator": f.user("regulator", city="西安"),
        "far_regulator": f.user("regulator", district_id=other_d.id),
        "parent": f.user(name="王妈妈"),
    }
