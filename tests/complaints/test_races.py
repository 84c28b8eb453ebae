"""Two officers closing one complaint at once (both databases): one closes it and opens one
inspection, the other is refused (409) — the complaint's row is written first
(complaints/services._lock)."""
from collections import Counter

from sqlalchemy import func, select

from booking.auth.models import User
from booking.complaints import services
from booking.errors import Conflict
from booking.extensions import db
from booking.regulator.models import Inspection
from tests.complaints.world import file, world  # noqa: F401
from tests.concurrency.helpers import assert_no_locks_left, race


def test_closing_one_complaint_at_once_closes_it_once(app, world):
    complaint_id = file(world).id
    officers = [world["regulator"].id, world["city_regulator"].id] * 3
    db.session.commit()
    db.session.remove()

    def close(i):
        with app.app_context():
            try:
                services.close(complaint_id, db.session.get(User, officers[i]),
                               outcome="upheld", text=f"核实属实 {i}", inspect=True)
                return "closed"
            except Conflict:
                return "refused"
            finally:
                db.session.remove()

    results = race(len(officers), close)
    assert Counter(results) == {"closed": 1, "refused": len(officers) - 1}, results
    assert db.session.scalar(select(func.count(Inspection.id))) == 1
    assert_no_locks_left(app)
