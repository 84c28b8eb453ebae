"""Overlapping reports for one child at once: the child's row is written first
(places.locking.lock_children), so exactly one stands, on SQLite and PostgreSQL."""
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from booking.absences.models import Absence
from booking.extensions import db
from tests.absences.world import MONDAY, world  # noqa: F401 (the fixture)
from tests.concurrency.helpers import assert_no_locks_left, post, race, slug, token_for


def test_ten_overlapping_reports_at_once_leave_one(app, world):
    token = token_for(world["parent"])
    path = f"/api/v1/children/{world['kid'].id}/absences"
    db.session.remove()

    def report(i):
        # every range covers Wednesday, each starts on another day
        start = MONDAY + timedelta(days=i % 3)
        return post(app, path, token, {"starts_on": start.isoformat(),
                                       "ends_on": (MONDAY + timedelta(days=4)).isoformat(),
                                       "reason": "family"})

    results = race(10, report)
    outcome = Counter((status, slug(body) if status != 201 else "reported")
                      for status, body in results)
    assert outcome == {(201, "reported"): 1, (409, "conflict"): 9}, outcome
    assert db.session.scalar(select(func.count(Absence.id))) == 1
    assert_no_locks_left(app)
