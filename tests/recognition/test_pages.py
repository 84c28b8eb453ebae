"""The pages: the director's page (criteria, apply, renew near expiry), the regulator's
decision page (grant, refuse with a reason, 404 outside the district), the public centre page
and the registry showing the grant in force."""
from datetime import date, datetime, timezone

from booking import clock
from booking.recognition import services
from booking.recognition.models import Recognition
from tests import factories as f
from tests.recognition.world import login, world  # noqa: F401


def _text(resp):
    return resp.get_data(as_text=True)


def test_director_applies_and_sees_the_criteria(client, db, world):
    f.slot(world["centre"], category="affordable", fee=170000, capacity=6)
    login(client, world["director"])
    page = _text(client.get("/staff/recognition"))
    assert "普惠托位收费不超过政府指导价" in page and "提交申请" in page
    resp = client.post("/staff/recognition", data={"kind": "star", "stars": "4"})
    assert resp.status_code == 302
    [rec] = db.session.query(Recognition).all()
    assert (rec.kind, rec.stars, rec.status) == ("star", 4, "applied")
    resp = client.post("/staff/recognition", data={"kind": "star", "stars": "5"})
    assert resp.status_code == 409 and db.session.query(Recognition).count() == 1


def test_the_renew_button_shows_only_near_expiry(client, db, world):
    rec = services.apply(world["centre"].id, world["director"], kind="affordable")
    services.grant(rec.id, world["regulator"], valid_until=date(2027, 3, 31))
    login(client, world["director"])
    section = _text(client.get("/staff/recognition")).split('id="kind-affordable"')[1].split("</section>")[0]
    assert "2027-03-31" in section and "申请续期" not in section
    clock.set(datetime(2027, 1, 5, 2, 0, tzinfo=timezone.utc))
    section = _text(client.get("/staff/recognition")).split('id="kind-affordable"')[1].split("</section>")[0]
    assert "申请续期" in section


def test_regulator_grants_and_the_public_pages_show_it(client, db, world):
    rec = services.apply(world["centre"].id, world["director"], kind="affordable")
    login(client, world["regulator"])
    assert "阳光托育" in _text(client.get("/regulator/recognitions"))
    assert client.get(f"/regulator/recognitions/{rec.id}").status_code == 200
    resp = client.post(f"/regulator/recognitions/{rec.id}/grant", data={})
    assert resp.status_code == 302
    centre_page = _text(client.get(f"/centres/{world['centre'].id}"))
    assert "有效期至 2029-11-22" in centre_page
    registry = _text(client.get("/registry"))
    assert "至 2029-11-22" in registry


def test_refusing_without_a_reason_rerenders_and_changes_nothing(client, db, world):
    rec = services.apply(world["centre"].id, world["director"], kind="affordable")
    login(client, world["regulator"])
    resp = client.post(f"/regulator/recognitions/{rec.id}/refuse", data={"reason": ""})
    assert resp.status_code == 422 and "请说明理由" in _text(resp)
    assert db.session.get(Recognition, rec.id).status == "applied"
    resp = client.post(f"/regulator/recognitions/{rec.id}/refuse", data={"reason": "收费超标"})
    assert resp.status_code == 302 and db.session.get(Recognition, rec.id).status == "refused"


def test_outside_the_district_is_404_and_other_roles_403(client, db, world):
    rec = services.apply(world["centre"].id, world["director"], kind="affordable")
    login(client, world["far_regulator"])
    assert client.get(f"/regulator/recognitions/{rec.id}").status_code == 404
    assert client.post(f"/regulator/recognitions/{rec.id}/grant", data={}).status_code == 404
    client.post("/logout")
    login(client, world["carer"])
    assert client.get("/staff/recognition").status_code == 403
    assert db.session.get(Recognition, rec.id).status == "applied"
