"""The transfer pages: the family asks and withdraws, the 运营负责人 approves or refuses
(422 re-render without a reason), the directors of both centres read."""
from booking.extensions import db
from booking.operators import transfers
from booking.operators.transfer_models import OperatorTransfer
from tests import factories as f


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302


def test_the_family_asks_and_withdraws(client, world):
    w = world
    login(client, w["parent"])
    page = client.get("/transfers/new")
    assert page.status_code == 200 and "橡树碑林园" in page.get_data(as_text=True)
    resp = client.post("/transfers/new", data={"child_id": w["kid"].id,
                                               "slot_id": w["slot_b"].id,
                                               "starts_on": "2026-12-01"})
    assert resp.status_code == 422  # before the slot's start
    resp = client.post("/transfers/new", data={"child_id": w["kid"].id,
                                               "slot_id": w["slot_b"].id})
    assert resp.status_code == 302
    t = db.session.scalars(db.select(OperatorTransfer)).one()
    html = client.get("/transfers").get_data(as_text=True)
    assert "待审批" in html and "小橡" in html
    assert client.post(f"/transfers/{t.id}/withdraw").status_code == 302
    db.session.refresh(t)
    assert t.status == "withdrawn"


def test_the_manager_approves_and_refuses(client, world):
    w = world
    t1 = transfers.request(w["parent"], w["kid"].id, w["slot_b"].id)
    t2 = transfers.request(w["parent2"], w["kid2"].id, w["slot_b"].id)
    login(client, w["manager"])
    assert "各机构之间的转园申请" in client.get("/operator").get_data(as_text=True)
    html = client.get("/staff/transfers").get_data(as_text=True)
    assert "批准" in html and "小桦" in html
    assert client.post(f"/staff/transfers/{t2.id}/refuse", data={"reason": ""}).status_code == 422
    assert client.post(f"/staff/transfers/{t1.id}/approve").status_code == 302
    assert client.post(f"/staff/transfers/{t2.id}/refuse",
                       data={"reason": "名额已满"}).status_code == 302
    db.session.refresh(t1)
    db.session.refresh(t2)
    assert (t1.status, t2.status) == ("approved", "refused")


def test_directors_read_only_and_others_404(client, world):
    w = world
    t = transfers.request(w["parent"], w["kid"].id, w["slot_b"].id)
    login(client, w["director_b"])
    html = client.get("/staff/transfers").get_data(as_text=True)
    assert "小橡" in html and f"/staff/transfers/{t.id}/approve" not in html
    assert client.post(f"/staff/transfers/{t.id}/approve").status_code == 404
    assert client.post(f"/staff/transfers/{t.id}/refuse", data={"reason": "x"}).status_code == 404
    client.post("/logout")
    login(client, w["other_manager"])
    assert "小橡" not in client.get("/staff/transfers").get_data(as_text=True)
    assert client.post(f"/staff/transfers/{t.id}/approve").status_code == 404
