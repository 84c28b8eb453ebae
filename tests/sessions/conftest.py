from datetime import date, time

import pytest

from booking.sessions import services as sessions
from tests import factories as f


def spec(**kw):
    """A session on Wednesday 2026-11-25, 09:00–11:00 Beijing time, toddlers, 5 places."""
    base = dict(kind="occasional", age_band="toddler", on_date=date(2026, 11, 25),
                start=time(9, 0), end=time(11, 0), capacity=5, price_per_hour_fen=3000)
    base.update(kw)
    return sessions.SessionSpec(**base)


def publish(centre, staff, **kw):
    return sessions.publish(centre, spec(**kw), actor=staff)


@pytest.fixture
def world(app):
    c = f.centre()
    staff = f.user("staff", centre_id=c.id)
    parent = f.user()
    kid = f.child(parent)  # born 2025-09-01: 14 months in November 2026, a toddler
    return {"centre": c, "staff": staff, "parent": parent, "kid": kid}
