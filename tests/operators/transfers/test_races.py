"""One child, one place under racing decisions (PostgreSQL): two approvals for the last
place at B from two children's requests, and an approval racing the family's withdrawal."""
import pytest
from sqlalchemy import func, select

from booking.auth.models import User
from booking.errors import BookingError
from booking.extensions import db
from booking.operators import transfers
from booking.operators.transfer_models import OperatorTransfer
from booking.reservations.models import Reservation, Status
from tests.concurrency.helpers import assert_no_locks_left, race

pytestmark = pytest.mark.usefixtures("pg_only")


def _run(app, user_id, call):
    with app.app_context():
        try:
            call(db.session.get(User, user_id))
            return "done"
        except BookingError as err:
            return type(err).__name__
        except Exception as exc:  # noqa: BLE001 - reported by the test
            return repr(exc)
        finally:
            db.session.remove()


def test_two_approvals_for_the_last_place_one_wins(app, world):
    w = world
    ids = [transfers.request(w["parent"], w["kid"].id, w["slot_b"].id).id,
           transfers.request(w["parent2"], w["kid2"].id, w["slot_b"].id).id]
    manager_id, slot_id, slot_a_id = w["manager"].id, w["slot_b"].id, w["slot_a"].id
    db.session.remove()
    results = race(2, lambda i: _run(app, manager_id,
                                     lambda u: transfers.approve(u, ids[i])))
    assert sorted(results) == ["SlotFull", "done"], results
    taken = db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.slot_id == slot_id, Reservation.status == Status.ENROLLED))
    assert taken == 1
    statuses = sorted(db.session.scalars(select(OperatorTransfer.status)))
    assert statuses == ["approved", "requested"]
    # the loser's child keeps its place at A, untouched
    left = [r for r in db.session.scalars(select(Reservation).where(
        Reservation.slot_id == slot_a_id))]
    assert sorted(r.leaves_on is None for r in left) == [False, True]
    assert_no_locks_left(app)


def test_approval_against_withdrawal_one_of_them(app, world):
    w = world
    tid = transfers.request(w["parent"], w["kid"].id, w["slot_b"].id).id
    manager_id, parent_id, kid_id = w["manager"].id, w["parent"].id, w["kid"].id
    slot_b_id, r_id = w["slot_b"].id, w["r"].id
    db.session.remove()
    calls = [(manager_id, lambda u: transfers.approve(u, tid)),
             (parent_id, lambda u: transfers.withdraw(u, tid))]
    results = race(2, lambda i: _run(app, calls[i][0], calls[i][1]))
    assert sorted(results) in (["Conflict", "done"],), results
    t = db.session.get(OperatorTransfer, tid)
    enrolled_at_b = db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.child_id == kid_id, Reservation.slot_id == slot_b_id))
    a_place = db.session.get(Reservation, r_id)
    if t.status == "approved":
        assert enrolled_at_b == 1 and a_place.leaves_on is not None
    else:
        assert t.status == "withdrawn" and enrolled_at_b == 0 and a_place.leaves_on is None
    assert_no_locks_left(app)
