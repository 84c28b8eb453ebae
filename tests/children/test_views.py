"""/family: a parent's children and adding one."""
from datetime import date

import pytest
from sqlalchemy import func, select

from booking.children.models import Child
from tests import factories as f


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)


def child_count(db):
    return db.session.scalar(select(func.count(Child.id)))


def test_lists_children_with_age_in_months(client, db):
    p = f.user()
    f.child(p, name="王小宝", birth_date=date(2025, 9, 1))
    login(client, p)
    html = client.get("/family").get_data(as_text=True)
    assert "王小宝" in html and "2025-09-01" in html
    assert "14 个月" in html  # on 2026-11-23
    assert 'type="date"' in html and 'name="birth_date"' in html


def test_adds_a_child(client, db):
    p = f.user()
    login(client, p)
    resp = client.post("/family", data={"name": " 李安 ", "birth_date": "2025-05-20"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/family")
    html = client.get("/family").get_data(as_text=True)
    assert "已添加孩子：李安" in html and "李安" in html and "18 个月" in html


@pytest.mark.parametrize("data, message", [
    ({"name": "", "birth_date": "2025-05-20"}, "请填写孩子的姓名"),
    ({"name": "小明", "birth_date": ""}, "请填写出生日期"),
    ({"name": "小明", "birth_date": "20/05/2025"}, "请按 年-月-日 填写出生日期"),
    ({"name": "小明", "birth_date": "2027-01-01"}, "出生日期不能晚于今天"),
    ({"name": "小明", "birth_date": "2020-01-01"}, "平台服务 3 岁以下婴幼儿"),
])
def test_bad_input_is_shown_and_nothing_is_written(client, db, data, message):
    p = f.user()
    login(client, p)
    resp = client.post("/family", data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert message in html
    assert 'aria-invalid="true"' in html
    assert child_count(db) == 0
    if data["name"]:
        assert f'value="{data["name"]}"' in html  # what was typed is kept


def test_twins_share_a_birth_key(client, db):
    p = f.user()
    first = f.child(p, name="大宝", birth_date=date(2025, 6, 1))
    login(client, p)
    assert f'<option value="{first.id}">大宝</option>' in client.get("/family").get_data(as_text=True)
    resp = client.post("/family", data={"name": "二宝", "birth_date": "2025-06-01",
                                        "twin_of": str(first.id)})
    assert resp.status_code == 302
    kids = db.session.scalars(select(Child).order_by(Child.id)).all()
    assert kids[0].multiple_birth_key and kids[0].multiple_birth_key == kids[1].multiple_birth_key


def test_twin_with_another_birth_date_is_refused(client, db):
    p = f.user()
    first = f.child(p, birth_date=date(2025, 6, 1))
    login(client, p)
    resp = client.post("/family", data={"name": "二宝", "birth_date": "2025-06-02",
                                        "twin_of": str(first.id)})
    assert resp.status_code == 422
    assert "双（多）胞胎的出生日期应相同" in resp.get_data(as_text=True)
    assert child_count(db) == 1


def test_twin_of_another_familys_child_is_refused(client, db):
    stranger = f.child(f.user(), birth_date=date(2025, 6, 1))
    p = f.user()
    f.child(p, birth_date=date(2025, 6, 1))
    login(client, p)
    resp = client.post("/family", data={"name": "二宝", "birth_date": "2025-06-01",
                                        "twin_of": str(stranger.id)})
    assert resp.status_code == 422
    assert "找不到这个孩子" in resp.get_data(as_text=True)
    assert child_count(db) == 2


def test_only_parents(client, db):
    assert client.get("/family").status_code == 302  # to the login page
    c = f.centre()
    login(client, f.user("staff", centre_id=c.id))
    assert client.get("/family").status_code == 403
    assert client.post("/family", data={"name": "x", "birth_date": "2025-01-01"}).status_code == 403
    assert child_count(db) == 0
