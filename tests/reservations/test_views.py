"""Reservations in the browser: a parent holds a place from a centre's page and follows it;
staff confirm, cancel and export."""
import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.health import services as health
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.waitlists.models import WaitlistEntry
from tests import factories as f


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)


def count(db, model, **where):
    stmt = select(func.count(model.id))
    for k, v in where.items():
        stmt = stmt.where(getattr(model, k) == v)
    return db.session.scalar(stmt)


@pytest.fixture
def world(db):
    c = f.centre(name="阳光托育")
    s = f.slot(c, capacity=2)
    p = f.user(name="张妈妈")
    kid = f.child(p, name="张小宝")
    staff = f.user("staff", centre_id=c.id)
    return c, s, p, kid, staff


# --- the centre page -------------------------------------------------------------------

def test_centre_page_asks_visitors_to_log_in(client, world):
    c, s, *_ = world
    html = client.get(f"/centres/{c.id}").get_data(as_text=True)
    assert "登录后预约" in html and f"/login?next=/centres/{c.id}" in html
    assert f"/slots/{s.id}/reserve" not in html


def test_centre_page_offers_a_parent_the_reserve_form(client, world):
    c, s, p, kid, _ = world
    login(client, p)
    html = client.get(f"/centres/{c.id}").get_data(as_text=True)
    assert f'action="/slots/{s.id}/reserve"' in html
    assert f'<option value="{kid.id}">张小宝</option>' in html
    assert "data-once" in html and 'name="csrf_token"' in html


def test_full_slot_offers_the_waitlist_on_the_centre_page(client, world):
    c, _s, p, _kid, _ = world
    full = f.slot(c, capacity=0, starts_on=date(2027, 4, 1))
    login(client, p)
    html = client.get(f"/centres/{c.id}").get_data(as_text=True)
    assert f'href="/slots/{full.id}/waitlist"' in html and "加入候补" in html


def test_staff_get_no_booking_buttons(client, world):
    c, s, _p, _kid, staff = world
    login(client, staff)
    html = client.get(f"/centres/{c.id}").get_data(as_text=True)
    assert f"/slots/{s.id}/reserve" not in html and "登录后预约" not in html


# --- holding a place -------------------------------------------------------------------

def test_parent_holds_a_place_and_sees_it(client, world, db):
    c, s, p, kid, _ = world
    login(client, p)
    resp = client.post(f"/slots/{s.id}/reserve", data={"child_id": str(kid.id)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/reservations")
    r = db.session.scalars(select(Reservation)).one()
    assert (r.status, r.child_id, r.parent_id) == ("held", kid.id, p.id)

    html = client.get("/reservations").get_data(as_text=True)
    assert "已为 张小宝 保留托位" in html  # the flash
    assert "阳光托育" in html and "张小宝" in html and "保留中" in html
    # 48 hours after 2026-11-23 10:00 in Shanghai, shown as local time, plus the countdown
    assert "2026-11-25 10:00" in html
    assert f'data-expires-at="{r.expires_at.isoformat()}"' in html
    assert "需要完成入托体检（2026-12-01 或之后体检，在入托日期仍有效）并由机构核验" in html
    # the next step is the primary button (a start in 98 days: no check made now is valid
    # on it, so keeping the place until the check is due); cancelling asks first
    assert f'action="/reservations/{r.id}/keep"' in html and "保留到 2027-02-15" in html
    assert f'href="/reservations/{r.id}/cancel"' in html
    assert f'action="/reservations/{r.id}/cancel"' not in html


def test_another_familys_child_is_refused_with_a_message(client, world, db):
    _c, s, _p, _kid, _ = world
    other = f.user()
    login(client, other)
    f.child(other)
    resp = client.post(f"/slots/{s.id}/reserve", data={"child_id": str(world[3].id)})
    assert resp.status_code == 422
    assert "请选择您的孩子" in resp.get_data(as_text=True)
    assert count(db, Reservation) == 0


def test_missing_child_is_refused(client, world, db):
    _c, s, p, _kid, _ = world
    login(client, p)
    resp = client.post(f"/slots/{s.id}/reserve", data={})
    assert resp.status_code == 422 and "请选择您的孩子" in resp.get_data(as_text=True)
    assert count(db, Reservation) == 0


def test_child_outside_the_age_band_is_told_why(client, world, db):
    c, _s, p, _kid, _ = world
    infant = f.slot(c, band="infant", capacity=3)
    login(client, p)
    resp = client.post(f"/slots/{infant.id}/reserve", data={"child_id": str(world[3].id)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "该托位收 6–12 个月的孩子" in html and 'aria-invalid="true"' in html
    assert count(db, Reservation) == 0


def test_twice_is_already_reserved(client, world, db):
    _c, s, p, kid, _ = world
    login(client, p)
    client.post(f"/slots/{s.id}/reserve", data={"child_id": str(kid.id)})
    resp = client.post(f"/slots/{s.id}/reserve", data={"child_id": str(kid.id)})
    assert resp.status_code == 409
    assert "孩子已预约或已在读该托位" in resp.get_data(as_text=True)
    assert count(db, Reservation) == 1


def test_full_slot_shows_the_error_and_the_waitlist_form(client, world, db):
    c, _s, p, kid, _ = world
    s = f.slot(c, capacity=1, starts_on=date(2027, 5, 1))
    first = f.user()
    reservations.place_hold(slot_id=s.id, child_id=f.child(first).id, parent=first)
    login(client, p)
    resp = client.post(f"/slots/{s.id}/reserve", data={"child_id": str(kid.id)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "该托位已满，可以加入候补名单" in html
    assert f'action="/slots/{s.id}/waitlist"' in html
    assert f'<option selected value="{kid.id}">张小宝</option>' in html
    assert count(db, Reservation, child_id=kid.id) == 0

    resp = client.post(f"/slots/{s.id}/waitlist", data={"child_id": str(kid.id)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/waitlist")
    assert count(db, WaitlistEntry, child_id=kid.id, status="waiting") == 1


def test_unknown_or_unbookable_slot_is_404(client, world, db):
    _c, _s, p, kid, _ = world
    closed = f.slot(f.centre(approved=False))
    login(client, p)
    assert client.post("/slots/999999/reserve", data={"child_id": str(kid.id)}).status_code == 404
    assert client.post(f"/slots/{closed.id}/reserve",
                       data={"child_id": str(kid.id)}).status_code == 404
    assert count(db, Reservation) == 0


def test_staff_cannot_reserve(client, world, db):
    _c, s, _p, kid, staff = world
    login(client, staff)
    assert client.post(f"/slots/{s.id}/reserve", data={"child_id": str(kid.id)}).status_code == 403


# --- my reservations -------------------------------------------------------------------

def test_parent_cancels_their_hold(client, world, db):
    _c, s, p, kid, _ = world
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    login(client, p)
    html = client.get("/reservations").get_data(as_text=True)
    assert f'href="/reservations/{r.id}/cancel"' in html  # a link to the page, not a one-tap form
    page = client.get(f"/reservations/{r.id}/cancel").get_data(as_text=True)
    assert "确认取消预约" in page and "无法恢复" in page and "张小宝" in page
    assert db.session.get(Reservation, r.id).status == "held"  # looking changes nothing
    resp = client.post(f"/reservations/{r.id}/cancel")
    assert resp.status_code == 303
    assert db.session.get(Reservation, r.id).status == "cancelled"
    html = client.get("/reservations").get_data(as_text=True)
    assert "已取消" in html and "重新预约" in html


def test_another_parent_cannot_cancel_or_see(client, world, db):
    _c, s, p, kid, _ = world
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    other = f.user()
    login(client, other)
    assert client.post(f"/reservations/{r.id}/cancel").status_code == 404
    assert client.get(f"/reservations/{r.id}/cancel").status_code == 404
    db.session.expire_all()
    assert db.session.get(Reservation, r.id).status == "held"
    assert "张小宝" not in client.get("/reservations").get_data(as_text=True)


def test_a_lapsed_hold_shows_as_expired_and_cannot_be_cancelled(client, world, db):
    _c, s, p, kid, _ = world
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    clock.advance(timedelta(days=3))
    login(client, p)
    html = client.get("/reservations").get_data(as_text=True)
    assert "已过期" in html and f"/reservations/{r.id}/cancel" not in html
    resp = client.post(f"/reservations/{r.id}/cancel", follow_redirects=True)
    assert "只有保留中的预约可以取消" in resp.get_data(as_text=True)


def test_my_reservations_is_for_parents(client, world):
    assert client.get("/reservations").status_code == 302
    login(client, world[4])
    assert client.get("/reservations").status_code == 403


# --- staff -----------------------------------------------------------------------------

def _passed_check(p, staff, kid):
    check = health.submit(kid.id, p, examined_on=date(2026, 11, 20), institution="社区卫生服务中心",
                          result="pass", vaccination_verified=True)
    health.verify(check.id, staff)


def test_staff_see_their_centres_holds(client, world, db):
    c, s, p, kid, staff = world
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    elsewhere = f.slot(f.centre())
    q = f.user()
    reservations.place_hold(slot_id=elsewhere.id, child_id=f.child(q, name="别家孩子").id, parent=q)
    login(client, staff)
    html = client.get("/staff/reservations").get_data(as_text=True)
    assert "张小宝" in html and "别家孩子" not in html
    assert f'action="/staff/reservations/{r.id}/confirm"' in html
    assert f'href="/staff/reservations/{r.id}/cancel"' in html


def test_confirm_without_health_check_says_so(client, world, db):
    _c, s, p, kid, staff = world
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    login(client, staff)
    resp = client.post(f"/staff/reservations/{r.id}/confirm", data={"slot": str(s.id)})
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/staff/reservations?slot={s.id}")
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "无法确认入托" in html and "入托体检" in html
    db.session.expire_all()
    assert db.session.get(Reservation, r.id).status == "held"


def test_confirm_with_a_verified_check_enrols(client, world, db):
    c, _s, p, kid, staff = world
    s = f.slot(c, starts_on=date(2027, 1, 4))  # within the check's 90 days
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    _passed_check(p, staff, kid)
    login(client, p)
    assert "体检已核验，等待机构确认入托" in client.get("/reservations").get_data(as_text=True)
    client.post("/logout")
    login(client, staff)
    resp = client.post(f"/staff/reservations/{r.id}/confirm", follow_redirects=True)
    assert "已确认 张小宝 入托" in resp.get_data(as_text=True)
    assert db.session.get(Reservation, r.id).status == "enrolled"


def test_staff_cancel_asks_for_the_reason_and_tells_the_family(client, world, db):
    from booking.audit.models import Notification
    from booking.audit.render import render_notification
    _c, s, p, kid, staff = world
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    login(client, staff)
    page = client.get(f"/staff/reservations/{r.id}/cancel").get_data(as_text=True)
    assert "家长会收到通知" in page and "确认取消预约" in page
    refused = client.post(f"/staff/reservations/{r.id}/cancel")
    assert refused.status_code == 422 and "请填写取消原因" in refused.get_data(as_text=True)
    too_long = client.post(f"/staff/reservations/{r.id}/cancel", data={"reason": "长" * 201})
    assert too_long.status_code == 422
    assert db.session.get(Reservation, r.id).status == "held"  # nothing changed
    done = client.post(f"/staff/reservations/{r.id}/cancel", data={"reason": "家长电话告知不来了"})
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Reservation, r.id).status == "cancelled"
    [note] = db.session.scalars(db.select(Notification).where(
        Notification.user_id == p.id, Notification.kind == "reservation_cancelled")).all()
    _title, body = render_notification(note)
    assert "家长电话告知不来了" in body and "张小宝" in body


def test_staff_of_another_centre_get_404(client, world, db):
    _c, s, p, kid, _ = world
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    other = f.user("staff", centre_id=f.centre().id)
    login(client, other)
    assert client.post(f"/staff/reservations/{r.id}/confirm").status_code == 404
    assert client.post(f"/staff/reservations/{r.id}/cancel").status_code == 404
    db.session.expire_all()
    assert db.session.get(Reservation, r.id).status == "held"
    # another centre's slot is not a filter choice
    assert client.get(f"/staff/reservations?slot={s.id}").status_code == 422


def test_parents_are_forbidden_on_staff_pages(client, world, db):
    _c, s, p, kid, _ = world
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    login(client, p)
    assert client.get("/staff/reservations").status_code == 403
    assert client.get("/staff/reservations.csv").status_code == 403
    assert client.post(f"/staff/reservations/{r.id}/confirm").status_code == 403
    assert client.post(f"/staff/reservations/{r.id}/cancel").status_code == 403


def test_filters(client, world, db):
    c, s, p, kid, staff = world
    s2 = f.slot(c, capacity=2, starts_on=date(2027, 6, 1))
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    reservations.cancel(r.id, p)
    q = f.user()
    reservations.place_hold(slot_id=s2.id, child_id=f.child(q, name="李小宝").id, parent=q)
    login(client, staff)
    live = client.get("/staff/reservations").get_data(as_text=True)
    assert "李小宝" in live and "张小宝" not in live  # "live" by default
    cancelled = client.get("/staff/reservations?status=cancelled").get_data(as_text=True)
    assert "张小宝" in cancelled and "李小宝" not in cancelled
    one_slot = client.get(f"/staff/reservations?status=all&slot={s.id}").get_data(as_text=True)
    assert "张小宝" in one_slot and "李小宝" not in one_slot
    assert client.get("/staff/reservations?status=bogus").status_code == 422


def _csv(resp):
    body = resp.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # utf-8-sig: Excel reads the Chinese
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export(client, world, db):
    c, s, p, kid, staff = world
    kid.id_number_masked = "610***********1234"
    db.session.commit()
    reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    login(client, staff)
    resp = client.get("/staff/reservations.csv?status=all")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = _csv(resp)
    assert rows[0] == ["孩子姓名", "托位", "状态", "预约时间", "保留至", "入托确认时间"]
    assert rows[1][0] == "张小宝" and rows[1][2] == "保留中"
    assert "2027-03-01" in rows[1][1]
    assert rows[1][3] == "2026-11-23 10:00" and rows[1][4] == "2026-11-25 10:00"
    assert rows[1][5] == ""
    assert "1234" not in resp.get_data(as_text=True)  # no ID numbers


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_escapes_formulas(client, world, db, name):
    _c, s, p, _kid, staff = world
    evil = f.child(p, name=name)
    reservations.place_hold(slot_id=s.id, child_id=evil.id, parent=p)
    login(client, staff)
    rows = _csv(client.get("/staff/reservations.csv"))
    assert rows[1][0] == "'" + name


def test_csv_follows_the_filters(client, world, db):
    c, s, p, kid, staff = world
    r = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    reservations.cancel(r.id, p)
    login(client, staff)
    assert len(_csv(client.get("/staff/reservations.csv"))) == 1  # live only: none
    rows = _csv(client.get("/staff/reservations.csv?status=cancelled"))
    assert [row[2] for row in rows[1:]] == ["已取消"]


def test_reserve_page_stands_alone(client, world):
    _c, s, p, kid, _ = world
    login(client, p)
    html = client.get(f"/slots/{s.id}/reserve").get_data(as_text=True)
    assert f'<option value="{kid.id}">张小宝</option>' in html
    assert "托小班 (12–24 个月) · 全日托 · 公办托位 · 2027-03-01 入托" in html


def test_parent_without_children_is_sent_to_add_one(client, world):
    c, s, *_ = world
    login(client, f.user())
    html = client.get(f"/centres/{c.id}").get_data(as_text=True)
    assert 'href="/family"' in html and "先添加孩子，再预约" in html
    assert "预约前请先登记孩子" in client.get(f"/slots/{s.id}/reserve").get_data(as_text=True)


def test_pages_render_in_english(client, world):
    from flask_babel import refresh
    _c, s, p, kid, staff = world
    reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    login(client, p)
    client.post("/lang/en", data={"next": "/"})
    refresh()  # the tests' requests share one app context, where Flask-Babel keeps the locale
    for path in ("/reservations", "/waitlist", "/family", f"/slots/{s.id}/reserve"):
        resp = client.get(path)
        assert resp.status_code == 200 and 'lang="en"' in resp.get_data(as_text=True), path


def _hold_in_a_class_nobody_rosters():
    """A hold ready to confirm (its check passed) in a class with no carer rostered yet:
    (hold, the centre's director)."""
    from booking.reservations import services as reservations
    c = f.centre()
    g = f.group(c, band="toddler")
    s = f.slot(c, capacity=5, group_id=g.id)
    parent = f.user()
    kid = f.child(parent)
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    f.passed_check(kid, parent)
    return hold, f.user("staff", centre_id=c.id)


def test_confirming_warns_when_the_class_would_be_short_of_carers(client, db):
    hold, staff = _hold_in_a_class_nobody_rosters()
    client.post("/login", data={"login": staff.email, "password": f.PASSWORD})
    page = client.post(f"/staff/reservations/{hold.id}/confirm", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "已确认" in text
    assert "保育人员不足" in text  # nobody is rostered for that class yet


def test_the_api_confirmation_carries_the_same_ratio_warning(client, db):
    """The warning comes from the service, so the API gives it too (only when it applies)."""
    hold, staff = _hold_in_a_class_nobody_rosters()
    resp = client.post(f"/api/v1/reservations/{hold.id}/confirm", headers=f.bearer(client, staff))
    body = resp.get_json()
    assert resp.status_code == 200 and body["status"] == "enrolled"
    warning = body["ratio_warning"]  # nobody is rostered for that class yet
    assert warning["on_date"] == hold.slot.starts_on.isoformat() and warning["hours_short"] > 0
    assert warning["most_missing"] >= 1
