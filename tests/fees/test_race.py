"""Concurrent payments for one family cannot together pass the prepaid limit: the family's
account row is written first (fees/services.py lock_account), on SQLite and PostgreSQL."""
from collections import Counter
from datetime import date

from booking.auth.models import User
from booking.errors import BookingError
from booking.extensions import db
from booking.fees import services as fees
from tests import factories as f
from tests.concurrency.helpers import assert_no_locks_left, post, race, slug, token_for
from tests.fees.conftest import enrol, sibling


def test_twenty_payments_race_for_a_limit_of_five(app, world):
    p = world.parent
    enrol(world.slot, p, sibling(p, date(2025, 3, 1)))    # limit 3 × 1,800 = 5,400 yuan
    centre_id, parent_id, staff_id = world.centre.id, p.id, world.staff.id
    db.session.remove()

    def pay(i):
        with app.app_context():
            try:
                staff = db.session.get(User, staff_id)
                fees.record_payment(centre_id, parent_id, 108000, staff)   # 1,080 yuan each
                return "paid"
            except BookingError as err:
                return err.slug
            finally:
                db.session.remove()

    results = race(20, pay)
    assert Counter(results) == {"paid": 5, "prepaid-limit": 15}
    db.session.expire_all()
    assert fees.balance_fen(centre_id, parent_id) == 540000
    assert_no_locks_left(app)


def test_payments_race_over_http(app, world):
    p = world.parent
    enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    token = token_for(world.staff)
    path = f"/api/v1/centres/{world.centre.id}/payments"
    parent_id, centre_id = p.id, world.centre.id
    db.session.remove()
    results = race(12, lambda i: post(app, path, token, {"parent_id": parent_id,
                                                          "amount_fen": 200000}))
    outcome = Counter((status, slug(body) if status != 201 else "paid") for status, body in results)
    assert outcome == {(201, "paid"): 2, (409, "prepaid-limit"): 10}
    assert fees.balance_fen(centre_id, parent_id) == 400000
    assert_no_locks_left(app)


def test_two_charge_jobs_at_once_post_each_month_once(app, world):
    from sqlalchemy import func, select

    from booking.fees.models import LedgerEntry
    for _ in range(6):
        p = f.user("parent")
        enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    db.session.remove()

    def run(i):
        with app.app_context():
            try:
                return fees.post_monthly_charges()
            finally:
                db.session.remove()

    results = race(4, run)
    assert sum(results) == 6 and all(isinstance(r, int) for r in results)
    assert db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.kind == "charge")) == 6
    assert_no_locks_left(app)
