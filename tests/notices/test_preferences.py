"""Choosing channels: the page (CSRF form) and `GET/PUT /api/v1/me/notification-preferences`,
bad input refused with nothing changed (docs/notices.md)."""
from sqlalchemy import select

from booking.audit.models import AuditEvent
from booking.extensions import db
from booking.notices.models import NotificationPreference
from booking.notices.preferences import rows_of
from tests import factories as f

URL = "/api/v1/me/notification-preferences"


def login(client, u):
    return client.post("/login", data={"login": u.email, "password": f.PASSWORD})


def prefs(user_id):
    db.session.expire_all()
    return rows_of(user_id)


def effective(body, kind, channel):
    return next(p["enabled"] for p in body["preferences"] if p["kind"] == kind and p["channel"] == channel)


def test_the_api_shows_the_defaults(client):
    u = f.user()
    resp = client.get(URL, headers=f.bearer(client, u))
    assert resp.status_code == 200
    body = resp.get_json()
    assert effective(body, "sent_home", "sms") is True
    assert effective(body, "offer_made", "sms") is False
    assert effective(body, "day_summary", "wechat") is False
    assert effective(body, "offer_made", "email") is True
    assert effective(body, "day_summary", "email") is False
    assert {c["channel"]: c["configured"] for c in body["channels"]} == {
        "email": False, "sms": False, "wechat": False}


def test_the_api_stores_choices_and_a_star_clears_per_kind_rows(client):
    u = f.user()
    h = f.bearer(client, u)
    resp = client.put(URL, headers=h, json={"preferences": [
        {"kind": "offer_made", "channel": "sms", "enabled": True}]})
    assert resp.status_code == 200
    assert effective(resp.get_json(), "offer_made", "sms") is True
    resp = client.put(URL, headers=h, json={"preferences": [
        {"kind": "*", "channel": "sms", "enabled": False}]})
    body = resp.get_json()
    assert effective(body, "offer_made", "sms") is False and effective(body, "sent_home", "sms") is False
    assert prefs(u.id) == {("*", "sms"): False}
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "notices.preferences_changed").limit(1))


def test_bad_input_is_a_problem_and_changes_nothing(client):
    u = f.user()
    h = f.bearer(client, u)
    for bad in ({"preferences": [{"kind": "no_such_kind", "channel": "sms", "enabled": True}]},
                {"preferences": [{"kind": "offer_made", "channel": "pigeon", "enabled": True}]},
                {"preferences": [{"kind": "offer_made", "channel": "sms", "enabled": "yes"}]},
                {"preferences": []}, {"preferences": "all"}, {}, [1]):
        resp = client.put(URL, headers=h, json=bad)
        assert resp.status_code in (400, 422), bad
        assert resp.content_type.startswith("application/problem+json")
    resp = client.put(URL, headers=h, data="{not json", content_type="application/json")
    assert 400 <= resp.status_code < 500
    assert prefs(u.id) == {}


def test_the_api_needs_a_token(client):
    assert client.get(URL).status_code == 401


def test_the_page_shows_and_saves_choices_per_group(client):
    u = f.user()
    login(client, u)
    page = client.get("/account/notifications")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="safety__sms"' in html and 'name="places__wechat"' in html
    # Tick SMS for places only; WeChat for nothing.
    resp = client.post("/account/notifications", data={"places__sms": "y"})
    assert resp.status_code == 302
    rows = prefs(u.id)
    assert rows[("offer_made", "sms")] is True and rows[("sent_home", "sms")] is False
    assert rows[("offer_made", "wechat")] is False
    html = client.get("/account/notifications").get_data(as_text=True)
    assert "checked" in tag(html, "places__sms") and "checked" not in tag(html, "safety__sms")


def tag(html, name):
    before, after = html.split(f'name="{name}"', 1)
    return before.rsplit("<input", 1)[1] + after.split(">", 1)[0]


def test_the_page_needs_a_signed_in_user(client):
    assert client.get("/account/notifications").status_code == 302


def test_the_form_is_protected_by_csrf(app, client):
    u = f.user()
    login(client, u)
    assert client.get("/account/notifications").status_code == 200
    app.config["WTF_CSRF_ENABLED"] = True
    resp = client.post("/account/notifications", data={"places__sms": "y"})
    assert resp.status_code in (400, 422)
    assert db.session.scalar(select(NotificationPreference).limit(1)) is None


def test_deleting_the_account_erases_choices_and_the_wechat_link(app):
    from booking.children import privacy
    from booking.notices.preferences import save

    u = f.user()
    u.wechat_openid = "o-openid-9"
    db.session.commit()
    save(u, [("*", "sms", True)])
    export = privacy.export_family(u)
    assert export["notices"] == [{"wechat_linked": True, "preferences": [
        {"kind": "*", "channel": "sms", "enabled": True}]}]
    privacy.delete_account(u, f.PASSWORD)
    db.session.expire_all()
    assert u.wechat_openid is None
    assert prefs(u.id) == {}
