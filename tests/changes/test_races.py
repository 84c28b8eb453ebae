"""Two officers deciding one change at once (both databases): one decision, the other refused
(409) — the change's row is written first (changes/services._lock). Two directors filing at
once: one open change."""
from collections import Counter

from sqlalchemy import func, select

from booking.auth.models import User
from booking.changes import services
from booking.changes.models import CentreChange
from booking.errors import Conflict
from booking.extensions import db
from tests.changes.world import MATERIALS, file, world  # noqa: F401
from tests import factories as f
from tests.concurrency.helpers import assert_no_locks_left, race


def test_deciding_one_change_at_once_decides_it_once(app, world):
    change_id = file(world).id
    officers = [world["regulator"].id, world["city_regulator"].id] * 3
    actions = ["approve", "reject"] * 3
    db.session.commit()
    db.session.remove()

    def decide(i):
        with app.app_context():
            try:
                services.decide(change_id, db.session.get(User, officers[i]), actions[i],
                                f"理由 {i}")
                return "decided"
            except Conflict:
                return "refused"
            finally:
                db.session.remove()

    results = race(len(officers), decide)
    assert Counter(results) == {"decided": 1, "refused": len(officers) - 1}, results
    change = db.session.get(CentreChange, change_id)
    assert change.status in ("approved", "rejected")
    assert_no_locks_left(app)


def test_two_directors_filing_at_once_open_one_change(app, world):
    second = f.user("staff", centre_id=world["centre"].id, staff_role="director")
    directors = [world["director"].id, second.id] * 3
    centre_id = world["centre"].id
    db.session.commit()
    db.session.remove()

    def file_one(i):
        with app.app_context():
            try:
                services.file_change(centre_id, db.session.get(User, directors[i]),
                                     values={"capacity": 60 + i}, materials=MATERIALS)
                return "filed"
            except Conflict:
                return "refused"
            finally:
                db.session.remove()

    results = race(len(directors), file_one)
    assert Counter(results) == {"filed": 1, "refused": len(directors) - 1}, results
    assert db.session.scalar(select(func.count(CentreChange.id))) == 1
    assert_no_locks_left(app)
