"""The regulator's operator pages: forms re-render with their errors (422), the decision
across the operator's centres, who may change an operator."""
from datetime import date

import pytest
from sqlalchemy import select

from booking.errors import Forbidden
from booking.extensions import db
from booking.operators import services
from booking.operators.models import Operator
from tests import factories as f

from .test_operators import login


@pytest.fixture
def world(app, db):
    a, b = f.district(), f.district()
    return {"a": a, "b": b, "c1": f.centre(a), "c3": f.centre(b),
            "reg_a": f.user("regulator", district_id=a.id),
            "reg_b": f.user("regulator", district_id=b.id)}


def test_register_through_the_form(world, client):
    login(client, world["reg_a"])
    form = {"name": "某集团", "credit_code": "91350100M000100Y44", "legal_representative": "赵六",
            "district": world["a"].code}
    resp = client.post("/regulator/operators/new", data=form)
    assert resp.status_code == 422 and "GB 32100-2015" in resp.get_data(as_text=True)
    resp = client.post("/regulator/operators/new", data={**form, "credit_code": "91350100M000100Y43"})
    assert resp.status_code == 302
    op = db.session.scalar(select(Operator))
    resp = client.post(f"/regulator/operators/{op.id}/centres",
                       data={"centre_id": world["c1"].id, "from_date": "2027-01-01"})
    assert resp.status_code == 422
    resp = client.post(f"/regulator/operators/{op.id}/centres",
                       data={"centre_id": world["c1"].id, "from_date": "2026-11-01"})
    assert resp.status_code == 302
    page = client.get(f"/regulator/operators/{op.id}").get_data(as_text=True)
    assert world["c1"].name in page and "2026-11-01" in page


def test_decide_all_through_the_form(world, client):
    op = f.operator(world["a"], centres=[world["c1"]])
    login(client, world["reg_a"])
    url = f"/regulator/operators/{op.id}/decide-all"
    assert client.post(url, data={"action": "suspend", "reasons": ""}).status_code == 422
    resp = client.post(url, data={"action": "suspend", "reasons": "整改",
                                  "effective_on": "2026-11-23"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert world["c1"].filing.status == "suspended"


def test_only_the_registration_district_changes_an_operator(world, client):
    op = f.operator(world["a"], centres=[world["c3"]], from_date=date(2026, 11, 1))
    with pytest.raises(Forbidden):
        services.update_operator(world["reg_b"], op.id, name="改名")
    login(client, world["reg_b"])
    assert client.get(f"/regulator/operators/{op.id}").status_code == 200
    assert client.get(f"/regulator/operators/{op.id}/edit").status_code == 403
