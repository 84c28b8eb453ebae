"""运营负责人 (docs/operators.md, Staff across centres): appointed by the regulators of the
operator's district and admins; directs every centre its operator runs now."""
from datetime import date

import pytest

from booking.errors import Conflict, Forbidden, NotFound, ValidationFailed
from booking.extensions import db
from booking.operators import assignments, managers, services
from tests import factories as f


@pytest.fixture
def world(app, db):
    d, e = f.district(), f.district()
    a, b, c, x = f.centre(d), f.centre(d), f.centre(d), f.centre(e)
    op = f.operator(d, centres=[a, b])
    carer = f.user("staff", centre_id=a.id, staff_role="carer")
    return dict(d=d, e=e, a=a, b=b, c=c, x=x, op=op, carer=carer,
                reg_d=f.user("regulator", district_id=d.id),
                reg_e=f.user("regulator", district_id=e.id),
                stranger=f.user("staff", centre_id=x.id))


def _centres(user):
    return sorted((a.centre_id, a.staff_role) for a in assignments.active_of(user.id))


def test_appointing_an_existing_account_makes_it_director_of_every_centre(world):
    m = managers.appoint(world["reg_d"], world["op"].id, user_id=world["carer"].id)
    assert _centres(world["carer"]) == [(world["a"].id, "director"), (world["b"].id, "director")]
    assert world["carer"].staff_role == "director"
    assert m.operator_id == world["op"].id
    with pytest.raises(Conflict):
        managers.appoint(world["reg_d"], world["op"].id, user_id=world["carer"].id)


def test_a_new_account(world):
    m = managers.appoint(world["reg_d"], world["op"].id, name="王经理",
                         email="ops@example.com", password=f.PASSWORD)
    assert m.user.role == "staff" and len(_centres(m.user)) == 2
    with pytest.raises(ValidationFailed):
        managers.appoint(world["reg_d"], world["op"].id, name="", email="x")


def test_refusals(world):
    with pytest.raises(NotFound):  # not staff of the operator's centres
        managers.appoint(world["reg_d"], world["op"].id, user_id=world["stranger"].id)
    with pytest.raises(NotFound):  # another district's regulator does not see it
        managers.appoint(world["reg_e"], world["op"].id, user_id=world["carer"].id)
    with pytest.raises(NotFound):  # a director
        managers.appoint(world["carer"], world["op"].id, user_id=world["carer"].id)


def test_a_regulator_who_sees_it_through_a_centre_cannot_appoint(world):
    services.link_centre(f.user("admin"), world["op"].id, world["x"].id, date(2026, 11, 2))
    with pytest.raises(Forbidden):
        managers.appoint(world["reg_e"], world["op"].id, user_id=world["carer"].id)


def test_links_and_unlinks_follow(world):
    managers.appoint(world["reg_d"], world["op"].id, user_id=world["carer"].id)
    services.link_centre(world["reg_d"], world["op"].id, world["c"].id)
    assert (world["c"].id, "director") in _centres(world["carer"])
    assignments.switch(world["carer"], world["c"].id)
    services.unlink_centre(world["reg_d"], world["op"].id, world["c"].id)
    assert world["c"].id not in [c for c, _r in _centres(world["carer"])]
    db.session.refresh(world["carer"])
    assert world["carer"].centre_id != world["c"].id


def test_the_manager_adds_staff_anywhere_in_its_operator(world):
    boss = managers.appoint(world["reg_d"], world["op"].id, name="王经理",
                            email="ops@example.com", password=f.PASSWORD).user
    row = assignments.assign(boss, world["carer"].id, world["b"].id, "carer")
    assert row.centre_id == world["b"].id


def test_regulator_page_and_api(world, client):
    client.post("/login", data={"login": world["reg_d"].email, "password": f.PASSWORD})
    page = client.get(f"/regulator/operators/{world['op'].id}").get_data(as_text=True)
    assert "运营负责人" in page
    r = client.post(f"/regulator/operators/{world['op'].id}/managers",
                    data={"user_id": world["carer"].id})
    assert r.status_code == 302
    h = f.bearer(client, world["reg_d"])
    r = client.post(f"/api/v1/operators/{world['op'].id}/managers", headers=h,
                    json={"user_id": world["carer"].id})
    assert r.status_code == 409
    r = client.post(f"/api/v1/operators/{world['op'].id}/managers", headers=h,
                    json={"name": "李", "email": "li@example.com", "password": f.PASSWORD})
    assert r.status_code == 201 and len(r.get_json()["centres"]) == 2
