"""Waitlists in the browser: parents join, follow and leave; staff check evidence and order
their priority tiers."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.reservations import services as reservations
from booking.waitlists import services as waitlists
from booking.waitlists.models import DEFAULT_TIERS, WaitlistEntry
from tests import factories as f


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)


def entries(db, **where):
    stmt = select(WaitlistEntry)
    for k, v in where.items():
        stmt = stmt.where(getattr(WaitlistEntry, k) == v)
    db.session.expire_all()
    return db.session.scalars(stmt.order_by(WaitlistEntry.id)).all()


@pytest.fixture
def full(db):
    """A centre whose only slot is full (one place, held by another family)."""
    c = f.centre(name="月亮湾托育")
    s = f.slot(c, capacity=1)
    first = f.user()
    reservations.place_hold(slot_id=s.id, child_id=f.child(first).id, parent=first)
    p = f.user()
    kid = f.child(p, name="陈小宝")
    staff = f.user("staff", centre_id=c.id)
    return c, s, p, kid, staff


def test_join_page_lists_children_and_claimable_tiers(client, full):
    _c, s, p, kid, _ = full
    login(client, p)
    html = client.get(f"/slots/{s.id}/waitlist").get_data(as_text=True)
    assert f'<option value="{kid.id}">陈小宝</option>' in html
    assert "用人单位职工子女" in html and "本区户籍或居住证" in html
    assert "特殊儿童" not in html  # only special-needs centres give that priority
    assert "请勿在此填写身份证号" in html


def test_join_and_see_the_position(client, full, db):
    _c, s, p, kid, _ = full
    login(client, p)
    resp = client.post(f"/slots/{s.id}/waitlist", data={
        "child_id": str(kid.id), "tier": "employer_staff", "evidence": "西安市某医院在职证明"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/waitlist")
    [e] = entries(db)
    assert (e.status, e.tier, e.evidence) == ("waiting", "employer_staff", "西安市某医院在职证明")
    html = client.get("/waitlist").get_data(as_text=True)
    assert "陈小宝 已加入候补，目前排第 1 位" in html
    assert "第 1 位" in html and "用人单位职工子女" in html and "候补中" in html
    assert "证明待机构核验" in html
    assert f'action="/waitlist/{e.id}/withdraw"' in html


def test_claimed_tier_without_evidence_is_refused(client, full, db):
    _c, s, p, kid, _ = full
    login(client, p)
    resp = client.post(f"/slots/{s.id}/waitlist", data={"child_id": str(kid.id),
                                                        "tier": "district_resident"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "申报优先类别需要提供证明材料说明" in html and 'aria-invalid="true"' in html
    assert entries(db) == []


@pytest.mark.parametrize("data, message", [
    ({"tier": "sibling", "evidence": "x"}, "请选择列出的优先类别"),
    ({"tier": "special_needs", "evidence": "x"}, "请选择列出的优先类别"),
    ({"evidence": "x" * 501}, "最多 500 个字"),
])
def test_bad_input_is_refused(client, full, db, data, message):
    _c, s, p, kid, _ = full
    login(client, p)
    resp = client.post(f"/slots/{s.id}/waitlist", data={"child_id": str(kid.id), **data})
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert entries(db) == []


def test_another_familys_child_cannot_join(client, full, db):
    _c, s, _p, kid, _ = full
    other = f.user()
    f.child(other)
    login(client, other)
    resp = client.post(f"/slots/{s.id}/waitlist", data={"child_id": str(kid.id)})
    assert resp.status_code == 422 and "请选择您的孩子" in resp.get_data(as_text=True)
    assert entries(db) == []


def test_joining_twice_says_so(client, full, db):
    _c, s, p, kid, _ = full
    waitlists.join(slot_id=s.id, child_id=kid.id, parent=p)
    login(client, p)
    resp = client.post(f"/slots/{s.id}/waitlist", data={"child_id": str(kid.id)})
    assert resp.status_code == 409 and "孩子已在该托位的候补名单上" in resp.get_data(as_text=True)
    assert len(entries(db)) == 1


def test_free_place_is_offered_at_once_with_a_countdown(client, db):
    s = f.slot(capacity=1)
    p = f.user()
    kid = f.child(p, name="周小宝")
    login(client, p)
    resp = client.post(f"/slots/{s.id}/waitlist", data={"child_id": str(kid.id)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/reservations")
    [e] = entries(db)
    assert e.status == "offered"
    html = client.get("/waitlist").get_data(as_text=True)
    assert "已到位，托位保留中" in html and "取消预约" in html
    assert f'data-expires-at="{e.offer_expires_at.isoformat()}"' in html
    assert "2026-11-24 10:00" in html  # 24 hours, Beijing time


def test_withdraw(client, full, db):
    _c, s, p, kid, _ = full
    [e] = waitlists.join(slot_id=s.id, child_id=kid.id, parent=p)
    login(client, p)
    resp = client.post(f"/waitlist/{e.id}/withdraw", follow_redirects=True)
    assert "陈小宝 已退出候补" in resp.get_data(as_text=True)
    assert entries(db)[0].status == "withdrawn"
    again = client.post(f"/waitlist/{e.id}/withdraw", follow_redirects=True)
    assert "该候补已结束" in again.get_data(as_text=True)


def test_another_parent_cannot_withdraw_or_see(client, full, db):
    _c, s, p, kid, _ = full
    [e] = waitlists.join(slot_id=s.id, child_id=kid.id, parent=p)
    stranger = f.user()
    login(client, stranger)
    assert client.post(f"/waitlist/{e.id}/withdraw").status_code == 404
    assert entries(db)[0].status == "waiting"
    assert "陈小宝" not in client.get("/waitlist").get_data(as_text=True)


def test_waitlist_pages_are_for_parents(client, full):
    _c, s, _p, _kid, staff = full
    assert client.get("/waitlist").status_code == 302
    login(client, staff)
    assert client.get("/waitlist").status_code == 403
    assert client.get(f"/slots/{s.id}/waitlist").status_code == 403


# --- staff: the queue and evidence -----------------------------------------------------

def test_staff_see_the_queue_in_order(client, full, db):
    _c, s, p, kid, staff = full
    q = f.user()
    first = waitlists.join(slot_id=s.id, child_id=f.child(q, name="先来的").id, parent=q)[0]
    clock.advance(timedelta(minutes=1))
    waitlists.join(slot_id=s.id, child_id=kid.id, parent=p, tier="district_resident",
                   evidence="雁塔区居住证")
    login(client, staff)
    html = client.get(f"/staff/reservations?slot={s.id}").get_data(as_text=True)
    # district residents come before everyone else, whoever joined first
    assert html.index("陈小宝") < html.index("先来的")
    assert "雁塔区居住证" in html and "本区户籍或居住证" in html
    assert html.count('action="/staff/waitlist/') == 1  # only the claimed tier is checked
    assert f'/staff/waitlist/{first.id}/evidence' not in html


def test_staff_accept_evidence(client, full, db):
    _c, s, p, kid, staff = full
    [e] = waitlists.join(slot_id=s.id, child_id=kid.id, parent=p, tier="employer_staff",
                         evidence="在职证明")
    login(client, staff)
    resp = client.post(f"/staff/waitlist/{e.id}/evidence",
                       data={"decision": "accept", "slot": str(s.id)})
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/staff/reservations?slot={s.id}")
    [e] = entries(db)
    assert (e.tier, e.evidence_checked_by) == ("employer_staff", staff.id)
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已认可 陈小宝 的优先类别证明" in html and "已核验" in html


def test_staff_reject_evidence(client, full, db):
    _c, s, p, kid, staff = full
    [e] = waitlists.join(slot_id=s.id, child_id=kid.id, parent=p, tier="employer_staff",
                         evidence="在职证明")
    login(client, staff)
    client.post(f"/staff/waitlist/{e.id}/evidence", data={"decision": "reject"})
    [e] = entries(db)
    assert e.tier == "everyone"


def test_evidence_needs_a_decision(client, full, db):
    _c, s, p, kid, staff = full
    [e] = waitlists.join(slot_id=s.id, child_id=kid.id, parent=p, tier="employer_staff",
                         evidence="在职证明")
    login(client, staff)
    assert client.post(f"/staff/waitlist/{e.id}/evidence", data={}).status_code == 400
    assert entries(db)[0].evidence_checked_by is None


def test_evidence_of_another_centre_is_404_and_parents_403(client, full, db):
    _c, s, p, kid, _staff = full
    [e] = waitlists.join(slot_id=s.id, child_id=kid.id, parent=p, tier="employer_staff",
                         evidence="在职证明")
    login(client, f.user("staff", centre_id=f.centre().id))
    assert client.post(f"/staff/waitlist/{e.id}/evidence",
                       data={"decision": "reject"}).status_code == 404
    client.post("/logout")
    login(client, p)
    assert client.post(f"/staff/waitlist/{e.id}/evidence",
                       data={"decision": "accept"}).status_code == 403
    assert entries(db)[0].evidence_checked_by is None


# --- staff: the priority policy --------------------------------------------------------

def test_policy_page_shows_the_order(client, full):
    c, *_rest, staff = full
    login(client, staff)
    html = client.get("/staff/policy").get_data(as_text=True)
    listed = html[html.index('class="tier-list"'):]
    labels = ["应急转托", "长幼随学", "特殊儿童", "用人单位职工子女", "二孩、三孩家庭",
              "本区户籍或居住证", "其他家庭"]
    positions = [listed.index(label) for label in labels]
    assert positions == sorted(positions)
    assert 'name="up" value="sibling"' in html and 'name="down" value="sibling"' in html
    assert 'name="up" value="closure_transfer"' not in html  # already first
    assert 'value="everyone"' in html and 'name="down" value="district_resident"' not in html


def test_move_a_tier_up(client, full):
    c, *_rest, staff = full
    login(client, staff)
    resp = client.post("/staff/policy", data={"tiers": list(DEFAULT_TIERS),
                                              "up": "district_resident"})
    assert resp.status_code == 303
    assert waitlists.policy_of(c.id) == ["closure_transfer", "sibling", "special_needs",
                                         "employer_staff", "district_resident",
                                         "second_third_child", "everyone"]
    assert "优先规则已保存" in client.get("/staff/policy").get_data(as_text=True)


def test_move_down_and_reset(client, full):
    c, *_rest, staff = full
    login(client, staff)
    client.post("/staff/policy", data={"tiers": list(DEFAULT_TIERS), "down": "closure_transfer"})
    assert waitlists.policy_of(c.id)[:2] == ["sibling", "closure_transfer"]
    client.post("/staff/policy", data={"tiers": waitlists.policy_of(c.id), "reset": "1"})
    assert waitlists.policy_of(c.id) == list(DEFAULT_TIERS)


def test_tampered_policy_is_refused(client, full, db):
    c, *_rest, staff = full
    login(client, staff)
    resp = client.post("/staff/policy", data={"tiers": ["sibling", "sibling", "bogus"]})
    assert resp.status_code == 422 and "优先级顺序无效" in resp.get_data(as_text=True)
    from booking.waitlists.models import PriorityTier
    assert db.session.scalar(select(func.count(PriorityTier.id))) == 0


def test_policy_is_for_staff(client, full):
    _c, _s, p, *_ = full
    login(client, p)
    assert client.get("/staff/policy").status_code == 403
    assert client.post("/staff/policy", data={"reset": "1"}).status_code == 403
