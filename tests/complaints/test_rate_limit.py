"""Filing is rate-limited per address like the other public forms (TUOWEI_LOGIN_LIMIT)."""
from sqlalchemy import func, select

from booking.complaints.models import Complaint
from booking.extensions import db as _db
from booking.extensions import limiter
from tests.auth.test_rate_limit import _limited_app
from tests.complaints.world import BODY, CONTACT, world  # noqa: F401


def test_the_fourth_filing_in_a_minute_from_one_address_is_refused(app, db, world):
    limited = _limited_app(app, "memory://")
    try:
        client = limited.test_client()
        page = f"/centres/{world['centre'].id}/complaints/new"
        api = f"/api/v1/centres/{world['centre'].id}/complaints"
        form = {"category": "safety", "body": BODY, "contact": CONTACT}
        assert [client.post(page, data=form).status_code for _ in range(4)] == [302] * 3 + [429]
        # each route counts on its own, as sign-in's page and token route do
        assert [client.post(api, json=form).status_code for _ in range(4)] == [201] * 3 + [429]
    finally:
        with limited.app_context():
            _db.engine.dispose()
        limiter.enabled = False
    assert db.session.scalar(select(func.count(Complaint.id))) == 6
