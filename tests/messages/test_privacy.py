"""Privacy of a child's conversation with its centre (docs/messages.md, "Who takes part"):
another family and another centre's staff are answered as if the thread did not exist (404);
roles without the messages actions (regulators, admins, finance staff) are refused (403) and
learn nothing; a staff member who leaves the centre, or a child who leaves, ends the staff's
access at once. Pages and the API alike."""
import pytest

from booking.messages import attachments, bulletins, services
from tests import factories as f
from tests.messages.conftest import PNG, login, upload

MISSING = ["other_parent", "far_parent", "loner", "holder", "far_staff", "far_carer"]
REFUSED = ["regulator", "admin", "finance"]


@pytest.fixture
def shared(world):
    w = world
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    msg = attachments.send_with_files([upload(PNG, "a.png")], lambda stored: services.post_message(
        thread.id, w.parent, "孩子过敏，请注意", stored))
    bulletin = bulletins.send(w.centre.id, w.director, title="托小一班通知", body="内容",
                              group_id=w.g1.id)
    return thread, msg.attachments[0].id, bulletin


def _pages(thread, attachment_id, bulletin):
    return [("GET", f"/messages/threads/{thread.id}"),
            ("POST", f"/messages/threads/{thread.id}"),
            ("GET", f"/messages/attachments/{attachment_id}"),
            ("GET", f"/messages/bulletins/{bulletin.id}")]


def _api(thread, attachment_id, bulletin):
    return [("GET", f"/api/v1/message-threads/{thread.id}", None),
            ("POST", f"/api/v1/message-threads/{thread.id}/messages", {"body": "你好"}),
            ("GET", f"/api/v1/message-attachments/{attachment_id}", None),
            ("GET", f"/api/v1/bulletins/{bulletin.id}", None)]


@pytest.mark.parametrize("who", MISSING + REFUSED)
def test_outsiders_get_nothing_on_pages(client, world, shared, who):
    thread, attachment_id, bulletin = shared
    login(client, getattr(world, who))
    for method, url in _pages(*shared):
        data = {"body": "你好"} if method == "POST" else None
        resp = client.open(url, method=method, data=data)
        if who in REFUSED:
            expected = 403
        elif url.startswith("/messages/bulletins/") and who in ("far_carer",):
            expected = 403  # a carer may not read bulletins at all
        else:
            expected = 404
        assert resp.status_code == expected, (who, method, url, resp.status_code)
        assert "孩子过敏" not in resp.get_data(as_text=True)


@pytest.mark.parametrize("who", MISSING + REFUSED)
def test_outsiders_get_nothing_from_the_api(client, world, shared, who):
    h = f.bearer(client, getattr(world, who))
    for method, url, body in _api(*shared):
        resp = client.open(url, method=method, json=body, headers=h)
        expected = 403 if who in REFUSED or (who == "far_carer" and "bulletins" in url) else 404
        assert resp.status_code == expected, (who, method, url, resp.status_code)
        assert resp.content_type == "application/problem+json"
    listing = client.get("/api/v1/message-threads", headers=h)
    if who not in REFUSED:
        assert all(t["id"] != shared[0].id for t in listing.get_json()["items"])


def test_lists_show_only_ones_own(client, world, shared):
    w = world
    other = services.open_thread(w.far_parent, w.far_kid.id, w.centre2.id)
    services.post_message(other.id, w.far_parent, "别家的消息")
    login(client, w.parent)
    page = client.get("/messages").get_data(as_text=True)
    assert "别家的消息" not in page and "赵小宝" not in page and "碑林区彩虹托育园" not in page
    client.post("/logout")
    login(client, w.director)
    inbox = client.get("/staff/messages").get_data(as_text=True)
    assert "赵小宝" not in inbox and "王小宝" in inbox
    client.post("/logout")
    login(client, w.other_parent)
    page = client.get("/messages").get_data(as_text=True)
    assert "王小宝" not in page and "托小一班通知" not in page  # a class bulletin stays there


def test_a_staff_member_who_leaves_loses_the_thread_pages_and_api(client, db, world, shared):
    thread, attachment_id, _bulletin = shared
    w = world
    login(client, w.health)
    h = f.bearer(client, w.health)
    assert client.get(f"/messages/threads/{thread.id}").status_code == 200
    w.health.centre_id = w.centre2.id
    db.session.commit()
    for url in (f"/messages/threads/{thread.id}", f"/messages/attachments/{attachment_id}"):
        assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/message-threads/{thread.id}", headers=h).status_code == 404
    assert "王小宝" not in client.get("/staff/messages").get_data(as_text=True)


def test_a_director_who_leaves_no_longer_counts_the_bulletin(client, db, world, shared):
    _thread, _a, bulletin = shared
    w = world
    login(client, w.director)
    assert client.get(f"/messages/bulletins/{bulletin.id}").status_code == 200
    w.director.centre_id = w.centre2.id
    db.session.commit()
    assert client.get(f"/messages/bulletins/{bulletin.id}").status_code == 404


def test_anonymous_are_sent_to_sign_in(client, shared):
    for method, url in _pages(*shared) + [("GET", "/messages"), ("GET", "/staff/messages")]:
        resp = client.open(url, method=method)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert client.get(f"/api/v1/message-threads/{shared[0].id}").status_code == 401
