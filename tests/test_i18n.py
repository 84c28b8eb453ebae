"""Chinese by default, English on request: the browser's language, the switch (remembered in
the session and the account), and API problem details in the request's language.

English strings are read from the catalog, so rewording a translation does not break these
tests; a message the catalog does not translate yet is skipped, not failed."""
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from booking.auth.models import User
from booking.extensions import babel
from tests import factories as f

TRANSLATIONS = Path(__file__).resolve().parent.parent / "booking" / "translations"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs():
    """`make test` compiles the catalogs; a bare `pytest` may find them missing or stale."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as src:
                catalog = read_po(src, locale=po.parent.parent.name)
            with mo.open("wb") as out:
                write_mo(out, catalog)
    domain = vars(babel).get("domain_instance")  # made, and cached, on first use
    if domain is not None:
        domain.cache.clear()  # translations loaded before the compile
    yield


@pytest.fixture(scope="module")
def english():
    with EN_PO.open("rb") as src:
        catalog = read_po(src)

    def en(msgid, **params):
        message = catalog.get(msgid)
        if message is None or not message.string or message.fuzzy:
            pytest.skip(f"the English catalog does not translate {msgid!r} yet")
        return message.string % params if params else message.string

    return en


EN = {"Accept-Language": "en-GB,en;q=0.9"}


def text(resp):
    return resp.get_data(as_text=True)


def test_home_page_is_chinese_by_default(client):
    html = text(client.get("/"))
    assert '<html lang="zh-Hans">' in html
    assert "托育" in html and "找托育机构" in html


@pytest.mark.parametrize("header", ["zh-CN,zh;q=0.9", "zh-TW", "zh", "fr-FR,fr;q=0.9", ""])
def test_chinese_for_chinese_and_unsupported_browser_languages(client, header):
    html = text(client.get("/", headers={"Accept-Language": header} if header else {}))
    assert '<html lang="zh-Hans">' in html and "找托育机构" in html


def test_english_browser_gets_english(client, english):
    html = text(client.get("/", headers=EN))
    assert '<html lang="en">' in html
    assert english("找托育机构") in html
    assert "找托育机构" not in html


def test_english_preferred_over_chinese_by_quality(client):
    html = text(client.get("/", headers={"Accept-Language": "en;q=0.9,zh-CN;q=0.5"}))
    assert '<html lang="en">' in html
    html = text(client.get("/", headers={"Accept-Language": "zh-CN;q=0.9,en;q=0.5"}))
    assert '<html lang="zh-Hans">' in html


def test_lang_query_parameter(client):
    assert '<html lang="en">' in text(client.get("/?lang=en"))
    assert '<html lang="zh-Hans">' in text(client.get("/?lang=zh", headers=EN))


def test_switch_is_remembered_in_the_session(client, english):
    resp = client.post("/lang/en", data={"next": "/centres"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/centres"
    html = text(client.get("/centres"))
    assert '<html lang="en">' in html
    assert english("找托育机构") in html
    # It stays English on the next pages, whatever the browser says.
    html = text(client.get("/", headers={"Accept-Language": "zh-CN"}))
    assert '<html lang="en">' in html
    client.post("/lang/zh", data={"next": "/"})
    assert '<html lang="zh-Hans">' in text(client.get("/", headers=EN))


def test_switch_never_redirects_off_site(client):
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""):
        resp = client.post("/lang/en", data={"next": target})
        assert resp.headers["Location"] == "/", target


def test_switch_is_remembered_in_the_account(client, db):
    user = f.user(email="a@example.com")
    assert user.locale == "zh_Hans_CN"
    client.post("/login", data={"login": "a@example.com", "password": f.PASSWORD})
    client.post("/lang/en", data={"next": "/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    # A new browser: after logging in the account's language applies.
    other = client.application.test_client()
    other.post("/login", data={"login": "a@example.com", "password": f.PASSWORD})
    assert '<html lang="en">' in text(other.get("/"))
    other.post("/lang/zh", data={"next": "/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "zh_Hans_CN"


def test_signing_up_in_english_keeps_english(client, db):
    client.post("/lang/en", data={"next": "/signup"})
    resp = client.post("/signup", data={"name": "Amy", "email": "amy@example.com",
                                        "password": "Secret-123", "confirm": "Secret-123",
                                        "consent": "y"})
    assert resp.status_code == 302
    assert db.session.scalar(select(User.locale).where(User.email == "amy@example.com")) == "en"


def test_form_errors_in_english(client, english):
    resp = client.post("/login", data={"login": "", "password": ""}, headers=EN)
    assert resp.status_code == 422
    assert english("请填写邮箱或手机号") in text(resp)
    assert "请填写邮箱或手机号" not in text(resp)


def test_search_page_error_in_english(client, english):
    resp = client.get("/centres?age_band=bogus", headers=EN)
    assert resp.status_code == 422
    assert '<html lang="en">' in text(resp)


def test_api_problems_in_the_requests_language(client, english):
    zh = client.get("/api/v1/me").get_json()
    assert zh["title"] == "请先登录"
    en = client.get("/api/v1/me", headers=EN).get_json()
    assert en["title"] == english("请先登录")

    resp = client.post("/api/v1/auth/token", json={}, headers=EN)
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["title"] == english("提交的信息有误")
    assert body["errors"]["email"] == [english("必填")]

    resp = client.post("/api/v1/auth/token", data="{", content_type="application/json",
                       headers=EN)
    assert resp.status_code == 400
    assert resp.get_json()["title"] == english("请求格式不正确")

    resp = client.get("/api/v1/centres/999999", headers=EN)
    assert resp.status_code == 404
    assert resp.get_json()["title"] == english("找不到该记录")

    resp = client.get("/api/v1/no-such-thing", headers=EN)
    assert resp.status_code == 404
    assert resp.get_json()["title"] == english("找不到该页面或记录")
    # The next request without the header is Chinese again: nothing sticks between requests.
    assert client.get("/api/v1/no-such-thing").get_json()["title"] == "找不到该页面或记录"


def test_service_messages_in_english(client, english):
    f.user(email="a@example.com")
    resp = client.post("/api/v1/auth/token", json={"email": "a@example.com",
                                                   "password": "Wrong-pass-1"}, headers=EN)
    assert resp.status_code == 401
    assert resp.get_json()["detail"] == english("邮箱或密码不正确")


def test_centre_names_in_english_where_known(client, english):
    d = f.district()
    f.centre(d, name="阳光托育中心", name_en="Sunshine Childcare")
    f.centre(d, name="彩虹托育点")
    html = text(client.get("/centres", headers=EN))
    assert "Sunshine Childcare" in html and "阳光托育中心" not in html
    assert "彩虹托育点" in html  # no English name: the Chinese one
    html = text(client.get("/centres"))
    assert "阳光托育中心" in html
