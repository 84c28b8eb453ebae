"""Messages pages: the family's page and thread, the staff inbox and thread, the director's
bulletins; refusals re-rendered with the input kept (422); files served to participants only."""
import re
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.test import encode_multipart

from booking import clock
from booking.messages import bulletins, services
from booking.messages.models import MAX_BODY, Message
from tests.messages.conftest import MB, PDF, PNG, login, stored_files, upload


def _post(client, url, data):
    # Encoded in memory: the test client's own temporary file for big bodies is never closed.
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _reply(client, thread_id, body="", files=()):
    data = {"body": body}
    if files:
        data["attachments"] = [upload(content, name) for name, content in files]
    return _post(client, f"/messages/threads/{thread_id}", data)


def _count(db):
    return db.session.scalar(select(func.count(Message.id)))


def test_a_family_starts_a_conversation_and_the_centre_answers(app, client, db, world):
    w = world
    login(client, w.parent)
    page = client.get("/messages").get_data(as_text=True)
    assert "雁塔区阳光托育中心" in page and "王小宝" in page
    resp = client.post("/messages/threads", data={"child_id": w.kid.id, "centre_id": w.centre.id})
    assert resp.status_code == 302
    thread_url = resp.headers["Location"]
    thread_id = int(thread_url.rsplit("/", 1)[1])
    resp = _reply(client, thread_id, "老师好，孩子今天咳嗽，请多留意。", [("cough.png", PNG)])
    assert resp.status_code == 302 and "#m" in resp.headers["Location"]
    page = client.get(thread_url).get_data(as_text=True)
    assert "请多留意" in page and "未读" in page and "王妈妈（家长）" in page
    assert len(stored_files(app)) == 1

    client.post("/logout")
    login(client, w.carer)
    inbox = client.get("/staff/messages").get_data(as_text=True)
    assert "王小宝 的家长" in inbox and "1 条未读" in inbox
    assert client.get("/messages").headers["Location"].endswith("/staff/messages")
    page = client.get(thread_url).get_data(as_text=True)
    assert "您以 雁塔区阳光托育中心 的名义回复" in page
    img = re.search(r'<img src="(/messages/attachments/\d+)"', page).group(1)
    got = client.get(img)
    assert got.status_code == 200 and got.data == PNG and got.mimetype == "image/png"
    assert "no-store" in got.headers["Cache-Control"]
    assert _reply(client, thread_id, "好的，会多给他喝水。").status_code == 302

    client.post("/logout")
    login(client, w.parent)
    page = client.get(thread_url).get_data(as_text=True)
    assert "雁塔区阳光托育中心 · carer老师" in page   # the centre's name and the staff member's
    assert "13900000001" not in page                  # never a personal phone
    assert "已读" in page                              # the carer read the family's message


def test_an_empty_message_is_refused_with_the_form(client, db, world):
    w = world
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    login(client, w.parent)
    resp = _reply(client, thread.id, "   ")
    assert resp.status_code == 422
    assert "请写下消息内容，或附上照片、文件" in resp.get_data(as_text=True)
    assert _count(db) == 0


def test_a_message_too_long_keeps_what_was_typed(client, db, world):
    w = world
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    login(client, w.parent)
    text = "长" * (MAX_BODY + 5)
    resp = _reply(client, thread.id, text)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert f"消息最多 {MAX_BODY} 个字" in page and text in page
    assert _count(db) == 0


def test_a_file_of_the_wrong_type_is_refused_and_not_kept(app, client, db, world):
    w = world
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    login(client, w.parent)
    resp = _reply(client, thread.id, "看看这个", [("virus.png", b"MZ\x90\x00" + b"\x00" * 64)])
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "只能上传 JPG、PNG 图片或 PDF 文件" in page and "看看这个" in page
    assert stored_files(app) == [] and _count(db) == 0


def test_a_file_just_over_the_limit_is_refused_with_the_form(app, client, db, world):
    w = world
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    login(client, w.parent)
    resp = _reply(client, thread.id, "体检表", [("scan.pdf", b"%PDF-1.4\n" + b"0" * (5 * MB + 10))])
    assert resp.status_code == 422
    assert "文件不能超过 5 MB" in resp.get_data(as_text=True)
    assert stored_files(app) == [] and _count(db) == 0
    resp = _reply(client, thread.id, "", [("scan.pdf", b"%PDF-1.4\n" + b"0" * (8 * MB))])
    assert resp.status_code == 413 and "5 MB" in resp.get_data(as_text=True)


def test_a_pdf_is_downloaded_by_participants_only(app, client, db, world):
    w = world
    from booking.messages import attachments
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    msg = attachments.send_with_files([upload(PDF, "note.pdf")], lambda stored: (
        services.post_message(thread.id, w.health, "病假条", stored)))
    url = f"/messages/attachments/{msg.attachments[0].id}"
    login(client, w.parent2)
    got = client.get(url)
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Disposition"].startswith("attachment")
    for outsider, status in ((w.other_parent, 404), (w.far_staff, 404), (w.regulator, 403),
                             (w.finance, 403)):
        client.post("/logout")
        login(client, outsider)
        assert client.get(url).status_code == status, outsider.name


def test_the_staff_inbox_flags_unanswered_threads(client, db, world):
    w = world
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    services.post_message(thread.id, w.parent, "请回电")
    clock.advance(timedelta(hours=25))
    login(client, w.director)
    inbox = client.get("/staff/messages").get_data(as_text=True)
    assert "1 个对话超过 24 小时未回复" in inbox and "超过 24 小时未回复" in inbox
    page = client.get(f"/messages/threads/{thread.id}").get_data(as_text=True)
    assert "已超过 24 小时未回复" in page
    _reply(client, thread.id, "抱歉回复晚了")
    assert "个对话超过 24 小时未回复" not in client.get("/staff/messages").get_data(as_text=True)


def test_staff_start_a_conversation_from_the_inbox(client, db, world):
    w = world
    login(client, w.carer)
    inbox = client.get("/staff/messages").get_data(as_text=True)
    assert "给家长发消息" in inbox and "张小宝" in inbox
    resp = client.post("/messages/threads", data={"child_id": w.other_kid.id})
    assert resp.status_code == 302 and "/messages/threads/" in resp.headers["Location"]
    resp = client.post("/messages/threads", data={"child_id": w.far_kid.id})
    assert resp.status_code == 404


def test_a_family_with_a_child_who_left_reads_only(client, db, world):
    w = world
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    services.post_message(thread.id, w.carer, "再见")
    w.enrolment.leaves_on = clock.today() - timedelta(days=1)
    db.session.commit()
    login(client, w.parent)
    page = client.get(f"/messages/threads/{thread.id}").get_data(as_text=True)
    assert "这段对话只能查看" in page and 'name="body"' not in page
    resp = _reply(client, thread.id, "还在吗")
    assert resp.status_code == 409 and _count(db) == 1


def test_the_director_sends_a_bulletin_and_counts_reads(client, db, world):
    w = world
    login(client, w.director)
    page = client.get("/staff/bulletins").get_data(as_text=True)
    assert "全园所有在读孩子的家长" in page and "托小一班 的家长" in page
    resp = client.post("/staff/bulletins", data={"group_id": "", "title": "元旦放假",
                                                 "body": "1月1日放假。"})
    assert resp.status_code == 302
    page = client.get("/staff/bulletins").get_data(as_text=True)
    assert "通知已发送给 3 位家长" in page and "已读 0 / 3" in page
    resp = client.post("/staff/bulletins", data={"group_id": str(w.g1.id), "title": "",
                                                 "body": "春游"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "请填写标题" in page and "春游" in page

    client.post("/logout")
    login(client, w.parent)
    listing = client.get("/messages").get_data(as_text=True)
    assert "元旦放假" in listing and "未读" in listing
    bid = bulletins.of_centre(w.centre.id)[0][0].bulletin.id
    page = client.get(f"/messages/bulletins/{bid}").get_data(as_text=True)
    assert "1月1日放假。" in page
    client.post("/logout")
    login(client, w.director)
    assert "已读 1 / 3 位家长" in client.get(f"/messages/bulletins/{bid}").get_data(as_text=True)


def test_carers_do_not_send_bulletins(client, world):
    login(client, world.carer)
    assert client.get("/staff/bulletins").status_code == 403
    assert client.post("/staff/bulletins", data={"title": "x", "body": "y"}).status_code == 403


def test_the_nav_links_messages(client, world):
    login(client, world.parent)
    assert 'href="/messages"' in client.get("/messages").get_data(as_text=True)
    client.post("/logout")
    login(client, world.carer)
    assert 'href="/staff/messages"' in client.get("/staff/messages").get_data(as_text=True)


def test_the_pages_render_in_english_too(client, db, world):
    w = world
    thread = services.open_thread(w.parent, w.kid.id, w.centre.id)
    services.post_message(thread.id, w.carer, "你好")
    login(client, w.parent)
    for url in ("/messages?lang=en", f"/messages/threads/{thread.id}?lang=en"):
        assert client.get(url).status_code == 200
    client.post("/logout")
    login(client, w.director)
    for url in ("/staff/messages?lang=en", "/staff/bulletins?lang=en",
                f"/messages/threads/{thread.id}?lang=en"):
        assert client.get(url).status_code == 200
