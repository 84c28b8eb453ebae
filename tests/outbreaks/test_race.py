"""Two schedulers (and a web request) checking one centre at once open one alert and send its
notices once: the alert's unique key settles it, on SQLite and PostgreSQL."""
from sqlalchemy import func, select

from booking.audit.models import Notification
from booking.extensions import db
from booking.outbreaks import detection
from booking.outbreaks.models import OutbreakAlert, OutbreakAlertChild
from tests.concurrency.helpers import assert_no_locks_left, race
from tests.outbreaks.world import MONDAY, fever, world  # noqa: F401


def test_concurrent_checks_open_one_alert(app, world):
    for i in range(3):
        fever(world, i)
    centre_id = world["centre"].id
    db.session.remove()

    def check(i):
        with app.app_context():
            try:
                return len(detection.check(centre_id, MONDAY))
            finally:
                db.session.remove()

    results = race(8, check)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(results) == [0] * 7 + [1]
    assert db.session.scalar(select(func.count(OutbreakAlert.id))) == 1
    assert db.session.scalar(select(func.count(OutbreakAlertChild.id))) == 3
    # director, health worker, the district's regulator: once each
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "outbreak_alert")) == 3
    assert_no_locks_left(app)
