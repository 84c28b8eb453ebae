"""The prepaid ledger: payments within the limit, charges once a month, refunds due on
withdrawal, the database's append-only guard. Figures hand-computed in the comments."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from booking.fees import balances
from booking import clock
from booking.audit.models import AuditEvent
from booking.errors import NotFound, PrepaidLimit, ValidationFailed
from booking.fees import services as fees
from booking.fees.models import LedgerEntry
from booking.reservations import leaving
from tests import factories as f
from tests.fees.conftest import at, enrol, sibling


def entries(world, parent=None):
    return [(e.kind, e.amount_fen, e.month) for e in
            f.db.session.scalars(select(LedgerEntry).where(
                LedgerEntry.parent_id == (parent or world.parent).id).order_by(LedgerEntry.id))]


def test_limit_is_three_months_of_the_familys_fees(world):
    r = enrol(world.slot, world.parent, sibling(world.parent, date(2025, 3, 1)))
    assert fees.prepaid_limit_fen(world.centre, world.parent.id) == 3 * 180000
    # exactly at the limit: allowed
    e = fees.record_payment(world.centre.id, world.parent.id, 540000, world.staff, method="微信")
    assert (e.kind, e.amount_fen, e.on_date) == ("payment", 540000, date(2026, 11, 23))
    assert fees.balance_fen(world.centre.id, world.parent.id) == 540000
    # one fen more: refused, and nothing written
    with pytest.raises(PrepaidLimit) as err:
        fees.record_payment(world.centre.id, world.parent.id, 1, world.staff)
    assert err.value.extra == {"limit_fen": 540000, "balance_fen": 540000, "max_amount_fen": 0}
    f.db.session.rollback()
    assert fees.balance_fen(world.centre.id, world.parent.id) == 540000
    assert f.db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.entity_type == "ledger_entry", AuditEvent.entity_id == e.id)) == "ledger.payment"
    assert r.id


def test_limit_one_fen_over_in_one_payment_is_refused(world):
    enrol(world.slot, world.parent, sibling(world.parent, date(2025, 3, 1)))
    with pytest.raises(PrepaidLimit):
        fees.record_payment(world.centre.id, world.parent.id, 540001, world.staff)


def test_limit_counts_reduced_fees_of_all_the_familys_children(world):
    p = world.parent
    enrol(world.slot, p, sibling(p, date(2024, 6, 1)))
    enrol(world.slot, p, sibling(p, date(2025, 6, 1)))
    # 3 × (1,800 + 1,620) = 10,260 yuan
    assert fees.prepaid_limit_fen(world.centre, p.id) == 1026000


def test_no_enrolment_no_prepayment(world):
    kid = sibling(world.parent, date(2025, 3, 1))
    reservations_hold = enrol(world.slot, world.parent, kid)
    reservations_hold.status, reservations_hold.expires_at = "held", at(date(2026, 11, 25))
    f.db.session.commit()
    with pytest.raises(PrepaidLimit):
        fees.record_payment(world.centre.id, world.parent.id, 100, world.staff)


def test_payment_input_refused(world):
    enrol(world.slot, world.parent, sibling(world.parent, date(2025, 3, 1)))
    with pytest.raises(ValidationFailed) as err:
        fees.record_payment(world.centre.id, world.parent.id, 0, world.staff,
                            received_on=date(2026, 11, 24))
    assert set(err.value.errors) == {"amount_fen", "received_on"}
    stranger = f.user("parent")
    with pytest.raises(ValidationFailed) as err:
        fees.record_payment(world.centre.id, stranger.id, 100, world.staff)
    assert set(err.value.errors) == {"parent_id"}
    other_staff = f.user("staff", centre_id=f.centre().id)
    with pytest.raises(NotFound):
        fees.record_payment(world.centre.id, world.parent.id, 100, other_staff)


def test_monthly_charges_posted_once(world):
    p = world.parent
    enrol(world.slot, p, sibling(p, date(2024, 6, 1)))
    enrol(world.slot, p, sibling(p, date(2025, 6, 1)))
    late = f.slot(world.centre, fee=180000, starts_on=date(2026, 11, 16))
    other = f.user("parent")
    enrol(late, other, sibling(other, date(2025, 1, 1)), on=date(2026, 11, 16))
    future = f.slot(world.centre, starts_on=date(2027, 3, 1))
    enrol(future, other, sibling(other, date(2025, 9, 1)))
    assert fees.post_monthly_charges() == 3
    assert fees.post_monthly_charges() == 0  # idempotent
    assert entries(world) == [("charge", 180000, "2026-11"), ("charge", 162000, "2026-11")]
    # from the 16th: 15/30 of 1,800 = 900 yuan; the March place is not charged yet
    assert entries(world, other) == [("charge", 90000, "2026-11")]
    assert fees.balance_fen(world.centre.id, p.id) == -342000


def test_withdrawal_mid_month_credits_and_owes_back(world):
    p = world.parent
    r = enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    fees.record_payment(world.centre.id, p.id, 540000, world.staff)
    fees.post_monthly_charges()                              # November: −1,800
    leaving.end_care(r.id, p, date(2026, 11, 20), "搬家")
    # care 1–20 November: 20/30 × 1,800 = 1,200 yuan; credit 600; refund 5,400 − 1,200 = 4,200
    assert entries(world) == [("payment", 540000, None), ("charge", 180000, "2026-11"),
                              ("credit", 60000, "2026-11"), ("refund_due", 420000, None)]
    assert fees.balance_fen(world.centre.id, p.id) == 0
    assert fees.refund_owed_fen(world.centre.id, p.id) == 420000
    due = balances.refunds_at(world.centre.id)[0]["due"]
    paid = fees.mark_refund_paid(due.id, world.staff, method="银行转账")
    assert (paid.kind, paid.amount_fen, paid.settles_id) == ("refund_paid", 420000, due.id)
    assert fees.refund_owed_fen(world.centre.id, p.id) == 0
    assert fees.balance_fen(world.centre.id, p.id) == 0
    from booking.errors import Conflict
    with pytest.raises(Conflict):
        fees.mark_refund_paid(due.id, world.staff)


def test_withdrawal_before_the_job_ran_charges_the_month(world):
    p = world.parent
    r = enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    fees.record_payment(world.centre.id, p.id, 300000, world.staff)
    leaving.end_care(r.id, p, date(2026, 11, 10), "搬家")
    # 10/30 × 1,800 = 600 yuan charged; 3,000 − 600 = 2,400 owed back
    assert entries(world) == [("payment", 300000, None), ("charge", 60000, "2026-11"),
                              ("refund_due", 240000, None)]


def test_withdrawal_with_a_sibling_still_enrolled_keeps_its_limit(world):
    p = world.parent
    r1 = enrol(world.slot, p, sibling(p, date(2024, 6, 1)))
    enrol(world.slot, p, sibling(p, date(2025, 6, 1)))
    fees.record_payment(world.centre.id, p.id, 1026000, world.staff)   # 3 × 3,420
    fees.post_monthly_charges()                                          # −3,420
    leaving.end_care(r1.id, p, date(2026, 11, 30), "转园")
    # The eldest left at month end: no credit. Balance 10,260 − 3,420 = 6,840. The younger
    # stays the family's second child (1,620 a month: birth order, not enrolment), so the
    # family may keep 3 × 1,620 = 4,860 ahead and 6,840 − 4,860 = 1,980 is owed back.
    assert entries(world)[-1] == ("refund_due", 198000, None)
    assert fees.balance_fen(world.centre.id, p.id) == 486000


def test_withdrawal_in_arrears_owes_nothing_back(world):
    p = world.parent
    r = enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    fees.post_monthly_charges()
    leaving.end_care(r.id, p, date(2026, 11, 30), "搬家")
    assert entries(world) == [("charge", 180000, "2026-11")]
    assert fees.balance_fen(world.centre.id, p.id) == -180000


def test_next_month_charged_by_the_moved_clock(world):
    p = world.parent
    enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    fees.post_monthly_charges()
    clock.set(at(date(2026, 12, 1), 0) + timedelta(minutes=5))
    assert fees.post_monthly_charges() == 1
    assert [m for _k, _a, m in entries(world)] == ["2026-11", "2026-12"]


def test_ledger_is_append_only(world, db):
    p = world.parent
    enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    e = fees.record_payment(world.centre.id, p.id, 1000, world.staff)
    for sql in ("UPDATE ledger_entry SET amount_fen = 1", "DELETE FROM ledger_entry"):
        with pytest.raises(DBAPIError):
            db.session.execute(text(sql))
        db.session.rollback()
    assert db.session.get(LedgerEntry, e.id).amount_fen == 1000


def test_database_refuses_a_second_charge_for_a_month(world, db):
    p = world.parent
    r = enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    fees.post_monthly_charges()
    db.session.add(LedgerEntry(centre_id=world.centre.id, parent_id=p.id, reservation_id=r.id,
                               kind="charge", amount_fen=5, month="2026-11"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    for bad in ({"kind": "payment", "amount_fen": -5}, {"kind": "charge", "amount_fen": 5},
                {"kind": "refund_paid", "amount_fen": 5}):
        db.session.add(LedgerEntry(centre_id=world.centre.id, parent_id=p.id, **bad))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_the_charge_job_is_scheduled_and_a_command(app, runner, world):
    from booking import jobs
    table = {func.__name__: setting for func, setting in jobs.job_table()}
    assert table["post_monthly_charges"] == "TUOWEI_CHARGES_SECONDS"
    p = world.parent
    enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    out = runner.invoke(args=["post-charges"])
    assert out.exit_code == 0 and "posted 1 monthly charges" in out.output
    out = runner.invoke(args=["post-charges", "--month", "2026-11"])
    assert "posted 0 monthly charges" in out.output
    out = runner.invoke(args=["post-charges", "--month", "nope"])
    assert out.exit_code == 1 and "YYYY-MM" in out.output and out.exception.__class__ is SystemExit


def test_leaving_in_a_later_month_charges_up_to_the_leaving_date(world):
    p = world.parent
    r = enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    fees.record_payment(world.centre.id, p.id, 540000, world.staff)
    fees.post_monthly_charges()
    leaving.end_care(r.id, p, date(2027, 1, 15), "搬家")
    # November 1,800 (posted), December 1,800, 1–15 January 15/31 × 1,800 = 870.97;
    # 5,400 − 4,470.97 = 929.03 owed back
    assert entries(world) == [("payment", 540000, None), ("charge", 180000, "2026-11"),
                              ("charge", 180000, "2026-12"), ("charge", 87097, "2027-01"),
                              ("refund_due", 92903, None)]


def test_leaving_date_in_an_earlier_month_credits_the_months_after_it(world, db):
    p = world.parent
    r = enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    fees.record_payment(world.centre.id, p.id, 360000, world.staff)
    clock.set(at(date(2026, 10, 5)))
    fees.post_monthly_charges()                       # October 1,800
    clock.set(at(date(2026, 11, 2)))
    fees.post_monthly_charges()                       # November 1,800
    leaving.end_care(r.id, world.staff, date(2026, 10, 31), "已于十月底离园")
    # October stays (in care all month); November credited in full; 3,600 − 1,800 owed back
    assert entries(world)[-2:] == [("credit", 180000, "2026-11"), ("refund_due", 180000, None)]
