"""Inline actions (htmx) on the attendance page and the verification list: the same POST
answers htmx with the changed row (a refusal: the row with its message, status 409 or 422,
which templates/_htmx.html tells htmx to swap) and anyone else with the redirect of old; the
CSRF token is still required; htmx loads only on these pages."""
import re
from datetime import date

from booking.health import services as health
from booking.health.models import HealthCheck
from booking.pickup import services as pickup
from booking.reservations import services as reservations
from tests import factories as f
from tests.health.test_attendance import enrol, world  # noqa: F401 (world: the fixture)

HX = {"HX-Request": "true"}


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def text(resp) -> str:
    return resp.get_data(as_text=True)


def arrive(client, r, headers=None, **data):
    return client.post(f"/staff/attendance/{r.id}/arrive", headers=headers or {},
                       data={"temperature_c": "36.6", "result": "pass", **data})


def test_arrival_answers_the_row_with_htmx(client, world):
    login(client, world["staff"])
    r = world["r"]
    resp = arrive(client, r, HX, group=world["group"].id)
    row = text(resp)
    assert resp.status_code == 200 and row.lstrip().startswith(f'<li class="card" id="r{r.id}">')
    assert "<html" not in row and world["kid"].name in row
    assert 'role="status"' in row and "已登记入园" in row and "晨检通过" in row
    # the next button is in the row, aimed at the row, keeping the class
    assert f'hx-post="/staff/attendance/{r.id}/depart"' in row and f'hx-target="#r{r.id}"' in row
    assert f'name="group" value="{world["group"].id}"' in row
    # the message was the row's: it does not wait in the session for the next page
    page = text(client.get(f"/staff/attendance?group={world['group'].id}"))
    assert "flash-success" not in page


def test_without_htmx_the_same_post_redirects_as_before(client, world):
    login(client, world["staff"])
    resp = arrive(client, world["r"], group=world["group"].id)
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/staff/attendance?group={world['group'].id}")
    assert "已登记入园" in text(client.get(resp.headers["Location"]))


def test_a_failed_morning_check_is_said_in_the_row(client, world):
    login(client, world["staff"])
    row = text(arrive(client, world["r"], HX, temperature_c="38.2"))
    assert "晨检未通过：请联系家长接回，已通知监护人" in row and 'role="alert"' in row


def test_refusals_come_back_in_their_row_with_their_status(client, world):
    login(client, world["staff"])
    r = world["r"]
    assert arrive(client, r, HX).status_code == 200
    again = arrive(client, r, HX)
    assert again.status_code == 409 and "今天已登记入园" in text(again)
    assert f'id="r{r.id}"' in text(again) and 'role="alert"' in text(again)
    bad = client.post(f"/staff/attendance/{r.id}/depart", headers=HX, data={})
    assert bad.status_code == 422 and "请选择接走孩子的人" in text(bad)
    assert f'id="r{r.id}"' in text(bad)
    grandma = pickup.add_person(world["kid"].id, world["parent"], name="外婆", relation="外婆",
                                phone="13800000000", id_last4="1234")
    gone = client.post(f"/staff/attendance/{r.id}/depart", headers=HX,
                       data={"collector": f"p{grandma.id}"})
    assert gone.status_code == 200 and "接走人：外婆" in text(gone)
    absent = client.post(f"/staff/attendance/{r.id}/absent", headers=HX)
    assert absent.status_code == 409 and "孩子今天已入园" in text(absent)


def test_another_centres_child_is_not_shown_even_for_a_bad_form(client, world):
    other = f.centre()
    os = f.slot(other, capacity=1, starts_on=date(2026, 11, 23))
    p = f.user()
    theirs = enrol(p, f.child(p, name="别家孩子"), os, f.user("staff", centre_id=other.id))
    login(client, world["staff"])
    resp = client.post(f"/staff/attendance/{theirs.id}/arrive", headers=HX, data={})
    assert resp.status_code == 404 and "别家孩子" not in text(resp)
    assert client.post(f"/staff/attendance/{theirs.id}/absent", headers=HX).status_code == 404


def test_verify_answers_its_row(client, world, db):
    check = health.submit(world["kid"].id, world["parent"], examined_on=date(2026, 11, 20),
                          institution="x", result="pass", vaccination_verified=True)
    login(client, world["staff"])
    listing = text(client.get("/staff/health"))
    assert f'hx-post="/health-checks/{check.id}/verify"' in listing
    resp = client.post(f"/health-checks/{check.id}/verify", headers=HX,
                       data={"next": "/staff/health"})
    row = text(resp)
    assert resp.status_code == 200 and row.lstrip().startswith(f'<tr id="check{check.id}">')
    assert "已核验体检记录" in row and "已核验" in row and "hx-post" not in row
    assert db.session.get(HealthCheck, check.id).status == "verified"
    again = client.post(f"/health-checks/{check.id}/verify", headers=HX)
    assert again.status_code == 409 and "该体检记录已核验" in text(again)
    # without htmx: the redirect of old
    fresh = health.submit(world["kid"].id, world["parent"], examined_on=date(2026, 11, 21),
                          institution="x", result="pass", vaccination_verified=True)
    resp = client.post(f"/health-checks/{fresh.id}/verify", data={"next": "/staff/health"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/health")


def test_verify_of_a_check_out_of_reach_is_404(client, world):
    p = f.user()
    kid = f.child(p)
    reservations.place_hold(slot_id=f.slot(f.centre()).id, child_id=kid.id, parent=p)
    check = health.submit(kid.id, p, examined_on=date(2026, 11, 20), institution="x",
                          result="pass", vaccination_verified=True)
    login(client, world["staff"])
    assert client.post(f"/health-checks/{check.id}/verify", headers=HX).status_code == 404


def test_the_csrf_token_is_still_required(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', text(client.get("/login")))
    assert client.post("/login", data={"login": world["staff"].email, "password": f.PASSWORD,
                                       "csrf_token": token.group(1)}).status_code == 302
    page = text(client.get("/staff/attendance"))
    header = re.search(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""", page)
    assert header, "the list sends the token as a header"
    r = world["r"]
    assert client.post(f"/staff/attendance/{r.id}/arrive", headers=HX,
                       data={"temperature_c": "36.6"}).status_code == 400
    ok = client.post(f"/staff/attendance/{r.id}/arrive",
                     headers={**HX, "X-CSRFToken": header.group(1)},
                     data={"temperature_c": "36.6", "result": "pass"})
    assert ok.status_code == 200 and "已登记入园" in text(ok)


def test_an_ended_session_takes_the_whole_page_to_the_login(client, world):
    resp = arrive(client, world["r"], HX)
    assert resp.status_code == 204 and "/login" in resp.headers["HX-Redirect"]


def test_htmx_loads_only_on_the_pages_that_use_it(client, world):
    login(client, world["staff"])
    for path in ("/staff/attendance", "/staff/health"):
        page = text(client.get(path))
        assert "js/htmx.min.js" in page and "js/inline.js" in page
        assert '"responseHandling"' in page and "409|422" in page
    for path in ("/staff/reservations", "/staff/slots"):
        assert "htmx" not in text(client.get(path))
    client.post("/logout")
    assert "htmx" not in text(client.get("/"))
