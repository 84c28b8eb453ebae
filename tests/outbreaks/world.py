"""A centre with two classes (seven children, seven families), its director, health worker
and a carer; another centre with its own director and a sick child; the regulator of the
first centre's district and one of another district. Monday 23 November 2026, 10:00 in
Beijing (tests/conftest.py, NOW)."""
from datetime import date

import pytest
from sqlalchemy import func, select

from booking.extensions import db as _db
from booking.health import attendance
from booking.outbreaks.models import NATIONAL_DEFAULTS, OutbreakRule
from tests import factories as f
from tests.health.test_attendance import enrol

MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)
WEDNESDAY = date(2026, 11, 25)


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def text(resp) -> str:
    return resp.get_data(as_text=True)


def ensure_rules():
    """The national defaults, as the migration seeds them (PostgreSQL tests truncate every
    table between tests, seeds included)."""
    if not _db.session.scalar(select(func.count(OutbreakRule.id))):
        _db.session.add_all([OutbreakRule(city=None, symptom=s, scope=scope, min_children=n,
                                          window_days=days, active=True)
                             for s, scope, n, days in NATIONAL_DEFAULTS])
        _db.session.commit()


def fever(w, i, t=38.4, obs=None):
    """Child i fails today's morning check."""
    return attendance.record_arrival(w["rs"][i].id, w["director"], temperature_c=t,
                                     observations=obs, passed=False)


@pytest.fixture
def world(app, db, monkeypatch):
    # These tests decide when the rules are checked; a failed morning check's own immediate
    # check is tested on its own (test_detection.py, test_a_failed_morning_check_...).
    monkeypatch.setattr(attendance, "check_outbreaks", lambda *a, **k: [])
    ensure_rules()
    f.policy(city="西安")
    d = f.district()
    c = f.centre(d, name="阳光托育")
    g1, g2 = f.group(c, name="小一班"), f.group(c, name="小二班")
    s1 = f.slot(c, capacity=10, group_id=g1.id, starts_on=MONDAY)
    s2 = f.slot(c, capacity=10, group_id=g2.id, starts_on=MONDAY)
    director = f.user("staff", centre_id=c.id, staff_role="director")
    health = f.user("staff", centre_id=c.id, staff_role="health")
    carer = f.user("staff", centre_id=c.id, staff_role="carer")
    parents, kids, rs = [], [], []
    for i in range(7):
        p = f.user()
        k = f.child(p, name=f"测名{i}")
        rs.append(enrol(p, k, s1 if i < 4 else s2, director))
        parents.append(p)
        kids.append(k)
    other = f.centre(name="别家托育")
    os_ = f.slot(other, capacity=5, starts_on=MONDAY)
    other_director = f.user("staff", centre_id=other.id, staff_role="director")
    op = f.user()
    ok = f.child(op, name="外园孩子")
    other_r = enrol(op, ok, os_, other_director)
    regulator = f.user("regulator", district_id=d.id)
    far_regulator = f.user("regulator", district_id=f.district().id)
    return {"centre": c, "district": d, "g1": g1, "g2": g2, "director": director,
            "health": health, "carer": carer, "parents": parents, "kids": kids, "rs": rs,
            "other": other, "other_director": other_director, "other_r": other_r,
            "other_kid": ok, "regulator": regulator, "far_regulator": far_regulator}
