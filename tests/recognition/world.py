"""A Xi'an centre with its director; another district's centre; the district's regulator, the
other district's, a carer. Monday 23 November 2026, 10:00 in Beijing."""
import pytest

from tests import factories as f


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


@pytest.fixture
def world(app, db):
    d = f.district(city="西安")
    other_d = f.district(city="西安")
    f.policy("西安")
    c = f.centre(d, name="阳光托育")
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
