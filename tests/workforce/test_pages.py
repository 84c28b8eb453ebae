"""The director's register pages and the regulator's coverage page."""
from datetime import date

from booking.extensions import db
from booking.rosters.models import StaffMember
from booking.workforce import identity
from booking.workforce.models import TrainingRecord
from tests import factories as f

from .conftest import ID, carer


def login(client, user):
    client.get("/logout")
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def test_director_register_shows_masked_number_and_records_training(client, wf):
    a = carer(wf["c1"], name="王芳", background_check_expires_on=date(2026, 1, 1))
    login(client, wf["dir1"])
    resp = client.post(f"/staff/workforce/{a.id}/id-number", data={"id-id_number": ID})
    assert resp.status_code == 302
    page = client.get("/staff/workforce").get_data(as_text=True)
    assert "6101**********1234" in page and ID not in page and "王芳" in page
    assert "已过期" in page  # the lapsed background check
    resp = client.post(f"/staff/workforce/{a.id}/training",
                       data={"t-on_date": "2026-11-20", "t-hours": "2.5", "t-topic": "急救"})
    assert resp.status_code == 302
    assert db.session.query(TrainingRecord).count() == 1
    bad = client.post(f"/staff/workforce/{a.id}/training",
                      data={"t-on_date": "2026-11-20", "t-hours": "0", "t-topic": "急救"})
    assert bad.status_code == 422 and db.session.query(TrainingRecord).count() == 1


def test_second_centre_page_says_why_and_does_not_echo(client, wf):
    a, b = carer(wf["c1"]), carer(wf["c2"])
    identity.set_id_number(a.id, ID)
    login(client, wf["dir2"])
    resp = client.post(f"/staff/workforce/{b.id}/id-number", data={"id-id_number": ID})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "挂靠" in body and "雁塔区" in body and ID not in body
    assert db.session.get(StaffMember, b.id).id_number_hash is None


def test_other_centre_staff_404_and_roles(client, wf):
    a = carer(wf["c1"])
    login(client, wf["dir2"])
    assert client.get(f"/staff/workforce/{a.id}").status_code == 404
    assert client.get("/regulator/workforce").status_code == 403
    login(client, wf["reg1"])
    assert client.get("/staff/workforce").status_code == 403
    page = client.get("/regulator/workforce?group=district")
    assert page.status_code == 200 and "雁塔区" in page.get_data(as_text=True)
    assert "碑林区" not in page.get_data(as_text=True)


def test_regulator_filing_page_refuses_approval_with_the_count(client):
    from booking.regulator import filing
    from tests.workforce.test_rules import COMPLETE
    d = f.district()
    c = f.centre(d, approved=False)
    director = f.user("staff", centre_id=c.id)
    regulator = f.user("regulator", district_id=d.id)
    carer(c, certificate_no=None)
    filing.save_draft(c.filing, director, **COMPLETE)
    filing.submit(c.filing.id, director)
    login(client, regulator)
    resp = client.post(f"/regulator/filings/{c.filing.id}", data={"action": "approve"})
    assert resp.status_code in (409, 422)
    assert "有 1 名在职保育人员没有有效的资格证书" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert c.filing.status == "submitted"
