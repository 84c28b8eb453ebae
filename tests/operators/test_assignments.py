"""Staff assignments across an operator's centres (docs/operators.md, Staff across centres)."""
import pytest
from sqlalchemy import select

from booking.audit.models import AuditEvent
from booking.auth import staff_accounts
from booking.errors import Conflict, Forbidden, NotFound, ValidationFailed
from booking.extensions import db
from booking.operators import assignments
from booking.operators.models import StaffAssignment
from tests import factories as f


@pytest.fixture
def world(app, db):
    d = f.district()
    a, b, c, x = f.centre(d), f.centre(d), f.centre(d), f.centre(d)
    op = f.operator(d, centres=[a, b, c])
    other = f.operator(d, centres=[x])
    dir_a = f.user("staff", centre_id=a.id)
    carer = f.user("staff", centre_id=a.id, staff_role="carer")
    dir_x = f.user("staff", centre_id=x.id)
    return dict(d=d, a=a, b=b, c=c, x=x, op=op, other=other, dir_a=dir_a, carer=carer,
                dir_x=dir_x)


def _active(user):
    return [(r.centre_id, r.staff_role) for r in assignments.active_of(user.id)]


def test_every_new_staff_account_has_its_first_assignment(world):
    assert _active(world["carer"]) == [(world["a"].id, "carer")]
    user, _link = staff_accounts.invite(world["dir_a"], world["a"].id, name="新人",
                                        email="new@example.com", staff_role="health")
    assert _active(user) == [(world["a"].id, "health")]


def test_a_director_of_both_centres_adds_an_account(world):
    # The director of A is made director at B by someone directing B: an admin here.
    admin = f.user("admin")
    assignments.assign(admin, world["dir_a"].id, world["b"].id, "director")
    row = assignments.assign(world["dir_a"], world["carer"].id, world["b"].id, "carer")
    assert row.centre_id == world["b"].id
    assert (world["b"].id, "carer") in _active(world["carer"])
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.assigned",
                                                    AuditEvent.entity_id == row.id))
    assert ev.centre_id == world["b"].id


def test_refusals(world):
    with pytest.raises(Forbidden):  # does not direct B
        assignments.assign(world["dir_a"], world["carer"].id, world["b"].id, "carer")
    with pytest.raises(Conflict) as err:  # another operator's centre
        assignments.assign(world["dir_a"], world["carer"].id, world["x"].id, "carer")
    assert "同一举办者" in err.value.message
    with pytest.raises(ValidationFailed):
        assignments.assign(world["dir_a"], world["carer"].id, world["b"].id, "cook")
    with pytest.raises(Conflict):  # already there
        assignments.assign(world["dir_a"], world["carer"].id, world["a"].id, "carer")
    with pytest.raises(NotFound):  # another centre's account
        assignments.assign(world["dir_a"], world["dir_x"].id, world["b"].id, "carer")
    with pytest.raises(Forbidden):  # a carer manages no accounts
        assignments.assign(world["carer"], world["carer"].id, world["b"].id, "carer")


def test_a_centre_without_an_operator_is_refused(world):
    lone = f.centre(world["d"])
    with pytest.raises(Conflict):
        assignments.assign(f.user("admin"), world["carer"].id, lone.id, "carer")


def test_ending_an_assignment(world):
    admin = f.user("admin")
    at_b = assignments.assign(admin, world["carer"].id, world["b"].id, "health")
    assignments.switch(world["carer"], world["b"].id)
    assert (world["carer"].centre_id, world["carer"].staff_role) == (world["b"].id, "health")
    assignments.end(admin, at_b.id)
    assert world["carer"].centre_id == world["a"].id
    assert world["carer"].staff_role == "carer"
    assert _active(world["carer"]) == [(world["a"].id, "carer")]
    last = assignments.active_at(world["carer"].id, world["a"].id)
    with pytest.raises(Conflict):
        assignments.end(admin, last.id)
    with pytest.raises(NotFound):  # another operator's director
        assignments.end(world["dir_x"], last.id)


def test_one_active_row_per_account_and_centre_in_the_database(world):
    db.session.add(StaffAssignment(user_id=world["carer"].id, centre_id=world["a"].id,
                                   staff_role="carer"))
    with pytest.raises(Exception):
        db.session.flush()
    db.session.rollback()


def test_changing_a_role_changes_the_assignment(world):
    staff_accounts.change_role(world["dir_a"], world["a"].id, world["carer"].id, "health")
    assert _active(world["carer"]) == [(world["a"].id, "health")]


def test_api(world, client):
    admin = f.user("admin")
    h = f.bearer(client, admin)
    r = client.post(f"/api/v1/staff/{world['carer'].id}/assignments", headers=h,
                    json={"centre_id": world["x"].id, "staff_role": "carer"})
    assert r.status_code == 409 and r.is_json
    r = client.post(f"/api/v1/staff/{world['carer'].id}/assignments", headers=h,
                    json={"centre_id": world["b"].id, "staff_role": "cook"})
    assert r.status_code == 422
    r = client.post(f"/api/v1/staff/{world['carer'].id}/assignments", headers=h,
                    json={"centre_id": world["b"].id, "staff_role": "carer"})
    assert r.status_code == 201, r.get_json()
    r = client.post(f"/api/v1/staff-assignments/{r.get_json()['id']}/end", headers=h)
    assert r.status_code == 200 and r.get_json()["ended_at"]
