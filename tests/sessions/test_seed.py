"""The demo sessions load through the seed loader, follow the rules, and load only once."""
from sqlalchemy import func, select

from booking import seeding
from booking.extensions import db
from booking.sessions.models import CareSession


def test_demo_sessions_are_seeded_once_in_the_next_two_weeks(app):
    quiet = lambda *_: None  # noqa: E731
    seeding.load_districts(quiet)
    seeding.load_centres(quiet)
    seeding.load_sessions(quiet)
    rows = db.session.scalars(select(CareSession)).all()
    assert len(rows) > 10
    assert {s.kind for s in rows} == {"occasional", "parent_child"}
    assert {s.centre.district.city for s in rows} == {"北京", "西安"}
    assert any(s.subsidised for s in rows) and any(s.group_id for s in rows)
    from booking import clock
    from datetime import timedelta
    assert all(timedelta(0) < s.starts_at - clock.now() < timedelta(days=15) for s in rows)
    seeding.load_sessions(quiet)
    assert db.session.scalar(select(func.count(CareSession.id))) == len(rows)
