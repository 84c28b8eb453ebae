"""Races on PostgreSQL (docs/design.md, Locking): families without an employer link racing for
the last unreserved place, and two directors setting quotas at once, never pass the rules."""
import pytest
from sqlalchemy import func, select

from booking.auth.models import User
from booking.employers import queries, services
from booking.employers.models import EmployerQuota
from booking.errors import BookingError
from booking.extensions import db
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.slots.models import Slot
from tests import factories as f
from tests.concurrency.helpers import assert_no_locks_left, families, race

pytestmark = pytest.mark.usefixtures("pg_only")


def test_unlinked_families_never_take_a_reserved_place(app, db):
    c = f.centre()
    director = f.user("staff", centre_id=c.id, staff_role="director")
    s = f.slot(c, capacity=4)
    e = services.register_employer(director, c.id, name="甲", credit_code=f.credit_code())
    services.set_quotas(director, s.id, [{"employer_id": e.id, "places": 2}])
    p = f.user()
    reservations.place_hold(slot_id=s.id, child_id=f.child(p).id, parent=p)
    slot_id = s.id
    racers = families(12)
    db.session.remove()

    def hold(i):
        parent_id, child_id, _token = racers[i]
        with app.app_context():
            try:
                reservations.place_hold(slot_id=slot_id, child_id=child_id,
                                        parent=db.session.get(User, parent_id))
                return "held"
            except BookingError as err:
                return err.slug
            finally:
                db.session.remove()

    results = race(len(racers), hold)
    assert results.count("held") == 1, results
    taken = db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.slot_id == slot_id))
    assert taken == 2
    assert queries.quota_use(slot_id)[0]["free"] == 2  # both reserved places still free
    assert_no_locks_left(app)


def test_quotas_set_at_once_never_exceed_capacity(app, db):
    c = f.centre()
    director = f.user("staff", centre_id=c.id, staff_role="director")
    s = f.slot(c, capacity=3)
    ids = [services.register_employer(director, c.id, name=f"单位{i}",
                                      credit_code=f.credit_code()).id for i in range(6)]
    slot_id, director_id = s.id, director.id
    db.session.remove()

    def put(i):
        with app.app_context():
            try:
                actor = db.session.get(User, director_id)
                current = [{"employer_id": q.employer_id, "places": q.places}
                           for q in db.session.scalars(select(EmployerQuota).where(
                               EmployerQuota.slot_id == slot_id))]
                services.set_quotas(actor, slot_id,
                                    current + [{"employer_id": ids[i], "places": 2}])
                return "set"
            except BookingError as err:
                return err.slug
            finally:
                db.session.remove()

    results = race(len(ids), put)
    total = db.session.scalar(select(func.coalesce(func.sum(EmployerQuota.places), 0)).where(
        EmployerQuota.slot_id == slot_id))
    assert total <= db.session.get(Slot, slot_id).capacity, results
    assert "set" in results
    assert_no_locks_left(app)
