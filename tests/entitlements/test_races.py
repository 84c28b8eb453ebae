"""Two guardians recording the same scheme's application at once: the partial unique index
(one open application per child and scheme) lets one in and refuses the others (409), on
both databases: on PostgreSQL the index decides between concurrent transactions, on SQLite
the database's write lock serialises them and the index refuses the later ones."""
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from booking.auth.models import User
from booking.children.models import Guardianship
from booking.entitlements import services
from booking.entitlements.models import AllowanceApplication
from booking.errors import Conflict
from booking.extensions import db
from tests import factories as f
from tests.concurrency.helpers import assert_no_locks_left, race
from tests.entitlements.world import child, world  # noqa: F401



def test_one_open_application_per_scheme_under_concurrency(app, world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    father = f.user(name="爸爸")
    db.session.add(Guardianship(child_id=kid.id, user_id=father.id, relation="father",
                                position=2))
    db.session.commit()
    guardians = [world["parent"].id, father.id] * 3
    kid_id = kid.id
    db.session.remove()

    def record(i):
        with app.app_context():
            try:
                services.record_application(kid_id, db.session.get(User, guardians[i]),
                                            scheme="national", applied_on=date(2026, 11, 2),
                                            reference=f"AL-{i}")
                return "recorded"
            except Conflict:
                return "refused"
            finally:
                db.session.remove()

    results = race(len(guardians), record)
    assert Counter(results) == {"recorded": 1, "refused": len(guardians) - 1}, results
    assert db.session.scalar(select(func.count(AllowanceApplication.id))) == 1
    assert_no_locks_left(app)
