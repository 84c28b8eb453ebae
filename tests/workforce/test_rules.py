"""The roster refuses lapsed qualifications and background checks; the filing approval
refuses while a carer lacks a valid qualification (docs/workforce.md)."""
from datetime import date

import pytest
from sqlalchemy import func, select

from booking.errors import Conflict, QualificationLapsed
from booking.extensions import db
from booking.regulator import filing
from booking.rosters import services as rosters
from booking.rosters.models import Shift
from tests import factories as f
from tests.rosters.conftest import MONDAY, at

from .conftest import carer

TUESDAY = date(2026, 11, 24)


def test_roster_refuses_lapsed_certificate_naming_it(wf):
    c = wf["c1"]
    s = carer(c, name="王芳", certificate_expires_on=MONDAY)
    rosters.add_shift(c.id, staff_member_id=s.id, group_id=None,
                      starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 12))  # valid through Monday
    with pytest.raises(QualificationLapsed) as err:
        rosters.add_shift(c.id, staff_member_id=s.id, group_id=None,
                          starts_at=at(TUESDAY, 8), ends_at=at(TUESDAY, 12))
    assert "王芳" in err.value.message and "资格证书" in err.value.message
    assert "2026-11-23" in err.value.message
    assert rosters.ineligible_reason(s, TUESDAY) == "资格证书 2026-11-23 已过期"
    assert db.session.scalar(select(func.count(Shift.id))) == 1


def test_roster_refuses_lapsed_background_check_for_any_role(client, wf):
    c = wf["c1"]
    s = carer(c, name="马永红", role="security", certificate_no=None,
              background_check_expires_on=date(2026, 11, 1))
    h = f.bearer(client, wf["dir1"])
    resp = client.post(f"/api/v1/centres/{c.id}/shifts", headers=h, json={
        "staff_member_id": s.id, "group_id": None,
        "starts_at": "2026-11-23T08:00:00+08:00", "ends_at": "2026-11-23T12:00:00+08:00"})
    assert resp.status_code == 409
    assert resp.get_json()["type"].endswith("/qualification-lapsed")
    assert "背景审查" in resp.get_json()["detail"]
    assert rosters.ineligible_reason(s, MONDAY) == "背景审查 2026-11-01 已过期"
    assert db.session.scalar(select(func.count(Shift.id))) == 0


def test_cook_certificate_expiry_is_not_a_carer_qualification(wf):
    cook = carer(wf["c1"], role="cook", certificate_expires_on=date(2026, 1, 1))
    assert rosters.ineligible_reason(cook, MONDAY) is None


COMPLETE = dict(legal_entity_cert_no="52610000MJ0000001X", premises="长安路1号",
                fire_safety_ref="消验字12号", health_evaluation_ref="WSPJ-1", food_licence_ref=None,
                commitment_signed=True)


def test_filing_approval_refused_while_carers_lack_qualification(app):
    d = f.district()
    c = f.centre(d, approved=False)
    director = f.user("staff", centre_id=c.id)
    regulator = f.user("regulator", district_id=d.id)
    ok = carer(c)
    no_cert = carer(c, certificate_no=None)
    lapsed = carer(c, certificate_expires_on=date(2026, 11, 22))
    carer(c, role="cook", certificate_no=None)  # not a carer: not counted
    filing.save_draft(c.filing, director, **COMPLETE)
    filing.submit(c.filing.id, director)
    with pytest.raises(Conflict) as err:
        filing.decide(c.filing.id, regulator, "approve")
    assert err.value.extra == {"unqualified_carers": 2}
    assert "2 名" in err.value.message
    db.session.expire_all()
    assert c.filing.status == "submitted" and c.filing.filing_number is None
    rosters.update_staff(no_cert.id, certificate_no="BYS-5-0009")
    rosters.update_staff(lapsed.id, active=False)
    filing.decide(c.filing.id, regulator, "approve")
    assert c.filing.status == "approved" and ok.active
