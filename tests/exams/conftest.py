from datetime import datetime, timedelta, timezone

import pytest

from tests import factories as f

SH = timezone(timedelta(hours=8))


def at(y, m, d, h=9):
    """An instant in Beijing time."""
    return datetime(y, m, d, h, tzinfo=SH)


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)


@pytest.fixture
def world(app):
    """Institution A in district A (西安) with its three accounts, institution B elsewhere;
    a family with a child; a district regulator of A and one of another city."""
    d = f.district(city="西安")
    other = f.district(city="北京")
    inst = f.institution(d, cutoff_hours=24)
    inst_b = f.institution(other)
    parent = f.user()
    kid = f.child(parent)
    return {"district": d, "other_district": other, "inst": inst, "inst_b": inst_b,
            "doctor": f.institution_account(inst, "doctor"),
            "nurse": f.institution_account(inst, "nurse"),
            "clerk": f.institution_account(inst, "clerk"),
            "doctor_b": f.institution_account(inst_b, "doctor"),
            "parent": parent, "kid": kid, "stranger": f.user(),
            "regulator": f.user("regulator", district_id=d.id),
            "regulator_b": f.user("regulator", district_id=other.id),
            "admin": f.user("admin"),
            "session": f.exam_session(inst, starts_at=at(2026, 12, 10), capacity=2),
            "later": f.exam_session(inst, starts_at=at(2026, 12, 17), capacity=2)}
