"""Messages services: who opens and writes a thread, read receipts, notices without
flooding, the inbox's order and its 24-hour flag, and the refusals (empty, too long, files
of the wrong type or size, a child not at the centre, a child or a staff member gone)."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.audit.services import mark_read
from booking.errors import Conflict, NotFound, ValidationFailed
from booking.messages import access, attachments, queries, services
from booking.messages.models import MAX_BODY, Message, MessageAttachment, Thread, ThreadReader
from tests.messages.conftest import MB, PDF, PNG, stored_files, upload


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _notices(db, user, kind="message_received", unread_only=True):
    where = [Notification.user_id == user.id, Notification.kind == kind]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    return _count(db, Notification, *where)


def _thread(w):
    return services.open_thread(w.parent, w.kid.id, w.centre.id)


# --- opening a thread ---------------------------------------------------------------------

def test_a_guardian_opens_the_one_thread_of_a_child_and_centre(db, world):
    w = world
    first = _thread(w)
    again = services.open_thread(w.parent2, w.kid.id, w.centre.id)
    by_staff = services.open_thread(w.carer, w.kid.id)
    assert first.id == again.id == by_staff.id
    assert _count(db, Thread) == 1
    assert _count(db, AuditEvent, AuditEvent.action == "message_thread.opened") == 1


def test_a_held_place_is_enough_to_talk(db, world):
    w = world
    thread = services.open_thread(w.holder, w.held_kid.id, w.centre.id)
    services.post_message(thread.id, w.holder, "入托前要准备什么？")
    assert services.read_thread(thread.id, w.director).id == thread.id


def test_a_thread_of_a_child_not_at_the_centre_is_refused(db, world):
    w = world
    with pytest.raises(ValidationFailed) as err:
        services.open_thread(w.parent, w.kid.id, w.centre2.id)
    assert "centre_id" in err.value.errors
    with pytest.raises(ValidationFailed):
        services.open_thread(w.loner, w.lone_kid.id, w.centre.id)
    with pytest.raises(NotFound):  # not their child
        services.open_thread(w.parent, w.far_kid.id, w.centre2.id)
    with pytest.raises(NotFound):  # staff: a child of another centre
        services.open_thread(w.director, w.far_kid.id)
    with pytest.raises(NotFound):  # staff: naming another centre
        services.open_thread(w.director, w.kid.id, w.centre2.id)
    for outsider in (w.finance, w.regulator, w.admin):
        with pytest.raises(NotFound):
            services.open_thread(outsider, w.kid.id, w.centre.id)
    assert _count(db, Thread) == 0


# --- writing and notices --------------------------------------------------------------------

def test_a_family_message_tells_the_care_staff_once_until_they_read(db, world):
    w = world
    thread = _thread(w)
    for text in ("孩子今天有点咳嗽", "麻烦多喝水", "谢谢老师"):
        services.post_message(thread.id, w.parent, text)
    for staff in (w.director, w.carer, w.health):
        assert _notices(db, staff) == 1, staff.staff_role
    assert _notices(db, w.finance) == 0 and _notices(db, w.far_staff) == 0
    assert _notices(db, w.parent) == 0 and _notices(db, w.parent2) == 0  # own side

    services.read_thread(thread.id, w.carer)  # reading the thread reads its notice
    assert _notices(db, w.carer) == 0
    services.post_message(thread.id, w.parent, "还有一件事")
    assert _notices(db, w.carer) == 1
    assert _notices(db, w.director, unread_only=False) == 1  # still the one unread notice

    mark_read(w.director)  # the inbox read it: the next message is news again
    services.post_message(thread.id, w.parent, "再补充一下")
    assert _notices(db, w.director) == 1


def test_the_centre_speaks_to_every_guardian(db, world):
    w = world
    thread = _thread(w)
    msg = services.post_message(thread.id, w.carer, "  今天午睡很好  ")
    assert (msg.side, msg.body) == ("centre", "今天午睡很好")
    assert _notices(db, w.parent) == 1 and _notices(db, w.parent2) == 1
    assert _notices(db, w.director) == 0  # the centre's own side is not told
    note = db.session.scalar(select(Notification).where(Notification.user_id == w.parent.id))
    assert "13900000001" not in (note.params or "")  # never the staff member's phone
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "message.sent"))
    assert "午睡" not in (event.after or "")  # the log says who wrote, not what


def test_read_receipts_per_side(db, world):
    w = world
    thread = _thread(w)
    asked = services.post_message(thread.id, w.parent, "请问明天几点接？")
    marks = queries.read_up_to(thread.id)
    assert not queries.read_by_other_side(asked, marks)
    services.read_thread(thread.id, w.health)
    marks = queries.read_up_to(thread.id)
    assert queries.read_by_other_side(asked, marks)
    answer = services.post_message(thread.id, w.health, "下午四点半")
    assert not queries.read_by_other_side(answer, queries.read_up_to(thread.id))
    services.read_thread(thread.id, w.parent2)  # any guardian reading counts for the family
    assert queries.read_by_other_side(answer, queries.read_up_to(thread.id))
    reader = db.session.scalar(select(ThreadReader).where(ThreadReader.user_id == w.parent2.id))
    assert reader.side == "family" and reader.last_read_message_id == answer.id


def test_a_receipt_never_goes_back(db, world):
    w = world
    thread = _thread(w)
    services.post_message(thread.id, w.parent, "一")
    services.read_thread(thread.id, w.carer)
    reader = db.session.scalar(select(ThreadReader).where(ThreadReader.user_id == w.carer.id))
    upto = reader.last_read_message_id
    services._advance(reader, upto - 1, clock.now())
    assert reader.last_read_message_id == upto


def test_empty_and_too_long_messages_are_refused_and_leave_nothing(db, world):
    w = world
    thread = _thread(w)
    for body in ("", "   \n ", "x" * (MAX_BODY + 1), "a\x00b"):
        with pytest.raises(ValidationFailed) as err:
            services.post_message(thread.id, w.parent, body)
        assert "body" in err.value.errors
    assert _count(db, Message) == 0 and _count(db, Notification) == 0
    assert _count(db, AuditEvent, AuditEvent.action == "message.sent") == 0
    assert services.post_message(thread.id, w.parent, "字" * MAX_BODY).body == "字" * MAX_BODY


def test_a_message_may_be_only_a_photo(app, db, world):
    w = world
    thread = _thread(w)
    msg = attachments.send_with_files([upload(PNG, "photo.png"), upload(PDF, "note.pdf")],
                                      lambda stored: services.post_message(
                                          thread.id, w.parent, "", stored))
    assert msg.body == ""
    kinds = [a.content_type for a in db.session.scalars(select(MessageAttachment))]
    assert kinds == ["image/png", "application/pdf"]
    assert len(stored_files(app)) == 2


@pytest.mark.parametrize("files", [
    [("exe.png", b"MZ\x90\x00" + b"\x00" * 100)],              # not an image by content
    [("photo.pdf", PNG)],                                      # name and content disagree
    [("ok.png", PNG), ("bad.gif", b"GIF89a" + b"\x00" * 50)],  # one bad of two: neither kept
    [("big.pdf", b"%PDF-1.4\n" + b"0" * (5 * MB))],            # over the limit
    [("empty.png", b"")],
    [(f"p{i}.png", PNG) for i in range(4)],                    # more than three
])
def test_files_of_the_wrong_type_or_size_are_refused(app, db, world, files):
    w = world
    thread = _thread(w)
    with pytest.raises(ValidationFailed) as err:
        attachments.send_with_files([upload(data, name) for name, data in files],
                                    lambda stored: services.post_message(
                                        thread.id, w.parent, "看看", stored))
    assert "attachment" in err.value.errors
    assert stored_files(app) == [] and _count(db, Message) == 0


def test_files_of_a_refused_message_are_not_kept(app, db, world):
    w = world
    thread = _thread(w)
    with pytest.raises(ValidationFailed):
        attachments.send_with_files([upload(PNG, "a.png")], lambda stored: services.post_message(
            thread.id, w.parent, "x" * (MAX_BODY + 1), stored))
    assert stored_files(app) == [] and _count(db, MessageAttachment) == 0


# --- who may, and when they stop --------------------------------------------------------------

def test_after_the_child_leaves_the_family_reads_but_cannot_write(db, world):
    w = world
    thread = _thread(w)
    services.post_message(thread.id, w.carer, "欢迎")
    w.enrolment.leaves_on = date(2026, 11, 20)
    db.session.commit()
    assert services.read_thread(thread.id, w.parent).id == thread.id
    with pytest.raises(Conflict):
        services.post_message(thread.id, w.parent, "还在吗？")
    with pytest.raises(NotFound):  # the centre's access ends with the place
        services.read_thread(thread.id, w.carer)
    with pytest.raises(NotFound):
        services.post_message(thread.id, w.carer, "在的")
    assert [r.thread.id for r in queries.inbox(w.carer)] == []
    row = queries.for_guardian(w.parent)[0]
    assert row.may_write is False


def test_a_staff_member_who_moves_centre_loses_the_thread(db, world):
    w = world
    thread = _thread(w)
    services.post_message(thread.id, w.parent, "老师好")
    assert services.read_thread(thread.id, w.carer)
    w.carer.centre_id = w.centre2.id
    db.session.commit()
    with pytest.raises(NotFound):
        services.read_thread(thread.id, w.carer)
    with pytest.raises(NotFound):
        services.post_message(thread.id, w.carer, "我还在")
    assert queries.inbox(w.carer) == []
    services.post_message(thread.id, w.parent, "有人吗")
    assert w.carer.id not in access.centre_participants(w.centre.id)


def test_outsiders_cannot_read_or_write(db, world):
    w = world
    thread = _thread(w)
    for outsider in (w.other_parent, w.far_parent, w.far_staff, w.far_carer, w.finance,
                     w.regulator, w.admin, w.loner):
        with pytest.raises(NotFound):
            services.read_thread(thread.id, outsider)
        with pytest.raises(NotFound):
            services.post_message(thread.id, outsider, "你好")
    assert _count(db, Message) == 0


# --- the inbox ------------------------------------------------------------------------------

def test_the_inbox_puts_unread_first_and_flags_24_hours_unanswered(db, world):
    w = world
    mine = _thread(w)
    other = services.open_thread(w.other_parent, w.other_kid.id, w.centre.id)
    services.post_message(mine.id, w.parent, "第一条")
    clock.advance(timedelta(hours=1))
    services.post_message(other.id, w.other_parent, "第二条")
    services.read_thread(other.id, w.director)
    rows = queries.inbox(w.director)
    assert [r.thread.id for r in rows] == [mine.id, other.id]
    assert [r.unread for r in rows] == [1, 0]
    assert not any(r.flagged for r in rows)

    clock.advance(timedelta(hours=23))  # the first is 24 h old, the second 23 h
    rows = {r.thread.id: r for r in queries.inbox(w.director)}
    assert rows[mine.id].flagged and not rows[other.id].flagged
    assert queries.unanswered_count(w.director) == 1
    clock.advance(timedelta(hours=1))
    assert queries.unanswered_count(w.director) == 2
    # Another staff member's answer clears it for the whole centre, though not their unread.
    services.post_message(mine.id, w.carer, "收到")
    rows = {r.thread.id: r for r in queries.inbox(w.director)}
    assert not rows[mine.id].flagged and rows[mine.id].waiting_since is None
    assert rows[other.id].flagged
    # The family never sees the centre's flag.
    assert not any(r.flagged for r in queries.for_guardian(w.other_parent))


def test_the_guardian_sees_threads_and_what_they_may_open(db, world):
    w = world
    assert [(c.id, centre.id) for c, centre in queries.openable(w.parent)] == \
        [(w.kid.id, w.centre.id)]
    thread = _thread(w)
    assert queries.openable(w.parent) == []
    services.post_message(thread.id, w.director, "通知：明天体检")
    assert queries.unread_total(w.parent) == 1 and queries.unread_total(w.parent2) == 1
    services.read_thread(thread.id, w.parent)
    assert queries.unread_total(w.parent) == 0 and queries.unread_total(w.parent2) == 1
    assert {c.id for c in queries.children_without_thread(w.director)} == \
        {w.other_kid.id, w.held_kid.id}
