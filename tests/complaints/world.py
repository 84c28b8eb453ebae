"""A centre in a Xi'an district with its director and a carer; another centre (another
district, same city) with its director; the district's regulator, a city regulator, and the
regulator of the other district; a parent. Monday 23 November 2026, 10:00 in Beijing."""
import pytest

from booking.complaints import services
from tests import factories as f

CONTACT = "13912345678"
BODY = "午睡室的窗户没有护栏，孩子能爬上窗台。"


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def text(resp) -> str:
    return resp.get_data(as_text=True)


def file(w, **kw):
    kw.setdefault("category", "safety")
    kw.setdefault("body", BODY)
    kw.setdefault("contact", CONTACT)
    kw.setdefault("anonymous", True)
    return services.file_complaint(w["centre"].id, **kw)


@pytest.fixture
def world(app, db):
    d = f.district(city="西安")
    other_d = f.district(city="西安")
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
        "beijing_regulator": f.user("regulator", city="北京"),
        "parent": f.user(name="王妈妈"),
    }
