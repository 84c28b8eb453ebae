"""A new version changes what is computed from its day on, and nothing before it: a month's
fee uses the version in force on the month's first day; health-check validity the version in
force on the day asked."""
from datetime import date, datetime, timezone

from booking import clock
from booking.extensions import db as _db
from booking.fees.rules import fee_of
from booking.health.services import valid_days_for
from booking.policy import changes
from booking.reservations.models import Reservation
from tests import factories as f
from tests.policy.world import DEC_1, world  # noqa: F401


def _enrolled(w):
    c = f.centre(w["district"], name="普惠托育")
    s = f.slot(c, category="affordable", fee=180000, starts_on=date(2026, 11, 1))
    parent = f.user()
    kid = f.child(parent, birth_date=date(2025, 6, 1))
    r = Reservation(slot_id=s.id, child_id=kid.id, parent_id=parent.id, status="enrolled",
                    enrolled_at=datetime(2026, 10, 20, 2, tzinfo=timezone.utc))
    _db.session.add(r)
    _db.session.commit()
    return s, r


def test_a_cap_lowered_from_next_month_leaves_this_months_fee(world):
    s, r = _enrolled(world)
    changes.add_version("西安", DEC_1, {"cap_toddler_fen": 150000}, "指导价下调",
                        world["city_regulator"])
    assert fee_of(r, date(2026, 11, 1)).monthly_fee_fen == 180000      # November: as before
    assert fee_of(r, date(2026, 11, 30)).monthly_fee_fen == 180000
    assert fee_of(r, DEC_1).monthly_fee_fen == 150000                  # December: the new cap
    assert fee_of(r, date(2027, 2, 1)).base_fee_fen == 150000


def test_health_check_validity_changes_on_the_effective_day(world):
    s, _r = _enrolled(world)
    changes.add_version("西安", DEC_1, {"health_check_valid_days": 30}, "缩短有效期",
                        world["city_regulator"])
    assert valid_days_for(s) == 90                                     # 23 November
    clock.set(datetime(2026, 11, 30, 15, 59, tzinfo=timezone.utc))    # 30 Nov 23:59 Beijing
    assert valid_days_for(s) == 90
    clock.set(datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc))     # 1 Dec 00:00 Beijing
    assert valid_days_for(s) == 30
