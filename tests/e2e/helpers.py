"""What the journeys share: the JSON API as a family, a centre or a regulator calls it (to
make a journey's world), and the phone-sized browser's sign-in, screenshots and width check."""
import json
import re
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail on CI) with the reason
    expect = None

PHONE = {"width": 360, "height": 780}


def beijing_today():
    """Today as the server sees it (Beijing): from 16:00 UTC the machine's date.today() is
    still yesterday there, and a form would refuse it as past."""
    from datetime import datetime

    from booking.clock import LOCAL
    return datetime.now(LOCAL).date()


def call(url, method="GET", body=None, token=None):
    """(status, the JSON answer — or its text when it is not JSON)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw, code = resp.read(), resp.status
    except urllib.error.HTTPError as err:
        with err:
            raw, code = err.read(), err.code
    try:
        return code, json.loads(raw or b"null")
    except ValueError:
        return code, raw.decode("utf-8", "replace")


def api(server, method, path, body=None, token=None, status=None):
    """The answer to `method path` on the journey's server; `status`: the one it must be."""
    code, payload = call(server.url(path), method, body, token)
    if status is not None:
        assert code == status, (method, path, code, payload)
    return payload


def token(server, email, password):
    """{"token", "user", ...} for a seeded or new account."""
    return api(server, "POST", "/api/v1/auth/token", {"email": email, "password": password},
               status=200)


def family(server, name, tag):
    """A new parent account: (email, password, token)."""
    email, password = f"{tag}-{uuid.uuid4().hex[:8]}@e2e.example", "Journey-pass-2026!"
    api(server, "POST", "/api/v1/auth/register",
        {"email": email, "password": password, "name": name, "phone": None}, status=201)
    return email, password, token(server, email, password)["token"]


def child(server, tok, name, birth_date, twin_of=None):
    body = {"name": name, "birth_date": birth_date.isoformat()}
    if twin_of is not None:
        body["twin_of"] = twin_of
    return api(server, "POST", "/api/v1/children", body, token=tok, status=201)


def own_date(days):
    """A start `days` from today that no seeded slot has (theirs start on the 1st or the 4th
    of a month), so a page's row for it is the journey's own."""
    day = beijing_today() + timedelta(days=days)
    while day.day in (1, 4):
        day += timedelta(days=1)
    return day


def slot(server, staff, category, fee_fen, capacity, starts_on, band="toddler"):
    """A slot at the staff member's centre (`staff`: its token answer)."""
    centre_id = staff["user"]["centre_id"]
    return api(server, "POST", f"/api/v1/centres/{centre_id}/slots", {
        "age_band": band, "care_type": "full_day", "category": category,
        "capacity": capacity, "monthly_fee_fen": fee_fen, "starts_on": starts_on.isoformat()},
        token=staff["token"], status=201)


# --- the browser -------------------------------------------------------------------------------

def phone(new_context):
    return new_context(viewport=PHONE, locale="zh-CN").new_page()


def log_in(page, email, password):
    page.goto("/login")
    page.get_by_label("邮箱或手机号").fill(email)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("banner").get_by_role("button", name="退出")).to_be_visible()


def menu(page):
    """Where the signed-in role's pages are linked: the header's menu on a wide screen; on a
    phone (≤ 640 px), where that menu folds away, the 我的 / 更多 page the bottom tab bar leads
    to (its main region holds the same links)."""
    expect(page.get_by_role("banner").get_by_role("button", name="退出")).to_be_visible()
    tabs = page.get_by_role("navigation", name="底部导航")
    if tabs.count() and tabs.is_visible():
        tabs.get_by_role("link", name=re.compile(r"^(我的|更多)")).click()
        expect(page).to_have_url(re.compile(r"/me$"))
        return page.get_by_role("main")
    return page.get_by_role("banner")


def fits_the_phone(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url}: scrollWidth {widths[0]} > {widths[1]}"


def shot(page, tmp_path, name, at=None):
    """The screen, scrolled to `at` (a locator) when given, saved for a person to look at; and
    the page must not scroll sideways."""
    fits_the_phone(page)
    if at is not None:
        at.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"{name}.png"))
