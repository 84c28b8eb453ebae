"""Bulletins: the director writes to the guardians of every child in care at the centre, or
in one class; each receives it with a notice; the director counts who has read it."""
import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent, Notification
from booking.errors import NotFound, ValidationFailed
from booking.messages import bulletins
from booking.messages.models import BULLETIN_BODY, Bulletin, BulletinRecipient


def _recipients(db, bulletin):
    return set(db.session.scalars(select(BulletinRecipient.user_id).where(
        BulletinRecipient.bulletin_id == bulletin.id)))


def test_a_centre_bulletin_reaches_every_guardian_of_a_child_in_care(db, world):
    w = world
    sent = bulletins.send(w.centre.id, w.director, title="元旦放假", body="1月1日放假一天。")
    # A family only holding a place is not yet in care; other centres' families never.
    assert _recipients(db, sent) == {w.parent.id, w.parent2.id, w.other_parent.id}
    kinds = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "bulletin")).all()
    assert sorted(kinds) == sorted([w.parent.id, w.parent2.id, w.other_parent.id])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bulletin.sent"))
    assert '"recipients": 3' in event.after


def test_a_class_bulletin_reaches_that_class_only(db, world):
    w = world
    sent = bulletins.send(w.centre.id, w.director, title="托小一班春游", body="周五去公园。",
                          group_id=w.g1.id)
    assert _recipients(db, sent) == {w.parent.id, w.parent2.id}
    assert bulletins.recipient_count(sent.id) == 2


def test_read_counts_for_the_director(db, world):
    w = world
    sent = bulletins.send(w.centre.id, w.director, title="体检通知", body="下周一体检。")
    view = bulletins.open_bulletin(sent.id, w.parent)
    assert view.read_at is not None and view.recipients is None
    again = bulletins.open_bulletin(sent.id, w.parent)
    assert again.read_at == view.read_at  # the first read is what counts
    counted = bulletins.open_bulletin(sent.id, w.director)
    assert (counted.read, counted.recipients) == (1, 3)
    listed, total = bulletins.of_centre(w.centre.id)
    assert total == 1 and (listed[0].read, listed[0].recipients) == (1, 3)
    mine, n = bulletins.for_guardian(w.parent2)
    assert n == 1 and mine[0].read_at is None
    assert bulletins.unread_count(w.parent2) == 1 and bulletins.unread_count(w.parent) == 0


def test_only_recipients_and_the_director_open_a_bulletin(db, world):
    w = world
    sent = bulletins.send(w.centre.id, w.director, title="通知", body="内容", group_id=w.g1.id)
    for outsider in (w.other_parent, w.holder, w.far_parent, w.far_staff, w.carer, w.health,
                     w.finance, w.regulator, w.admin):
        with pytest.raises(NotFound):
            bulletins.open_bulletin(sent.id, outsider)
    assert db.session.scalar(select(func.count(BulletinRecipient.id)).where(
        BulletinRecipient.read_at.is_not(None))) == 0


@pytest.mark.parametrize("who", ["carer", "health", "finance", "far_staff", "parent",
                                 "regulator", "admin"])
def test_only_the_centres_director_sends(db, world, who):
    with pytest.raises(NotFound):
        bulletins.send(world.centre.id, getattr(world, who), title="通知", body="内容")
    assert db.session.scalar(select(func.count(Bulletin.id))) == 0


@pytest.mark.parametrize("fields,field", [
    ({"title": " ", "body": "内容"}, "title"),
    ({"title": "标" * 101, "body": "内容"}, "title"),
    ({"title": "通知", "body": ""}, "body"),
    ({"title": "通知", "body": "字" * (BULLETIN_BODY + 1)}, "body"),
])
def test_empty_or_too_long_bulletins_are_refused(db, world, fields, field):
    with pytest.raises(ValidationFailed) as err:
        bulletins.send(world.centre.id, world.director, **fields)
    assert field in err.value.errors
    assert db.session.scalar(select(func.count(Bulletin.id))) == 0


def test_a_class_of_another_centre_or_an_empty_class_is_refused(db, world):
    w = world
    from tests import factories as f
    far_group = f.group(w.centre2, name="别园的班")
    empty = f.group(w.centre, name="空班")
    for group_id in (far_group.id, empty.id):
        with pytest.raises(ValidationFailed) as err:
            bulletins.send(w.centre.id, w.director, title="通知", body="内容", group_id=group_id)
        assert "group_id" in err.value.errors
    assert db.session.scalar(select(func.count(Notification.id))) == 0
