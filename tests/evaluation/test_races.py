"""At once (both databases): directors saving a first draft make one draft (the centre's row
is written first; the partial unique index stands behind it); regulators verifying one fix
item make one verification, the others refused (409)."""
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.auth.models import User
from booking.errors import Conflict
from booking.evaluation import fixes, services
from booking.evaluation.models import Evaluation, FixItem
from booking.extensions import db
from tests import factories as f
from tests.concurrency.helpers import assert_no_locks_left, race
from tests.evaluation.world import DAY, GOOD, world  # noqa: F401


def test_drafts_saved_at_once_make_one_draft(app, world):
    centre_id = world["centre"].id
    directors = [world["director"].id] + [
        f.user("staff", centre_id=centre_id, staff_role="director").id for _ in range(3)]
    db.session.commit()
    db.session.remove()

    def save(i):
        with app.app_context():
            try:
                user = db.session.get(User, directors[i])
                return services.save_self(centre_id, user, items={"cond_1": i + 1}).id
            finally:
                db.session.remove()

    results = race(len(directors), save)
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    assert db.session.scalar(select(func.count(Evaluation.id))) == 1
    assert_no_locks_left(app)


def test_fix_verified_once(app, world):
    ev = services.record_inspection(world["centre"].id, world["regulator"], inspected_on=DAY,
                                    items=GOOD, fixes=[{"code": "cond_3", "what": "扩建",
                                                        "due_on": date(2026, 12, 1)}])
    fix_id = ev.fixes[0].id
    fixes.report_fix(fix_id, world["director"])
    officers = [world["regulator"].id, f.user("regulator", city="西安").id] * 2
    db.session.commit()
    db.session.remove()

    def verify(i):
        with app.app_context():
            try:
                fixes.verify_fix(fix_id, db.session.get(User, officers[i]))
                return "verified"
            except Conflict:
                return "refused"
            finally:
                db.session.remove()

    results = race(len(officers), verify)
    assert Counter(results) == {"verified": 1, "refused": len(officers) - 1}, results
    assert db.session.get(FixItem, fix_id).status == "verified"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "evaluation.fix_verified")) == 1
    assert_no_locks_left(app)
