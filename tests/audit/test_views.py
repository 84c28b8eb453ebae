"""/inbox: notifications in the reader's language, newest first; opening it reads them."""
import re
from datetime import timedelta

from flask_babel import refresh
from sqlalchemy import select

from booking import clock
from booking.audit.models import Notification
from booking.audit.queries import unread_count
from booking.audit.services import mark_read, notify
from booking.extensions import db as _db
from tests import factories as f


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)


def _notes(u):
    notify(u.id, "hold_lapsed", reservation_id=7, centre="阳光托育", child="王小明", child_id=3)
    clock.advance(timedelta(minutes=5))
    notify(u.id, "enrolled", reservation_id=8, centre="阳光托育", starts_on="2027-03-01",
           child="王小明", child_id=3)
    _db.session.commit()


def test_inbox_newest_first_and_marks_read(client, db):
    p = f.user()
    _notes(p)
    login(client, p)
    home = client.get("/").get_data(as_text=True)
    assert 'aria-label="2 条未读通知"' in home

    raw = client.get("/inbox").get_data(as_text=True)
    # Names are marked as people's data (docs/design.md), the sentence around them is not.
    assert '<span translate="no">王小明</span> 已确认入托：<span translate="no">阳光托育</span>' in raw
    html = re.sub(r'<span translate="no">(.*?)</span>', r"\1", raw)
    assert html.index("王小明 已确认入托：阳光托育") < html.index("王小明 保留的托位已过期")
    assert "入托日期：2027-03-01" in html and "阳光托育 的托位已过保留期限" in html
    assert "#7" not in html and "#8" not in html  # no internal ids
    assert html.count('href="/reservations"') >= 2  # each notice leads to where the family acts
    assert html.count(">新</span>") == 2  # shown as new this once, in words
    assert "条未读通知" not in html  # the header counts after reading
    assert unread_count(p) == 0
    again = client.get("/inbox").get_data(as_text=True)
    assert ">新</span>" not in again


def test_inbox_in_english(client, db):
    p = f.user()
    _notes(p)
    login(client, p)
    client.post("/lang/en", data={"next": "/inbox"})
    # The tests' requests share one app context, where Flask-Babel keeps the locale it chose.
    refresh()
    html = client.get("/inbox").get_data(as_text=True)
    assert 'lang="en"' in html
    assert "We look forward to welcoming your little one" in html


def test_only_ones_own_notifications(client, db):
    p, other = f.user(), f.user()
    _notes(other)
    login(client, p)
    html = client.get("/inbox").get_data(as_text=True)
    assert "阳光托育" not in html and "暂无通知" in html
    assert unread_count(other) == 2


def test_staff_have_an_inbox_and_anonymous_users_log_in(client, db):
    assert client.get("/inbox").status_code == 302
    staff = f.user("staff", centre_id=f.centre().id)
    login(client, staff)
    assert client.get("/inbox").status_code == 200


def test_mark_read_leaves_later_notifications_unread(db):
    p = f.user()
    _notes(p)
    seen = max(n.id for n in db.session.scalars(select(Notification)))
    notify(p.id, "hold_lapsing", reservation_id=9, expires_at="2026-11-24T02:00:00+00:00")
    db.session.commit()
    assert mark_read(p, up_to_id=seen) == 2
    assert unread_count(p) == 1
    assert mark_read(p) == 1 and unread_count(p) == 0


def test_role_links_in_the_header(client, db):
    p = f.user()
    login(client, p)
    nav = client.get("/inbox").get_data(as_text=True).split('class="nav"')[1].split("</nav>")[0]
    for label, href in (("我的孩子", "/family"), ("我的预约", "/reservations"),
                        ("候补", "/waitlist"), ("通知", "/inbox")):
        assert f'href="{href}"' in nav and label in nav
    assert 'href="/inbox" aria-current="page"' in nav
    client.post("/logout")
    login(client, f.user("staff", centre_id=f.centre().id))
    nav = client.get("/").get_data(as_text=True).split('class="nav"')[1].split("</nav>")[0]
    for label, href in (("托位管理", "/staff/slots"), ("预约与候补", "/staff/reservations"),
                        ("场次", "/staff/sessions"), ("收费", "/staff/fees"), ("通知", "/inbox")):
        assert f'href="{href}"' in nav and label in nav
    assert "/family" not in nav and "/staff/policy" not in nav and 'href="/centres"' not in nav
    assert 'href="/staff/policy"' in client.get("/staff/reservations").get_data(as_text=True)


def test_inbox_escapes_names_it_marks(client, db):
    p = f.user()
    notify(p.id, "hold_lapsed", reservation_id=7, centre="<i>托育</i>", child="<b>小明</b>",
           child_id=3)
    _db.session.commit()
    login(client, p)
    html = client.get("/inbox").get_data(as_text=True)
    assert '<span translate="no">&lt;b&gt;小明&lt;/b&gt;</span>' in html
    assert "<b>小明</b>" not in html and "<i>托育</i>" not in html
