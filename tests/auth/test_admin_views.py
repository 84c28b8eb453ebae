from booking.auth.models import User
from tests import factories as f


def login(client, user):
    return client.post("/login", data={"login": user.email, "password": f.PASSWORD})


def test_admin_creates_staff_account(client, db):
    c = f.centre()
    login(client, f.user("admin"))
    resp = client.post("/admin/users", data={"role": "staff", "name": "王老师",
                                              "email": "wang@centre.cn", "password": "Secret-123",
                                              "centre": str(c.id)})
    assert resp.status_code == 302
    staff = db.session.scalar(db.select(User).where(User.email == "wang@centre.cn"))
    assert staff.role == "staff" and staff.centre_id == c.id


def test_staff_without_centre_rerenders_with_message(client, db):
    login(client, f.user("admin"))
    resp = client.post("/admin/users", data={"role": "staff", "name": "x", "email": "x@y.cn",
                                              "password": "Secret-123", "centre": ""})
    assert resp.status_code == 422
    assert "工作人员必须属于一个托育机构" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "x@y.cn")) is None


def test_only_admins(client):
    assert client.get("/admin/users").status_code == 302  # to the login page
    login(client, f.user("regulator"))
    assert client.get("/admin/users").status_code == 403
