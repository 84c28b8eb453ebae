"""The day put together, and the summary the guardians get at pickup (notify_pickup, which the
departure calls)."""
from datetime import timedelta

from sqlalchemy import select

from booking import clock
from booking.audit.models import Notification
from booking.audit.render import render_notification
from booking.daily import services, summary
from booking.extensions import db
from booking.health import attendance
from tests import factories as f
from tests.daily.conftest import at


def _a_full_morning(w):
    ids = [w["kid"].id, w["kid2"].id]
    services.log(w["carer"], ids, action="meal", meal="breakfast", amount="all", at=at(8, 15))
    services.log(w["carer"], [w["kid"].id], action="toilet", toilet="wet", at=at(8, 40))
    services.log(w["carer"], ids, action="nap_start", at=at(9, 0))
    services.log(w["carer"], ids, action="nap_end", at=at(9, 50))
    services.log(w["carer"], [w["kid"].id], action="mood", mood="happy")
    services.log(w["carer"], [w["kid"].id], action="note", note="今天学会了拍手")


def test_day_summary_adds_the_entries_up(world):
    _a_full_morning(world)
    s = summary.day_summary(world["r_kid"], clock.today())
    assert s.attendance.arrived_at is not None and s.centre.id == world["centre"].id
    assert s.meals == [("breakfast", "all")] and s.nap_minutes == 50 and len(s.naps) == 1
    assert (s.toilets, s.mood, s.notes, s.photos, s.napping_since) == (1, "happy", 1, 0, None)
    assert [e.kind for e in s.entries] == ["meal", "toilet", "nap", "mood", "note"]


def test_notify_pickup_tells_every_guardian_in_their_language(world):
    second = f.user()
    from booking.children.models import Guardianship
    db.session.add(Guardianship(child_id=world["kid"].id, user_id=second.id, relation="father",
                                position=2))
    db.session.commit()
    _a_full_morning(world)
    clock.advance(timedelta(hours=7))  # 17:00
    attendance.record_departure(world["r_kid"].id, world["carer"], unlisted_name="外婆", reason="家长电话告知")
    # The departure sent the summary in its own transaction.
    s = summary.day_summary(world["r_kid"], clock.today())
    assert s.attendance.collected_by == "外婆"
    notes = db.session.scalars(select(Notification).where(
        Notification.kind == "day_summary").order_by(Notification.user_id)).all()
    assert sorted(n.user_id for n in notes) == sorted([world["parent"].id, second.id])
    title, body = render_notification(notes[0])
    assert title == "安安 的在园小结（2026-11-23）"
    for words in ("08:00 入园", "17:00 由 外婆 接走", "早餐 全部吃完", "午睡 1 次，共 50 分钟",
                  "如厕/换尿布 1 次", "心情：开心", "老师留言 1 条，照片 0 张"):
        assert words in body, (words, body)
    # other families hear nothing
    assert db.session.scalars(select(Notification).where(
        Notification.user_id == world["parent2"].id, Notification.kind == "day_summary")).all() == []


def test_a_quiet_day_says_only_what_happened(world):
    clock.advance(timedelta(hours=6))
    attendance.record_departure(world["r_kid2"].id, world["carer"], guardian_id=world["parent"].id)
    note = db.session.scalars(select(Notification).where(
        Notification.user_id == world["parent"].id, Notification.kind == "day_summary")).one()
    _title, body = render_notification(note)
    assert body.startswith("2026-11-23 在 ") and f"由 {world['parent'].name} 接走" in body
    assert "用餐" not in body and "午睡" not in body and "心情" not in body
    _title, english = render_notification(note, "en")
    assert english  # renders (English wording comes with the catalogue)
