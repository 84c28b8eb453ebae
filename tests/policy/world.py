"""Xi'an with two districts and Beijing with one; Xi'an's first version (2025-01-01) with
caps, a 90-day health-check validity and an operating subsidy of 300 yuan a month. Accounts
of every reach. Monday 23 November 2026 in Beijing (tests/conftest.py NOW)."""
from datetime import date

import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.policy.models import CityPolicy
from tests import factories as f


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def text(resp) -> str:
    return resp.get_data(as_text=True)


def counts(db) -> tuple[int, int]:
    """(versions, policy audit events): what a refusal must leave unchanged."""
    return (db.session.scalar(select(func.count(CityPolicy.id))),
            db.session.scalar(select(func.count(AuditEvent.id))
                              .where(AuditEvent.action.like("policy.%"))))


@pytest.fixture
def world(app, db):
    d = f.district(city="西安")
    other_d = f.district(city="西安")
    bj = f.district(city="北京")
    xian = f.policy("西安", toddler=180000)
    xian.operating_subsidy_fen = 30000
    f.policy("北京")
    db.session.commit()
    c = f.centre(d, name="阳光托育")
    return {
        "district": d, "other_district": other_d, "beijing": bj, "centre": c, "xian": xian,
        "admin": f.user("admin"),
        "national": f.user("regulator", national=True),
        "city_regulator": f.user("regulator", city="西安"),
        "district_regulator": f.user("regulator", district_id=d.id),
        "beijing_regulator": f.user("regulator", city="北京"),
        "director": f.user("staff", centre_id=c.id, staff_role="director"),
        "parent": f.user(name="王妈妈"),
    }


DEC_1 = date(2026, 12, 1)
