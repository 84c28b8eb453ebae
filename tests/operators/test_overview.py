"""The 运营负责人's overview (docs/operators.md): its operator's centres side by side."""
import pytest

from booking.operators import managers
from tests import factories as f


@pytest.fixture
def world(app, db):
    d = f.district()
    a, b, x = f.centre(d, name="甲园"), f.centre(d, name="乙园"), f.centre(d, name="丙园")
    op = f.operator(d, centres=[a, b])
    f.slot(a, capacity=7)
    boss = managers.appoint(f.user("admin"), op.id, name="王经理", email="ops@example.com",
                            password=f.PASSWORD).user
    return dict(a=a, b=b, x=x, op=op, boss=boss, director=f.user("staff", centre_id=a.id))


def login(client, u):
    assert client.post("/login", data={"login": u.email, "password": f.PASSWORD}).status_code == 302


def test_the_manager_sees_its_centres(world, client):
    _op, rows = managers.overview(world["boss"])
    assert [r["centre"].name for r in rows] == ["乙园", "甲园"]
    assert {r["centre"].name: r["places"] for r in rows}["甲园"] == 7
    login(client, world["boss"])
    page = client.get("/operator").get_data(as_text=True)
    assert "甲园" in page and "乙园" in page and "丙园" not in page
    csv = client.get("/operator.csv")
    assert csv.status_code == 200 and "甲园" in csv.get_data(as_text=True)
    xlsx = client.get("/operator.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    r = client.get("/api/v1/operator/overview", headers=f.bearer(client, world["boss"]))
    assert len(r.get_json()["centres"]) == 2


def test_a_director_who_manages_nothing_gets_404(world, client):
    login(client, world["director"])
    assert client.get("/operator").status_code == 404
    assert client.get("/operator.csv").status_code == 404
    carer = f.user("staff", centre_id=world["a"].id, staff_role="carer")
    client.post("/logout")
    login(client, carer)
    assert client.get("/operator").status_code == 403
