"""/staff/slots: a centre's slots with their numbers; publishing and changing one."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from booking import clock
from booking.reservations import services as reservations
from booking.slots.models import Slot
from booking.waitlists import services as waitlists
from tests import factories as f


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)


def slots(db):
    db.session.expire_all()
    return db.session.scalars(select(Slot).order_by(Slot.id)).all()


@pytest.fixture
def centre(db):
    f.policy("西安", toddler=180000)
    c = f.centre(f.district(city="西安"), name="星星托育")
    staff = f.user("staff", centre_id=c.id)
    return c, staff


GOOD = {"group_id": "", "age_band": "toddler", "care_type": "full_day", "category": "affordable",
        "capacity": "8", "monthly_fee": "1500.50", "starts_on": "2027-03-01"}


def test_list_shows_the_numbers(client, centre, db):
    c, staff = centre
    s = f.slot(c, capacity=3)
    # three holds fill it; a fourth family waits
    p1, p2, p3, p4 = f.user(), f.user(), f.user(), f.user()
    reservations.place_hold(slot_id=s.id, child_id=f.child(p1).id, parent=p1)
    reservations.place_hold(slot_id=s.id, child_id=f.child(p2).id, parent=p2)
    reservations.place_hold(slot_id=s.id, child_id=f.child(p3).id, parent=p3)
    waitlists.join(slot_id=s.id, child_id=f.child(p4).id, parent=p4)
    login(client, staff)
    html = client.get("/staff/slots").get_data(as_text=True)
    row = html[html.index("<tbody"):html.index("</tbody>")]
    cells = [re.sub(r"<[^>]+>", "", c).strip()
             for c in re.findall(r'<td[^>]*class="num"[^>]*>(.*?)</td>', row)]
    assert cells == ["¥1,000", "3", "3", "0", "0 已满", "1"]
    assert "已满" in row  # in words, not colour alone
    assert f'href="/staff/slots/{s.id}"' in row


def test_create_a_slot(client, centre, db):
    c, staff = centre
    g = f.group(c, band="toddler", max_size=15, name="小一班")
    login(client, staff)
    html = client.get("/staff/slots").get_data(as_text=True)
    assert f'<option value="{g.id}">小一班' in html and 'type="date"' in html
    resp = client.post("/staff/slots", data={**GOOD, "group_id": str(g.id)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/slots")
    [s] = slots(db)
    assert (s.centre_id, s.group_id, s.capacity, s.monthly_fee_fen, s.starts_on) == \
        (c.id, g.id, 8, 150050, date(2027, 3, 1))
    assert "已发布托位" in client.get("/staff/slots").get_data(as_text=True)


@pytest.mark.parametrize("change, field, message", [
    ({"monthly_fee": "1800.01"}, "monthly_fee", "普惠托位月费不能超过本市指导价 1,800 元"),
    ({"capacity": "0"}, "capacity", "托位数应在 1 到 200 之间"),
    ({"capacity": "abc"}, "capacity", "托位数应为整数"),
    ({"monthly_fee": "-1"}, "monthly_fee", "月费应在 0 到 100000 元之间"),
    ({"starts_on": "tomorrow"}, "starts_on", "请按 年-月-日 填写日期"),
    ({"age_band": "teen"}, "age_band", "请选择班型"),
])
def test_bad_slot_is_refused_with_the_message_by_its_field(client, centre, db, change, field,
                                                            message):
    _c, staff = centre
    login(client, staff)
    resp = client.post("/staff/slots", data={**GOOD, **change})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert message in html
    assert f'id="{field}-err"' in html
    assert slots(db) == []


def test_class_size_is_kept(client, centre, db):
    c, staff = centre
    g = f.group(c, band="toddler", max_size=10, name="小二班")
    f.slot(c, capacity=6, group_id=g.id)
    login(client, staff)
    resp = client.post("/staff/slots", data={**GOOD, "group_id": str(g.id), "capacity": "5"})
    assert resp.status_code == 422
    assert "班级“小二班”最多 10 人，已有 6 个托位" in resp.get_data(as_text=True)
    assert len(slots(db)) == 1


def test_another_centres_group_is_refused(client, centre, db):
    _c, staff = centre
    other = f.group(f.centre(), band="toddler")
    login(client, staff)
    resp = client.post("/staff/slots", data={**GOOD, "group_id": str(other.id)})
    assert resp.status_code == 422 and "班级不存在" in resp.get_data(as_text=True)
    assert slots(db) == []


def test_change_capacity_and_fee(client, centre, db):
    c, staff = centre
    s = f.slot(c, capacity=3, fee=120000)
    login(client, staff)
    html = client.get(f"/staff/slots/{s.id}").get_data(as_text=True)
    assert 'value="3"' in html and 'value="1200.00"' in html
    resp = client.post(f"/staff/slots/{s.id}", data={"capacity": "6", "monthly_fee": "1300"})
    assert resp.status_code == 302
    [s] = slots(db)
    assert (s.capacity, s.monthly_fee_fen) == (6, 130000)


def test_capacity_below_places_taken_is_refused(client, centre, db):
    c, staff = centre
    s = f.slot(c, capacity=3)
    for _ in range(2):
        p = f.user()
        reservations.place_hold(slot_id=s.id, child_id=f.child(p).id, parent=p)
    login(client, staff)
    resp = client.post(f"/staff/slots/{s.id}", data={"capacity": "1", "monthly_fee": "1000"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "不能少于 2" in html and 'id="capacity-err"' in html
    assert slots(db)[0].capacity == 3
    # once the holds lapse they stop counting
    clock.advance(timedelta(days=3))
    assert client.post(f"/staff/slots/{s.id}",
                       data={"capacity": "1", "monthly_fee": "1000"}).status_code == 302
    assert slots(db)[0].capacity == 1


def test_fee_cap_applies_to_changes(client, centre, db):
    c, staff = centre
    s = f.slot(c, category="affordable", fee=150000)
    login(client, staff)
    resp = client.post(f"/staff/slots/{s.id}", data={"capacity": "5", "monthly_fee": "2000"})
    assert resp.status_code == 422
    assert "普惠托位月费不能超过本市指导价" in resp.get_data(as_text=True)
    assert slots(db)[0].monthly_fee_fen == 150000


def test_another_centres_slot_is_404(client, centre, db):
    _c, staff = centre
    theirs = f.slot(f.centre(), capacity=4)
    login(client, staff)
    assert client.get(f"/staff/slots/{theirs.id}").status_code == 404
    assert client.post(f"/staff/slots/{theirs.id}",
                       data={"capacity": "9", "monthly_fee": "1"}).status_code == 404
    assert slots(db)[0].capacity == 4
    assert client.get("/staff/slots/999999").status_code == 404
    assert "测试托育中心" not in client.get("/staff/slots").get_data(as_text=True).split("<main")[1]


def test_parents_are_forbidden(client, centre, db):
    c, _staff = centre
    s = f.slot(c)
    login(client, f.user())
    assert client.get("/staff/slots").status_code == 403
    assert client.post("/staff/slots", data=GOOD).status_code == 403
    assert client.post(f"/staff/slots/{s.id}", data={"capacity": "9",
                                                     "monthly_fee": "1"}).status_code == 403
    assert len(slots(db)) == 1
