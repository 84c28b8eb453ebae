"""The director's employer pages and the regulator's centre page: render, refuse, scope."""
import pytest

from booking.employers import services
from tests import factories as f


def _login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302


@pytest.fixture
def world(app, db, client):
    d = f.district()
    c = f.centre(d)
    director = f.user("staff", centre_id=c.id, staff_role="director")
    s = f.slot(c, capacity=2)
    e = services.register_employer(director, c.id, name="甲公司", credit_code=f.credit_code())
    return {"d": d, "c": c, "director": director, "slot": s, "e": e}


def test_employers_page_registers_and_rerenders(client, world):
    _login(client, world["director"])
    assert client.get("/staff/employers").status_code == 200
    bad = client.post("/staff/employers", data={"name": "乙", "credit_code": "123"})
    assert bad.status_code == 422
    ok = client.post("/staff/employers", data={"name": "乙", "credit_code": f.credit_code()})
    assert ok.status_code == 302
    page = client.get("/staff/employers").get_data(as_text=True)
    assert "甲公司" in page and "乙" in page


def test_quota_page_sets_and_refuses_over_capacity(client, world):
    s, e = world["slot"], world["e"]
    _login(client, world["director"])
    url = f"/staff/slots/{s.id}/quotas"
    assert client.get(url).status_code == 200
    over = client.post(url, data={"employer_id": e.id, "places": 3})
    assert over.status_code == 422 and "2" in over.get_data(as_text=True)
    assert client.post(url, data={"employer_id": e.id, "places": "x"}).status_code == 422
    assert client.post(url, data={"employer_id": e.id, "places": 2,
                                  "reserved_until": "2027-01-31"}).status_code == 302
    assert "2027-01-31" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"employer_id": e.id, "places": 0}).status_code == 302
    other = f.slot(f.centre(), capacity=2)
    assert client.get(f"/staff/slots/{other.id}/quotas").status_code == 404


def test_regulator_centre_page_shows_the_counts(client, world):
    services.set_quotas(world["director"], world["slot"].id,
                        [{"employer_id": world["e"].id, "places": 1}])
    _login(client, f.user("regulator", district_id=world["d"].id))
    page = client.get(f"/regulator/filings/{world['c'].filing.id}")
    assert page.status_code == 200 and "甲公司" in page.get_data(as_text=True)


def test_a_family_names_its_employer_on_the_waitlist_form(client, world):
    s, e = world["slot"], world["e"]
    services.set_quotas(world["director"], s.id, [{"employer_id": e.id, "places": 2}])
    p = f.user()
    kid = f.child(p)
    _login(client, p)
    page = client.get(f"/slots/{s.id}/waitlist")
    assert page.status_code == 200 and "甲公司" in page.get_data(as_text=True)
    missing = client.post(f"/slots/{s.id}/waitlist", data={
        "child_id": kid.id, "tier": "employer_staff", "evidence": "工作证"})
    assert missing.status_code == 422
    ok = client.post(f"/slots/{s.id}/waitlist", data={
        "child_id": kid.id, "tier": "employer_staff", "evidence": "工作证",
        "employer_id": e.id})
    assert ok.status_code == 302
