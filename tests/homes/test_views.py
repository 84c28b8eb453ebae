"""Each role's home (docs/homes.md): where signing in lands, what it shows, and that it shows
nothing of another family's, centre's or jurisdiction's; the phone's tab bar and menu page."""
from datetime import date, timedelta

import pytest

from booking import clock
from booking.audit.services import notify
from booking.extensions import db as _db
from booking.health.models import HealthCheck
from booking.outbreaks.models import OutbreakAlert, OutbreakRule
from booking.reservations import services as reservations
from booking.regulator import filing as filings
from booking.regulator.models import Filing
from tests import factories as f
from tests.outbreaks.world import ensure_rules


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return resp


def _tabs(html):
    return html.split('class="tabbar"')[1].split("</nav>")[0]


@pytest.mark.parametrize("role", ["parent", "staff", "regulator", "admin"])
def test_signing_in_lands_on_the_home_and_the_brand_leads_there(client, db, role):
    c = f.centre()
    u = f.user(role, centre_id=c.id if role == "staff" else None)
    assert login(client, u).headers["Location"] == "/home"
    html = client.get("/home").get_data(as_text=True)
    assert 'class="brand" href="/home"' in html
    # The tab bar, five tabs, the home marked current; the last one leads to the whole menu.
    tabs = _tabs(html)
    assert tabs.count("<a ") == 5, tabs
    assert 'href="/home" aria-current="page"' in tabs
    assert 'href="/me"' in tabs
    assert "<svg" in tabs and 'aria-hidden="true"' in tabs
    assert "⏸" not in html and "⌛" not in html
    menu = client.get("/me").get_data(as_text=True)
    assert 'aria-label="全部功能"' in menu and "/inbox" in menu and "退出登录" in menu


def test_anonymous_home_is_the_sign_in_and_no_tab_bar(client, db):
    assert client.get("/home").status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert 'class="tabbar"' not in html and 'class="brand" href="/"' in html


def test_parent_tabs_and_unread_badge(client, db):
    p = f.user()
    notify(p.id, "hold_lapsed", reservation_id=1, centre="阳光托育", child="小明")
    _db.session.commit()
    login(client, p)
    html = client.get("/home").get_data(as_text=True)
    tabs = _tabs(html)
    for word in ("首页", "找托位", "预约", "消息", "我的"):
        assert f'<span class="tab-label">{word}</span>' in tabs
    assert 'aria-label="1 条未读通知"' in tabs  # on the tab bar
    assert 'class="home-notices"' in html and html.count('aria-label="1 条未读通知"') >= 3


def test_parent_home_shows_the_hold_its_next_step_and_nothing_of_another_family(client, db):
    s = f.slot(capacity=3)
    p, other = f.user(), f.user()
    kid, stranger = f.child(p, name="王小明"), f.child(other, name="李别人")
    reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    reservations.place_hold(slot_id=s.id, child_id=stranger.id, parent=other)
    login(client, p)
    html = client.get("/home").get_data(as_text=True)
    assert "王小明" in html and "李别人" not in html
    assert "上传体检" in html and f'/children/{kid.id}/health' in html  # the next step
    assert 'role="timer"' in html  # the countdown
    for heading in ("保留中的托位", "候补", "孩子今天", "即将参加的场次", "费用余额", "消息"):
        assert heading in html


def test_parent_home_shows_todays_record_of_a_child_in_care(client, db):
    c, s, staff, parent, kid, r = f.in_care()
    login(client, parent)
    html = client.get("/home").get_data(as_text=True)
    assert kid.name in html and f"/children/{kid.id}/day" in html
    assert "今天还没有入园记录" in html


def test_staff_home_counts_its_own_centre_only(client, db):
    c, s, staff, parent, kid, r = f.in_care()
    other_c, other_s, _staff2, other_parent, other_kid, _r2 = f.in_care()
    # A hold lapsing within 24 hours at each centre, and a check to verify at each.
    p1, p2 = f.user(), f.user()
    k1, k2 = f.child(p1, name="近期到期甲"), f.child(p2, name="外园乙")
    s1 = f.slot(c, capacity=2)
    s2 = f.slot(other_c, capacity=2)
    h1 = reservations.place_hold(slot_id=s1.id, child_id=k1.id, parent=p1)
    reservations.place_hold(slot_id=s2.id, child_id=k2.id, parent=p2)
    for k, par in ((k1, p1), (k2, p2)):
        _db.session.add(HealthCheck(child_id=k.id, examined_on=date(2026, 11, 20),
                                    institution="妇幼保健院", result="pass",
                                    vaccination_verified=True, status="submitted",
                                    valid_until=date(2027, 9, 1), submitted_by=par.id))
    _db.session.commit()
    assert h1.expires_at - clock.now() <= timedelta(hours=48)
    clock.advance(timedelta(hours=30))
    login(client, staff)
    html = client.get("/home").get_data(as_text=True)
    assert "今日" in html and c.name in html and other_c.name not in html
    assert "近期到期甲" in html and "外园乙" not in html
    verify = html.split('id="h-verify"')[1].split("</section>")[0]
    assert "<strong>1</strong>" in verify
    arrivals = html.split('id="h-arrivals"')[1].split("</section>")[0]
    assert "<strong>0</strong> / 1" in arrivals  # one child in care, none arrived yet
    assert 'id="h-ratio"' in html and "/staff/roster/gaps" in html


def test_staff_home_shows_only_the_cards_of_pages_the_role_may_open(client, db):
    c = f.centre()
    carer = f.user("staff", centre_id=c.id, staff_role="carer")
    login(client, carer)
    html = client.get("/home").get_data(as_text=True)
    assert 'id="h-verify"' not in html or "/staff/health" in html
    assert 'id="h-alerts"' not in html  # outbreak alerts: director and health worker only
    assert _tabs(html).count("<a ") <= 5


def test_regulator_home_is_held_to_the_jurisdiction(client, db):
    xa, bj = f.district(city="西安", population=1_000_000, target=4.8), \
        f.district(city="北京", population=1_000_000, target=4.8)
    mine = f.centre(xa, name="雁塔待审托育", approved=False)
    theirs = f.centre(bj, name="朝阳待审托育", approved=False)
    ensure_rules()  # the migration seeds them; a database made by create_all has none
    for c in (mine, theirs):
        fl = _db.session.query(Filing).filter_by(centre_id=c.id).one()
        fl.status, fl.submitted_at = "submitted", clock.now()
        rule = _db.session.query(OutbreakRule).first()
        _db.session.add(OutbreakAlert(centre_id=c.id, symptom=rule.symptom, rule_id=rule.id,
                                      class_key=0,
                                      window_starts_on=date(2026, 11, 20),
                                      window_ends_on=date(2026, 11, 23), opened_at=clock.now()))
    _db.session.commit()
    reg = f.user("regulator", city="西安")
    login(client, reg)
    html = client.get("/home").get_data(as_text=True)
    assert "雁塔待审托育" in html and "朝阳待审托育" not in html
    assert xa.name in html and bj.name not in html  # districts below the target: own city only
    assert "还差约 4800 个托位" in html  # no places at all: 4.8 per 1,000 of a million
    tabs = _tabs(html)
    for word in ("首页", "总览", "备案", "预警", "更多"):
        assert f'<span class="tab-label">{word}</span>' in tabs
