"""Two regulators deciding one application at once (both databases): one decision stands, the
other is refused (409) — the recognition's row is written first (recognition/services._lock)."""
from collections import Counter

from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.auth.models import User
from booking.errors import Conflict
from booking.extensions import db
from booking.recognition import services
from booking.recognition.models import Recognition
from tests.concurrency.helpers import assert_no_locks_left, race
from tests.recognition.world import world  # noqa: F401


def test_two_regulators_deciding_at_once_make_one_decision(app, world):
    rec_id = services.apply(world["centre"].id, world["director"], kind="star", stars=3).id
    officers = [world["regulator"].id, world["city_regulator"].id] * 3
    db.session.commit()
    db.session.remove()

    def decide(i):
        with app.app_context():
            try:
                user = db.session.get(User, officers[i])
                if i % 2:
                    services.refuse(rec_id, user, reason=f"不符合 {i}")
                else:
                    services.grant(rec_id, user)
                return "decided"
            except Conflict:
                return "refused"
            finally:
                db.session.remove()

    results = race(len(officers), decide)
    assert Counter(results) == {"decided": 1, "refused": len(officers) - 1}, results
    assert db.session.get(Recognition, rec_id).status in ("granted", "refused")
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(("recognition.granted", "recognition.refused")))) == 1
    assert_no_locks_left(app)
