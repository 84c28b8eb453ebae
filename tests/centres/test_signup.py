"""A centre signs up on its own (/centres/register): the centre with a draft filing and its
director's account; it is not listed until the filing is approved."""
import pytest

from booking.audit.models import AuditEvent
from booking.auth.models import User
from booking.centres import services
from booking.centres.models import Centre
from booking.errors import Conflict, ValidationFailed
from tests import factories as f

FILING = dict(legal_entity_cert_no="52610000MJ0000001X", premises="长安路1号 600 平方米",
              fire_safety_ref="西雁消验字〔2026〕12号", health_evaluation_ref="WSPJ-2026-88",
              food_licence_ref="", commitment_signed="y")


def signup(district, **changes):
    return dict({"name": "阳光托育园", "kind": "private", "district_code": district.code,
                 "subdistrict": "测试街道", "address": "测试路 1 号",
                 "operator": "阳光教育有限公司", "contact_name": "周园长",
                 "email": "Zhou@Sun.cn", "password": "Secret-123"}, **changes)


def test_register_centre_makes_a_draft_centre_and_its_director(db):
    d = f.district()
    user = services.register_centre(**signup(d, name=" 阳光托育园 "))
    assert (user.role, user.staff_role, user.email) == ("staff", "director", "zhou@sun.cn")
    centre = db.session.get(Centre, user.centre_id)
    assert centre.name == "阳光托育园" and centre.district_id == d.id
    assert centre.filing.status == "draft" and centre.filing.filing_number is None
    event = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "centre.registered"))
    assert event.actor_id == user.id and event.centre_id == centre.id


@pytest.mark.parametrize("changes,field", [
    ({"district_code": "000000"}, "district"),
    ({"kind": "castle"}, "kind"),
    ({"password": "short"}, "password"),
])
def test_register_centre_refuses_bad_input(db, changes, field):
    d = f.district()
    with pytest.raises(ValidationFailed) as err:
        services.register_centre(**signup(d, **changes))
    assert field in err.value.errors
    assert db.session.scalar(db.select(db.func.count(Centre.id))) == 0


def test_register_centre_refuses_a_taken_email_in_any_case(db):
    d = f.district()
    f.user(email="zhou@sun.cn")
    with pytest.raises(Conflict) as err:
        services.register_centre(**signup(d, email="ZHOU@sun.CN"))
    assert "email" in err.value.errors
    assert db.session.scalar(db.select(db.func.count(Centre.id))) == 0
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_centre_signs_up_then_files(client, db):
    d = f.district()
    data = {"name": "阳光托育园", "kind": "private", "district": d.code, "subdistrict": "测试街道",
            "address": "测试路 1 号", "operator": "阳光教育有限公司", "contact_name": "周园长",
            "email": "zhou@sun.cn", "password": "Secret-123"}
    assert client.get("/centres/register").status_code == 200
    bad = client.post("/centres/register", data=dict(data, district=""))
    assert bad.status_code == 422
    resp = client.post("/centres/register", data=data)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/filing")
    c = db.session.scalar(db.select(Centre).where(Centre.name == "阳光托育园"))
    assert c.filing.status == "draft"
    assert client.get(f"/centres/{c.id}").status_code == 404  # not listed before approval
    page = client.post("/staff/filing", data=dict(FILING, submit_filing="1"))
    # no staff records yet: refused with the reason, still a draft
    assert page.status_code == 422 and "工作人员" in page.get_data(as_text=True)
    assert c.filing.status == "draft"

