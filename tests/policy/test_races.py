"""Officers adding a version for the same city and day at once (both databases): one version
is written, the others are refused (409) by the unique constraint, each with no audit entry."""
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.auth.models import User
from booking.errors import Conflict
from booking.extensions import db
from booking.policy import changes
from booking.policy.models import CityPolicy
from tests.concurrency.helpers import assert_no_locks_left, race
from tests.policy.world import world  # noqa: F401


def test_one_version_per_city_and_day_under_concurrency(app, world):
    officers = [world["city_regulator"].id, world["admin"].id, world["national"].id] * 2
    db.session.commit()
    db.session.remove()

    def add(i):
        with app.app_context():
            try:
                changes.add_version("西安", date(2027, 1, 1), {"max_waits": 1 + i}, f"调整 {i}",
                                    db.session.get(User, officers[i]))
                return "added"
            except Conflict:
                return "refused"
            finally:
                db.session.remove()

    results = race(len(officers), add)
    assert Counter(results) == {"added": 1, "refused": len(officers) - 1}, results
    assert db.session.scalar(select(func.count(CityPolicy.id)).where(
        CityPolicy.effective_from == date(2027, 1, 1))) == 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "policy.version_created")) == 1
    assert_no_locks_left(app)
