"""Random sequences of payments, monthly charges, enrolments, withdrawals and refunds paid,
checking after every step that each family's balance is the sum of its entries' signed
amounts (computed here in Python, not by the code under test), that no balance is ever above
the family's prepaid limit, that refunds owed never go negative, and that a refused payment
changes nothing.

Each example builds its own centre and families (examples share the test's database)."""
from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from booking.fees import balances
from booking import clock
from booking.errors import PrepaidLimit
from booking.extensions import db
from booking.fees import services as fees
from booking.fees.models import SIGN, LedgerEntry
from booking.reservations import leaving
from booking.reservations.models import Reservation
from tests import factories as f
from tests.conftest import NOW
from tests.fees.conftest import enrol

SIGNS = {"payment": 1, "credit": 1, "charge": -1, "refund_due": -1, "refund_paid": 0}


class Ledger(RuleBasedStateMachine):
    @initialize()
    def world(self):
        clock.set(NOW)
        from booking.centres.services import policy_for
        if policy_for("西安") is None:
            f.policy("西安")
            policy = policy_for("西安")
            policy.second_child_reduction_pct, policy.third_child_reduction_pct = 10, 20
            db.session.commit()
        self.centre = f.centre(f.district(city="西安"))
        self.staff = f.user("staff", centre_id=self.centre.id)
        self.slot = f.slot(self.centre, fee=180000, starts_on=date(2026, 9, 1), capacity=50)
        self.cheap = f.slot(self.centre, fee=99999, starts_on=date(2026, 10, 15), capacity=50)
        self.parents = [f.user("parent") for _ in range(2)]

    @rule(who=st.integers(0, 1), birth=st.integers(0, 700), cheap=st.booleans())
    def enrol(self, who, birth, cheap):
        p = self.parents[who]
        kid = f.child(p, birth_date=date(2024, 6, 1) + timedelta(days=birth))
        enrol(self.cheap if cheap else self.slot, p, kid, on=date(2026, 10, 1))

    @rule(who=st.integers(0, 1), amount=st.integers(1, 700000))
    def pay(self, who, amount):
        p = self.parents[who]
        if not fees._is_family_of(self.centre.id, p.id):
            return
        before = self._entries(p)
        try:
            fees.record_payment(self.centre.id, p.id, amount, self.staff)
        except PrepaidLimit:
            db.session.rollback()
            assert self._entries(p) == before

    @rule()
    def charge_month(self):
        fees.post_monthly_charges()

    @rule()
    def next_month(self):
        clock.advance(timedelta(days=17))

    @rule(who=st.integers(0, 1), pick=st.integers(0, 100), day=st.integers(0, 40))
    def withdraw(self, who, pick, day):
        p = self.parents[who]
        live = db.session.scalars(select(Reservation).where(
            Reservation.parent_id == p.id, Reservation.status == "enrolled",
            Reservation.leaves_on.is_(None)).order_by(Reservation.id)).all()
        if live:  # (a child already leaving on a later day has nothing left to withdraw)
            today = clock.today()
            leaving.end_care(live[pick % len(live)].id, p, today + timedelta(days=day), "搬家")

    @rule(pick=st.integers(0, 100))
    def refund_paid(self, pick):
        open_ = [r["due"] for r in balances.refunds_at(self.centre.id) if r["paid"] is None]
        if open_:
            fees.mark_refund_paid(open_[pick % len(open_)].id, self.staff)

    def _entries(self, p):
        return [(e.kind, e.amount_fen) for e in db.session.scalars(select(LedgerEntry).where(
            LedgerEntry.parent_id == p.id, LedgerEntry.centre_id == self.centre.id))]

    @invariant()
    def balances_are_sums(self):
        if not hasattr(self, "parents"):
            return
        for p in self.parents:
            rows = self._entries(p)
            balance = sum(SIGNS[k] * a for k, a in rows)
            owed = sum(a for k, a in rows if k == "refund_due") - \
                sum(a for k, a in rows if k == "refund_paid")
            assert fees.balance_fen(self.centre.id, p.id) == balance
            assert fees.refund_owed_fen(self.centre.id, p.id) == owed >= 0
            assert balance <= fees.prepaid_limit_fen(self.centre, p.id)
            assert all(a > 0 for _k, a in rows)


def test_the_model_signs_agree_with_the_spec():
    assert SIGN == SIGNS


def test_ledger_state_machine(app):
    run_state_machine_as_test(Ledger, settings=settings(
        max_examples=20, stateful_step_count=25, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
