"""One carer, one centre (挂靠 refused), the ID number masked and never in clear."""
import json

import pytest
from sqlalchemy import select

from booking.audit.models import AuditEvent
from booking.errors import ValidationFailed
from booking.extensions import db
from booking.rosters import services as rosters
from booking.rosters.models import StaffMember
from booking.workforce import identity
from tests import factories as f

from .conftest import ID, carer


def test_second_centre_refused_with_district_then_allowed_after_first_ends(client, wf):
    a, b = carer(wf["c1"], name="王芳"), carer(wf["c2"], name="王芳")
    identity.set_id_number(a.id, ID, actor=wf["dir1"])
    h2 = f.bearer(client, wf["dir2"])
    resp = client.put(f"/api/v1/staff/{b.id}/id-number", headers=h2, json={"id_number": ID})
    assert resp.status_code == 409, resp.get_json()
    body = resp.get_json()
    assert body["type"].endswith("/second-centre")
    assert "挂靠" in body["detail"] and "雁塔区" in body["detail"]
    assert "小树苗" not in json.dumps(body, ensure_ascii=False)  # not the other centre's data
    db.session.expire_all()
    assert db.session.get(StaffMember, b.id).id_number_hash is None  # nothing changed
    rosters.update_staff(a.id, active=False, actor=wf["dir1"])
    resp = client.put(f"/api/v1/staff/{b.id}/id-number", headers=h2, json={"id_number": ID})
    assert resp.status_code == 200 and resp.get_json()["id_number_masked"] == "6101**********1234"
    # The first centre cannot take the person back while the second has them.
    with pytest.raises(identity.SecondCentre):
        rosters.update_staff(a.id, active=True, actor=wf["dir1"])
    assert db.session.get(StaffMember, a.id).active is False


def test_masked_everywhere_and_encrypted_at_rest(client, wf):
    a = carer(wf["c1"])
    h = f.bearer(client, wf["dir1"])
    assert client.put(f"/api/v1/staff/{a.id}/id-number", headers=h,
                      json={"id_number": ID}).status_code == 200
    row = db.session.get(StaffMember, a.id)
    assert ID not in (row.id_number_encrypted or "") and ID not in row.id_number_hash
    listed = client.get(f"/api/v1/centres/{wf['c1'].id}/staff", headers=h).get_json()
    assert listed[0]["id_number_masked"] == "6101**********1234"
    assert ID not in json.dumps(listed)
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "staff.id_number_set")).all()
    assert len(events) == 1 and ID not in json.dumps(events[0].after, default=str)


def test_bad_number_refused_nothing_stored(wf):
    a = carer(wf["c1"])
    with pytest.raises(ValidationFailed):
        identity.set_id_number(a.id, "61011319900101123", actor=wf["dir1"])
    assert db.session.get(StaffMember, a.id).id_number_masked is None


def test_scope_other_centre_404_carer_403(client, wf):
    a = carer(wf["c1"])
    other = f.bearer(client, wf["dir2"])
    assert client.put(f"/api/v1/staff/{a.id}/id-number", headers=other,
                      json={"id_number": ID}).status_code == 404
    parent = f.bearer(client, f.user("parent"))
    assert client.put(f"/api/v1/staff/{a.id}/id-number", headers=parent,
                      json={"id_number": ID}).status_code == 403
    reg = f.bearer(client, wf["reg1"])
    assert client.put(f"/api/v1/staff/{a.id}/id-number", headers=reg,
                      json={"id_number": ID}).status_code == 403
    assert db.session.get(StaffMember, a.id).id_number_hash is None
