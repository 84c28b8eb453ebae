"""Two regulators link one centre to two operators at once (PostgreSQL): one current row."""
from datetime import date

import pytest
from sqlalchemy import func, select

from booking.errors import Conflict
from booking.extensions import db
from booking.operators import services
from booking.operators.models import CentreOperator
from tests import factories as f
from tests.concurrency.helpers import race

pytestmark = pytest.mark.usefixtures("pg_only")


def test_one_current_operator_when_linking_at_once(app, db):
    d = f.district()
    c = f.centre(d)
    admin = f.user("admin")
    ops = [f.operator(d, actor=admin).id for _ in range(4)]
    admin_id, centre_id = admin.id, c.id
    db.session.remove()

    def link(i):
        with app.app_context():
            try:
                from booking.auth.models import User
                services.link_centre(db.session.get(User, admin_id), ops[i], centre_id,
                                     date(2026, 11, 1 + i))
                return "linked"
            except Conflict:
                return "conflict"
            except Exception as exc:  # noqa: BLE001
                return type(exc).__name__
            finally:
                db.session.remove()

    results = race(len(ops), link)
    current = db.session.scalar(select(func.count(CentreOperator.id)).where(
        CentreOperator.centre_id == centre_id, CentreOperator.to_date.is_(None)))
    assert current == 1, results
    assert "linked" in results, results
