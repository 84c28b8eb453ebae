"""Headers every answer carries (issue #12, item 10): no framing, a Content-Security-Policy
the pages keep to (no inline script or style without the nonce), nosniff, a referrer policy;
and nothing a signed-in person receives is cached."""
import re

from tests import factories as f


def login(client, user):
    assert client.post("/login", data={"login": user.email, "password": f.PASSWORD}).status_code == 302


def policy(resp) -> dict:
    csp = resp.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in csp.split(";")) if d}


def assert_keeps_to_policy(resp):
    """Every inline <script>/<style> carries this answer's nonce; no style or event-handler
    attribute (the policy refuses them, so the page would break in a browser)."""
    html = resp.get_data(as_text=True)
    nonce = next(s for s in policy(resp)["style-src"] if s.startswith("'nonce-"))[7:-1]
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag, tag
    assert not re.search(r"\s(style|on[a-z]+)\s*=", html), re.search(r".{40}\s(style|on[a-z]+)\s*=.{40}", html)


def test_framing_sniffing_and_referrer_on_every_answer(client):
    for url in ("/", "/login", "/api/v1/districts", "/no-such-page", "/static/js/app.js"):
        resp = client.get(url)
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert policy(resp)["frame-ancestors"] == ["'none'"]
        assert policy(resp)["script-src"] == ["'self'"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "same-origin"
        resp.close()


def test_public_pages_keep_to_the_policy(client):
    f.centre()
    for url in ("/", "/login", "/centres", "/sessions", "/registry", "/no-such-page"):
        assert_keeps_to_policy(client.get(url))


def test_staff_and_regulator_pages_keep_to_the_policy(client):
    c = f.centre()
    f.slot(c)
    reg = f.user("regulator")
    login(client, reg)
    for url in ("/regulator", "/regulator/audit"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert_keeps_to_policy(resp)
    client.post("/logout")
    login(client, f.user("staff", centre_id=c.id))
    for url in ("/staff/roster/print", "/staff/roster", "/staff/reservations", "/staff/health"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert_keeps_to_policy(resp)


def test_each_answer_has_its_own_nonce(client):
    assert policy(client.get("/"))["style-src"] != policy(client.get("/"))["style-src"]


def test_signed_in_answers_are_never_cached(client):
    c = f.centre()
    parent = f.user()
    kid = f.child(parent)
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(client, parent)
    for url in ("/", "/family", f"/children/{kid.id}/health", "/account/export", "/fees"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert "no-store" in resp.headers["Cache-Control"], url
    client.post("/logout")
    login(client, f.user("staff", centre_id=c.id))
    for url in ("/staff/reservations.csv", "/staff/health"):
        assert "no-store" in client.get(url).headers["Cache-Control"], url


def test_api_answers_to_a_token_are_never_cached(client):
    parent = f.user()
    f.child(parent)
    resp = client.get("/api/v1/children", headers=f.bearer(client, parent))
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
