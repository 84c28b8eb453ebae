"""Two cities as the seeds have them (docs/subsidies.md): 阿拉尔 with the national 育儿补贴
only, 白银 with its own 200 yuan a month for second and later children born from 2024-01-01;
a 阿拉尔 centre; two families and a centre's staff. Monday 23 November 2026 in Beijing."""
from datetime import date

import pytest

from booking.extensions import db
from booking.policy.models import CityPolicy
from tests import factories as f
from tests.daily.conftest import enrol


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def text(resp) -> str:
    return resp.get_data(as_text=True)


def version(city, effective_from=date(2025, 1, 1), **rates):
    p = CityPolicy(city=city, effective_from=effective_from, **rates)
    db.session.add(p)
    db.session.commit()
    return p


def seeded_cities():
    version("阿拉尔", allowance_fen_per_year=360000)
    version("白银", allowance_fen_per_year=360000, extra_allowance_fen_per_month=20000,
            extra_allowance_from_child=2, extra_allowance_born_from=date(2024, 1, 1))


def child(parent, birth, *, city=None, older=0, name=None):
    kid = f.child(parent, birth_date=birth, name=name)
    kid.subsidy_city, kid.older_siblings = city, older
    db.session.commit()
    return kid


@pytest.fixture
def world(app, db):
    seeded_cities()
    d = f.district(city="阿拉尔")
    centre = f.centre(d, name="塔河托育")
    slot = f.slot(centre, starts_on=date(2026, 9, 1))
    parent, other = f.user(name="李妈妈"), f.user(name="别家妈妈")
    return {"centre": centre, "slot": slot, "parent": parent, "other": other,
            "director": f.user("staff", centre_id=centre.id, staff_role="director"),
            "regulator": f.user("regulator", city="阿拉尔"), "enrol": enrol}
