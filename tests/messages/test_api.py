"""The messages API: threads listed, opened and read (read marks), messages sent as JSON
(Idempotency-Key replayed) or with files (multipart), files fetched, bulletins sent, listed
and read; refusals as problem documents."""
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.test import encode_multipart

from booking import clock
from booking.messages import services
from booking.messages.models import MAX_BODY, Message
from tests import factories as f
from tests.messages.conftest import MB, PDF, PNG, stored_files, upload


def _count(db):
    return db.session.scalar(select(func.count(Message.id)))


def _open(client, user, body):
    return client.post("/api/v1/message-threads", json=body, headers=f.bearer(client, user))


def test_a_guardian_opens_writes_and_reads_a_thread(client, db, world):
    w = world
    h = f.bearer(client, w.parent)
    resp = client.post("/api/v1/message-threads", json={"child_id": w.kid.id,
                                                        "centre_id": w.centre.id}, headers=h)
    assert resp.status_code == 200, resp.get_json()
    thread = resp.get_json()
    assert thread["centre_name"] == "雁塔区阳光托育中心" and thread["may_write"] is True
    url = f"/api/v1/message-threads/{thread['id']}"
    key = {"Idempotency-Key": "msg-1", **h}
    first = client.post(url + "/messages", json={"body": "明天请假一天"}, headers=key)
    again = client.post(url + "/messages", json={"body": "明天请假一天"}, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"] and _count(db) == 1
    sent = first.get_json()
    assert sent["side"] == "family" and sent["read_by_other_side"] is False

    staff = f.bearer(client, w.carer)
    listing = client.get("/api/v1/message-threads", headers=staff).get_json()
    assert listing["total"] == 1 and listing["items"][0]["unread"] == 1
    detail = client.get(url, headers=staff).get_json()
    assert detail["messages"]["items"][0]["body"] == "明天请假一天"
    assert detail["thread"]["unread"] == 0  # reading it marked it read
    answer = client.post(url + "/messages", json={"body": "好的，已登记"}, headers=staff)
    assert answer.status_code == 201
    assert answer.get_json()["author_name"] == "雁塔区阳光托育中心 · carer老师"

    mine = client.get(url, headers=h).get_json()["messages"]
    assert mine["total"] == 2
    assert [m["read_by_other_side"] for m in mine["items"]] == [True, True]


def test_open_refusals(client, world):
    w = world
    assert _open(client, w.parent, {"child_id": w.kid.id, "centre_id": w.centre2.id}) \
        .status_code == 422
    assert _open(client, w.parent, {"child_id": w.far_kid.id, "centre_id": w.centre2.id}) \
        .status_code == 404
    assert _open(client, w.carer, {"child_id": w.far_kid.id}).status_code == 404
    assert _open(client, w.carer, {"child_id": w.kid.id}).status_code == 200
    assert _open(client, w.regulator, {"child_id": w.kid.id}).status_code == 403


def test_message_refusals(client, db, world):
    w = world
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    url, h = f"/api/v1/message-threads/{thread.id}/messages", f.bearer(client, w.parent)
    for body in ({"body": ""}, {"body": "  "}, {"body": "x" * (MAX_BODY + 1)}, {}, {"body": 3}):
        resp = client.post(url, json=body, headers=h)
        assert resp.status_code == 422, body
        assert resp.content_type == "application/problem+json"
        assert "body" in resp.get_json()["errors"]
    assert client.post(url, data="{", content_type="application/json", headers=h).status_code == 400
    other = f.bearer(client, w.other_parent)
    assert client.post(url, json={"body": "hi"}, headers=other).status_code == 404
    assert _count(db) == 0


def _files(client, thread_id, user, files, body=None, headers=None):
    data = {"file": [upload(content, name) for name, content in files]}
    if body is not None:
        data["body"] = body
    # Encoded in memory: the test client's own temporary file for big bodies is never closed.
    boundary, raw = encode_multipart(data)
    return client.post(f"/api/v1/message-threads/{thread_id}/files", data=raw,
                       content_type=f"multipart/form-data; boundary={boundary}",
                       headers={**f.bearer(client, user), **(headers or {})})


def test_files_are_sent_and_fetched_by_participants_only(app, client, db, world):
    w = world
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    resp = _files(client, thread.id, w.parent, [("rash.png", PNG), ("note.pdf", PDF)], "起疹子了")
    assert resp.status_code == 201, resp.get_json()
    sent = resp.get_json()
    assert sent["body"] == "起疹子了"
    assert [a["content_type"] for a in sent["attachments"]] == ["image/png", "application/pdf"]
    url = sent["attachments"][0]["url"]
    got = client.get(url, headers=f.bearer(client, w.health))
    assert got.status_code == 200 and got.data == PNG and got.mimetype == "image/png"
    assert "no-store" in got.headers["Cache-Control"]
    for outsider, status in ((w.other_parent, 404), (w.far_staff, 404), (w.far_parent, 404),
                             (w.regulator, 403), (w.admin, 403), (w.finance, 403)):
        assert client.get(url, headers=f.bearer(client, outsider)).status_code == status


def test_file_refusals(app, client, db, world):
    w = world
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    bad = _files(client, thread.id, w.parent, [("x.png", b"GIF89a" + b"\x00" * 40)])
    assert bad.status_code == 422 and "attachment" in bad.get_json()["errors"]
    big = _files(client, thread.id, w.parent, [("x.pdf", b"%PDF-1.4\n" + b"0" * (5 * MB + 10))])
    assert big.status_code == 422 and "5 MB" in big.get_json()["errors"]["attachment"][0]
    huge = _files(client, thread.id, w.parent, [("x.pdf", b"%PDF-1.4\n" + b"0" * (6 * MB))])
    assert huge.status_code == 413 and huge.content_type == "application/problem+json"
    none = _files(client, thread.id, w.parent, [])
    assert none.status_code == 422 and "file" in none.get_json()["errors"]
    json_sent = client.post(f"/api/v1/message-threads/{thread.id}/files", json={"body": "x"},
                            headers=f.bearer(client, w.parent))
    assert json_sent.status_code == 422
    stranger = _files(client, thread.id, w.far_parent, [("a.png", PNG)])
    assert stranger.status_code == 404
    assert stored_files(app) == [] and _count(db) == 0


def test_staff_see_the_flag_and_lose_access_when_they_move(client, db, world):
    w = world
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    services.post_message(thread.id, w.parent, "请回复")
    clock.advance(timedelta(hours=24))
    h = f.bearer(client, w.director)
    item = client.get("/api/v1/message-threads", headers=h).get_json()["items"][0]
    assert item["flagged"] is True and item["awaiting_reply_since"]
    h_carer = f.bearer(client, w.carer)
    assert client.get(f"/api/v1/message-threads/{thread.id}", headers=h_carer).status_code == 200
    w.carer.centre_id = w.centre2.id
    db.session.commit()
    assert client.get(f"/api/v1/message-threads/{thread.id}", headers=h_carer).status_code == 404
    assert client.get("/api/v1/message-threads", headers=h_carer).get_json()["total"] == 0


def test_bulletins_through_the_api(client, db, world):
    w = world
    h = f.bearer(client, w.director)
    url = f"/api/v1/centres/{w.centre.id}/bulletins"
    key = {"Idempotency-Key": "b-1", **h}
    resp = client.post(url, json={"title": "停水通知", "body": "周三上午停水。"}, headers=key)
    assert resp.status_code == 201, resp.get_json()
    again = client.post(url, json={"title": "停水通知", "body": "周三上午停水。"}, headers=key)
    assert again.get_json()["id"] == resp.get_json()["id"]
    sent = resp.get_json()
    assert (sent["recipients"], sent["read"]) == (3, 0)
    assert client.post(url, json={"title": "", "body": "x"}, headers=h).status_code == 422
    assert client.post(url, json={"title": "x", "body": "y", "group_id": 999999},
                       headers=h).status_code == 422
    far = f"/api/v1/centres/{w.centre2.id}/bulletins"
    assert client.post(far, json={"title": "x", "body": "y"}, headers=h).status_code == 404
    assert client.post(url, json={"title": "x", "body": "y"},
                       headers=f.bearer(client, w.carer)).status_code == 403

    hp = f.bearer(client, w.parent)
    mine = client.get("/api/v1/bulletins", headers=hp).get_json()
    assert mine["total"] == 1 and mine["items"][0]["read_at"] is None
    one = client.get(f"/api/v1/bulletins/{sent['id']}", headers=hp).get_json()
    assert one["read_at"] and one["body"] == "周三上午停水。" and one["recipients"] is None
    counted = client.get("/api/v1/bulletins", headers=h).get_json()["items"][0]
    assert (counted["read"], counted["recipients"]) == (1, 3)
    for outsider, status in ((w.far_parent, 404), (w.holder, 404), (w.far_staff, 404),
                             (w.carer, 403), (w.regulator, 403)):
        got = client.get(f"/api/v1/bulletins/{sent['id']}", headers=f.bearer(client, outsider))
        assert got.status_code == status, outsider.name


def test_a_retried_upload_is_the_same_request_whatever_its_boundary(app, client, db, world):
    w = world
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    key = {"Idempotency-Key": "upload-rash-1"}
    first = _files(client, thread.id, w.parent, [("rash.png", PNG)], "起疹子了", key)
    again = _files(client, thread.id, w.parent, [("rash.png", PNG)], "起疹子了", key)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    assert _count(db) == 1
    other = _files(client, thread.id, w.parent, [("rash.png", PDF)], "起疹子了", key)
    assert other.status_code == 422  # the same key for another file
    assert _count(db) == 1
