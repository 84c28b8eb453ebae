"""Two directors add one account to one centre at once (PostgreSQL): one active assignment."""
import pytest
from sqlalchemy import func, select

from booking.errors import Conflict
from booking.extensions import db
from booking.operators import assignments
from booking.operators.models import StaffAssignment
from tests import factories as f
from tests.concurrency.helpers import race

pytestmark = pytest.mark.usefixtures("pg_only")


def test_one_active_assignment_when_adding_at_once(app, db):
    d = f.district()
    a, b = f.centre(d), f.centre(d)
    f.operator(d, centres=[a, b])
    carer = f.user("staff", centre_id=a.id, staff_role="carer")
    admins = [f.user("admin").id for _ in range(4)]
    carer_id, centre_id = carer.id, b.id
    db.session.remove()

    def add(i):
        with app.app_context():
            try:
                from booking.auth.models import User
                assignments.assign(db.session.get(User, admins[i]), carer_id, centre_id,
                                   "carer")
                return "added"
            except Conflict:
                return "conflict"
            except Exception as exc:  # noqa: BLE001
                return type(exc).__name__
            finally:
                db.session.remove()

    results = race(len(admins), add)
    active = db.session.scalar(select(func.count(StaffAssignment.id)).where(
        StaffAssignment.user_id == carer_id, StaffAssignment.centre_id == centre_id,
        StaffAssignment.ended_at.is_(None)))
    assert active == 1, results
    assert sorted(results) == ["added", "conflict", "conflict", "conflict"], results
