"""Two regulators deciding one claim at once (both databases; PostgreSQL is the point): one
decision is taken, every other is refused (409) — the claim's row is written first
(subsidies/models.lock_claim)."""
from collections import Counter

from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.auth.models import User
from booking.errors import Conflict
from booking.extensions import db
from booking.subsidies import decisions
from booking.subsidies.models import SubsidyClaim
from tests.concurrency.helpers import assert_no_locks_left, race


def test_approve_and_reject_at_once_decide_once(app, world, clean_claim):
    claim_id = clean_claim.id
    officers = [world["regulator"].id, world["regulator2"].id] * 3
    db.session.commit()
    db.session.remove()

    def decide(i):
        with app.app_context():
            try:
                user = db.session.get(User, officers[i])
                if i % 2:
                    decisions.reject(claim_id, user, f"不予核准 {i}")
                    return "rejected"
                decisions.approve(claim_id, user)
                return "approved"
            except Conflict:
                return "refused"
            finally:
                db.session.remove()

    results = race(len(officers), decide)
    counts = Counter(results)
    assert counts["refused"] == len(officers) - 1, results
    claim = db.session.get(SubsidyClaim, claim_id)
    assert counts[claim.status] == 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.like("subsidy_claim.%"))) == 1
    assert_no_locks_left(app)
