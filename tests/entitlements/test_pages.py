"""我的补贴: the page by month in yuan with the rule, choosing the city, recording an
application and the office's answers; reachable from the menu and the family page; nobody
but the guardians sees it."""
from datetime import date

from sqlalchemy import func, select

from booking.entitlements.models import AllowanceApplication
from booking.extensions import db
from tests.entitlements.world import child, login, text, world  # noqa: F401


def test_the_family_reaches_the_page_and_reads_the_months(client, world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔", name="小禾")
    login(client, world["parent"])
    assert 'href="/subsidies"' in text(client.get("/home"))  # home and menu
    assert 'href="/subsidies"' in text(client.get("/me"))
    family = text(client.get("/family"))
    assert f"/children/{kid.id}/subsidies" in family
    index = text(client.get("/subsidies"))
    assert "我的补贴" in index and f"/children/{kid.id}/subsidies" in index
    page = client.get(f"/children/{kid.id}/subsidies")
    body = text(page)
    assert page.status_code == 200
    assert "2027-03" in body and "¥135.48" in body and "按天折算 14/31 天" in body
    assert "¥300" in body and "¥7,935.48" in body  # a whole month; the total
    assert "没有生效的补贴政策" in body and "2027-04" not in body
    assert '<span translate="no">小禾</span>' in body


def test_without_a_city_the_page_asks_for_one_and_computes_nothing(client, world):
    kid = child(world["parent"], date(2024, 3, 15))
    login(client, world["parent"])
    body = text(client.get(f"/children/{kid.id}/subsidies"))
    assert "请选择孩子户籍或居住地所在的城市" in body and "按月明细" not in body
    assert '<option value="白银">' in body
    bad = client.post(f"/children/{kid.id}/subsidy-city", data={"city": "火星"})
    assert bad.status_code == 422
    resp = client.post(f"/children/{kid.id}/subsidy-city", data={"city": "白银"})
    assert resp.status_code == 303
    body = text(client.get(f"/children/{kid.id}/subsidies"))
    assert "按月明细" in body and "家长填写" in body


def test_recording_and_updating_an_application(client, world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    login(client, world["parent"])
    url = f"/children/{kid.id}/allowance-applications"
    future = client.post(url, data={"scheme": "national", "applied_on": "2026-11-30"})
    assert future.status_code == 422 and "申请日期不能晚于今天" in text(future)
    assert client.post(url, data={"scheme": "national", "applied_on": "2026-11-02",
                                  "reference": "AL-77"}).status_code == 303
    again = client.post(url, data={"scheme": "national", "applied_on": "2026-11-03"})
    assert again.status_code == 409 and "已有办理中的申请" in text(again)
    a = db.session.scalar(select(AllowanceApplication))
    status = f"/allowance-applications/{a.id}/status"
    wrong = client.post(status, data={f"a{a.id}-status": "paid",
                                      f"a{a.id}-status_on": "2026-11-20"})
    assert wrong.status_code == 409
    ok = client.post(status, data={f"a{a.id}-status": "approved",
                                   f"a{a.id}-status_on": "2026-11-20"})
    assert ok.status_code == 303
    paid = client.post(status, data={f"a{a.id}-status": "paid", f"a{a.id}-status_on": "2026-11-23",
                                     f"a{a.id}-amount_yuan": "3600"})
    assert paid.status_code == 303
    db.session.expire_all()
    a = db.session.get(AllowanceApplication, a.id)
    assert (a.status, a.amount_fen, a.reference) == ("paid", 360000, "AL-77")
    body = text(client.get(f"/children/{kid.id}/subsidies"))
    assert "已发放" in body and "¥3,600" in body and "AL-77" in body


def test_other_parents_404_staff_403(client, world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    world["enrol"](world["slot"], world["parent"], kid)
    login(client, world["other"])
    assert client.get(f"/children/{kid.id}/subsidies").status_code == 404
    assert client.post(f"/children/{kid.id}/subsidy-city",
                       data={"city": "白银"}).status_code == 404
    assert client.post(f"/children/{kid.id}/allowance-applications",
                       data={"scheme": "national", "applied_on": "2026-11-02"}).status_code == 404
    client.post("/logout")
    login(client, world["director"])  # the centre caring for the child
    assert client.get(f"/children/{kid.id}/subsidies").status_code == 403
    assert client.get("/subsidies").status_code == 403
    db.session.expire_all()
    assert kid.subsidy_city == "阿拉尔"
    assert db.session.scalar(select(func.count(AllowanceApplication.id))) == 0


def test_the_city_column_shows_only_where_the_city_pays_its_own(client, world):
    aral = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    baiyin = child(world["parent"], date(2024, 5, 10), city="白银", older=1)
    login(client, world["parent"])
    column = 'data-label="本地育儿补贴"'
    assert column not in text(client.get(f"/children/{aral.id}/subsidies"))
    body = text(client.get(f"/children/{baiyin.id}/subsidies"))
    assert column in body and "¥500" in body  # 2025-01: 300 + 200 yuan
