"""Issue 17, part 8: the small defects, each checked on the page (or message) that showed it."""
from datetime import date

import pytest
from flask_babel import force_locale

from booking.auth import services as auth
from booking.errors import Conflict
from booking.extensions import db
from booking.i18n import city_name, open_days
from booking.regulator import filing
from booking.reservations.models import Reservation
from tests import factories as f


def login(client, u, login=None):
    resp = client.post("/login", data={"login": login or u.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)


def test_a_refused_filing_move_names_the_state_in_words(app, db):
    c = f.centre()
    admin = f.user("admin")
    with pytest.raises(Conflict) as err:
        filing.decide(c.filing.id, admin, "approve")
    assert "已备案" in err.value.message and "approved" not in err.value.message


def test_a_phone_only_parent_is_named_by_phone_among_the_centres_families(client, db):
    c = f.centre()
    s = f.slot(c)
    staff = f.user("staff", centre_id=c.id)
    parent = auth.register_parent(name="李晓雯", phone="13912345678", password=f.PASSWORD,
                                  consent=True)
    kid = f.child(parent)
    db.session.add(Reservation(slot_id=s.id, child_id=kid.id, parent_id=parent.id,
                               status="enrolled"))
    db.session.commit()
    login(client, staff)
    page = client.get("/staff/fees").get_data(as_text=True)
    assert "李晓雯（13912345678）" in page and "（None）" not in page


def test_open_days_and_city_names_in_the_readers_language(app):
    with app.test_request_context("/"), force_locale("zh_Hans_CN"):
        assert open_days("Mon-Fri") == "周一至周五" and open_days("Mon-Sat") == "周一至周六"
        assert open_days("每天") == "每天" and open_days(None) == ""
        assert city_name("西安") == "西安"
    with app.test_request_context("/"), force_locale("en"):
        assert open_days("Mon-Fri") == "Mon–Fri"
        assert city_name("西安") == "Xi'an" and city_name("白银", "Baiyin City") == "Baiyin City"
        assert city_name("某市") == "某市"


def test_centre_page_shows_open_days_in_chinese(client, db):
    c = f.centre(open_days="Mon-Fri")
    page = client.get(f"/centres/{c.id}").get_data(as_text=True)
    assert "周一至周五" in page and "Mon-Fri" not in page


def test_favicon_is_linked_and_answers_favicon_ico(client):
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    resp = client.get("/favicon.ico")
    assert resp.status_code == 301 and resp.headers["Location"].endswith("/static/favicon.svg")
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in icon.data
    icon.close()


def test_centre_sign_up_and_the_filing_are_linked(client, db):
    page = client.get("/").get_data(as_text=True)
    assert page.count('href="/centres/register"') == 2  # the landing page and the footer
    c = f.centre()
    director = f.user("staff", centre_id=c.id, staff_role="director")
    login(client, director)
    assert 'href="/staff/filing"' in client.get("/home").get_data(as_text=True)
    client.post("/logout")
    carer = f.user("staff", centre_id=c.id, staff_role="carer")
    login(client, carer)
    assert 'href="/staff/filing"' not in client.get("/home").get_data(as_text=True)


def test_statuses_are_drawn_icons_not_symbol_characters(client, db):
    """⏸ ⌛ ✔ ✖ show as empty boxes where no font has them: an SVG with the words beside it."""
    approved, suspended = f.centre(), f.centre()
    f.user("admin")
    suspended.filing.status = "suspended"
    db.session.commit()
    page = client.get("/registry").get_data(as_text=True)
    assert "⏸" not in page and "✔" not in page and "✖" not in page
    assert page.count('<svg class="glyph"') >= 2 and "暂停服务" in page and "已备案" in page
    assert 'class="table stack"' in page and 'data-label="备案号"' in page
    s = f.slot(approved)
    parent = f.user()
    kid = f.child(parent)
    db.session.add(Reservation(slot_id=s.id, child_id=kid.id, parent_id=parent.id,
                               status="expired"))
    db.session.commit()
    login(client, parent)
    mine = client.get("/reservations").get_data(as_text=True)
    assert "⌛" not in mine and "已过期" in mine and '<svg class="glyph"' in mine


def test_admin_users_is_a_card_per_account_on_a_phone(client, db):
    admin = f.user("admin")
    auth.register_parent(name="李晓雯", phone="13912345678", password=f.PASSWORD, consent=True)
    login(client, admin)
    page = client.get("/admin/users?q=李晓雯").get_data(as_text=True)
    assert 'class="table stack"' in page and 'data-label="机构或辖区"' in page
    assert "13912345678" in page


def test_inspections_and_health_checks_are_cards_on_a_phone(client, db):
    c = f.centre()
    reg = f.user("regulator")
    login(client, reg)
    page = client.get(f"/regulator/centres/{c.id}/inspections").get_data(as_text=True)
    assert 'class="table stack"' in page
    client.post("/logout")
    s = f.slot(c)
    staff = f.user("staff", centre_id=c.id)
    parent = f.user()
    kid = f.child(parent, birth_date=date(2025, 6, 1))
    db.session.add(Reservation(slot_id=s.id, child_id=kid.id, parent_id=parent.id,
                               status="enrolled"))
    db.session.commit()
    f.passed_check(kid, parent)
    login(client, staff)
    page = client.get("/staff/health").get_data(as_text=True)
    assert 'class="table stack"' in page and 'data-label="结论"' in page
    page = client.get(f"/children/{kid.id}/health").get_data(as_text=True)
    assert 'class="table stack"' in page and 'data-label="有效期至"' in page


def test_staff_reservations_keep_a_childs_name_on_one_line(client, db):
    c = f.centre()
    s = f.slot(c)
    staff = f.user("staff", centre_id=c.id)
    parent = f.user()
    kid = f.child(parent, name="欧阳可欣")
    db.session.add(Reservation(slot_id=s.id, child_id=kid.id, parent_id=parent.id,
                               status="enrolled"))
    db.session.commit()
    login(client, staff)
    page = client.get("/staff/reservations").get_data(as_text=True)
    assert 'class="child-name nowrap"><span translate="no">欧阳可欣</span></th>' in page


def test_regulator_city_names_in_english(client, db):
    f.centre(f.district(city="西安"))
    reg = f.user("regulator")
    login(client, reg)
    page = client.get("/regulator?lang=en").get_data(as_text=True)
    assert "Xi&#39;an" in page or "Xi'an" in page
