"""A world for transfers between an operator's centres: centres A and B of one operator, a
运营负责人 directing both, a child in care at A, a slot at B with one place; and a second
operator (centre X, its own manager) for the scope."""
from datetime import date, datetime, timezone

import pytest

from booking.extensions import db as _db
from booking.operators import managers
from booking.reservations.models import Reservation
from tests import factories as f


def enrolled(slot, parent, kid) -> Reservation:
    r = Reservation(slot_id=slot.id, child_id=kid.id, parent_id=parent.id, status="enrolled",
                    enrolled_at=datetime(2026, 10, 20, 2, tzinfo=timezone.utc))
    _db.session.add(r)
    _db.session.commit()
    return r


@pytest.fixture
def world(app, db):
    d = f.district()
    a, b, x = f.centre(d, name="橡树长安园"), f.centre(d, name="橡树碑林园"), f.centre(d)
    admin = f.user("admin")
    op = f.operator(d, actor=admin, centres=[a, b])
    other = f.operator(d, actor=admin, centres=[x])
    slot_a = f.slot(a, capacity=5, starts_on=date(2026, 11, 1))
    slot_b = f.slot(b, capacity=1, starts_on=date(2027, 1, 4))
    slot_x = f.slot(x, capacity=3, starts_on=date(2027, 1, 4))
    director_a = f.user("staff", centre_id=a.id, staff_role="director")
    director_b = f.user("staff", centre_id=b.id, staff_role="director")
    manager = f.user("staff", centre_id=a.id, staff_role="carer", name="王运营")
    managers.appoint(admin, op.id, user_id=manager.id)
    other_manager = f.user("staff", centre_id=x.id, staff_role="carer")
    managers.appoint(admin, other.id, user_id=other_manager.id)
    parent, stranger = f.user(), f.user()
    kid = f.child(parent, name="小橡", birth_date=date(2025, 9, 1))
    r = enrolled(slot_a, parent, kid)
    parent2 = f.user()
    kid2 = f.child(parent2, name="小桦", birth_date=date(2025, 9, 1))
    r2 = enrolled(slot_a, parent2, kid2)
    _db.session.refresh(manager)
    return dict(d=d, a=a, b=b, x=x, op=op, other=other, slot_a=slot_a, slot_b=slot_b,
                slot_x=slot_x, director_a=director_a, director_b=director_b,
                manager=manager, other_manager=other_manager, parent=parent,
                stranger=stranger, kid=kid, r=r, parent2=parent2, kid2=kid2, r2=r2,
                admin=admin)
