"""One person on the registers of several centres of one operator; across operators (or a
centre run by none) still 挂靠 (docs/workforce.md); what a change of operator does."""
from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from booking.audit.models import AuditEvent
from booking.errors import Conflict
from booking.extensions import db
from booking.operators import services as operators
from booking.rosters import persons
from booking.rosters import services as rosters
from booking.rosters.models import StaffMember, StaffPerson
from booking.workforce import identity

from .conftest import ID, carer


def test_two_centres_of_one_operator_may_hold_the_person(net):
    s1, s2 = carer(net["a"]), carer(net["b"])
    identity.set_id_number(s1.id, ID)
    identity.set_id_number(s2.id, ID)
    db.session.expire_all()
    person = db.session.get(StaffPerson, s1.id_number_hash)
    assert person.scope == f"o{net['op'].id}"
    assert s1.person_key == s2.person_key == person.scope_key
    assert db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "staff.id_number_set")).all() == ["staff.id_number_set"] * 2


@pytest.mark.parametrize("where", ["x", "y"])
def test_another_operator_or_no_operator_is_still_refused(net, where):
    identity.set_id_number(carer(net["a"]).id, ID)
    other = carer(net[where])
    with pytest.raises(identity.SecondCentre) as err:
        identity.set_id_number(other.id, ID)
    assert "雁塔区" in err.value.message and "挂靠" in err.value.message
    db.session.expire_all()
    assert other.id_number_hash is None and other.person_key is None


def test_a_centre_with_no_operator_holds_its_own_scope(net):
    s1, s2 = carer(net["y"]), carer(net["a"])
    identity.set_id_number(s1.id, ID)
    assert db.session.get(StaffPerson, s1.id_number_hash).scope == f"c{net['y'].id}"
    with pytest.raises(identity.SecondCentre):
        identity.set_id_number(s2.id, ID)


def test_twice_on_one_centre_register_is_refused(net):
    identity.set_id_number(carer(net["a"]).id, ID)
    with pytest.raises(Conflict) as err:
        identity.set_id_number(carer(net["a"]).id, ID)
    assert "本机构" in err.value.message


def test_leaving_frees_the_person_for_another_operator(net):
    s1, s2 = carer(net["a"]), carer(net["x"])
    identity.set_id_number(s1.id, ID)
    rosters.update_staff(s1.id, active=False)
    assert db.session.get(StaffMember, s1.id).person_key is None
    identity.set_id_number(s2.id, ID)  # the person moves to the other operator
    person = db.session.get(StaffPerson, s2.id_number_hash)
    assert person.scope == f"o{net['other'].id}" and s2.person_key == person.scope_key
    with pytest.raises(identity.SecondCentre):  # and cannot come back while there
        rosters.update_staff(s1.id, active=True)
    rosters.update_staff(s2.id, active=False)
    rosters.update_staff(s1.id, active=True)
    assert db.session.get(StaffPerson, s1.id_number_hash).scope == f"o{net['op'].id}"


def test_reactivating_within_the_operator_is_allowed(net):
    s1, s2 = carer(net["a"]), carer(net["b"])
    identity.set_id_number(s1.id, ID)
    identity.set_id_number(s2.id, ID)
    rosters.update_staff(s2.id, active=False)
    rosters.update_staff(s2.id, active=True)
    assert db.session.get(StaffMember, s2.id).person_key == s1.person_key


def test_the_database_refuses_a_row_in_a_second_scope(net):
    """Without the service: the key names the person's one row, whose scope cannot change
    while an active row names it."""
    s1, s2 = carer(net["a"]), carer(net["x"])
    identity.set_id_number(s1.id, ID)
    digest = s1.id_number_hash
    with pytest.raises(IntegrityError):
        db.session.execute(update(StaffMember).where(StaffMember.id == s2.id).values(
            id_number_hash=digest, person_key=f"{digest}:o{net['other'].id}"))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(update(StaffPerson).where(StaffPerson.id_number_hash == digest)
                           .values(scope="o999", scope_key=f"{digest}:o999"))
        db.session.flush()
    db.session.rollback()


def test_relinking_a_centre_moves_its_unshared_staff(net):
    s = carer(net["a"])
    identity.set_id_number(s.id, ID)
    operators.link_centre(net["admin"], net["other"].id, net["a"].id, date(2026, 11, 20))
    db.session.expire_all()
    person = db.session.get(StaffPerson, s.id_number_hash)
    assert person.scope == f"o{net['other'].id}" and s.person_key == person.scope_key
    operators.unlink_centre(net["admin"], net["other"].id, net["a"].id)
    db.session.expire_all()
    assert db.session.get(StaffPerson, s.id_number_hash).scope == f"c{net['a'].id}"


def test_relinking_or_unlinking_a_centre_with_shared_staff_is_refused(net, client):
    s1, s2 = carer(net["a"]), carer(net["b"])
    identity.set_id_number(s1.id, ID)
    identity.set_id_number(s2.id, ID)
    with pytest.raises(persons.SharedStaff) as err:
        operators.link_centre(net["admin"], net["other"].id, net["a"].id, date(2026, 11, 20))
    assert err.value.status == 409 and err.value.extra["shared_staff"] == 1
    with pytest.raises(persons.SharedStaff):
        operators.unlink_centre(net["admin"], net["op"].id, net["b"].id)
    # nothing changed: still linked, still one scope
    db.session.expire_all()
    from booking.operators.queries import current_operator
    assert current_operator(net["a"].id).id == net["op"].id
    from tests import factories as f
    r = client.post(f"/api/v1/operators/{net['op'].id}/centres/{net['b'].id}/unlink",
                    headers=f.bearer(client, net["admin"]), json={})
    assert r.status_code == 409 and r.get_json()["type"].endswith("shared-staff")
    # the shared entry ends at one centre: then the centre may change operator
    rosters.update_staff(s2.id, active=False)
    operators.unlink_centre(net["admin"], net["op"].id, net["b"].id)
