"""Logging the day: several children at once, all or none; naps; corrections and removals on
the same day only; the audit log."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.audit.models import AuditEvent
from booking.daily import services
from booking.daily.errors import DayClosed, NotPresent
from booking.daily.models import DailyEntry
from booking.errors import Conflict, Forbidden, NotFound, ValidationFailed
from booking.health import attendance
from tests.daily.conftest import at


def _audit(db, action):
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def _entries(db):
    return db.session.scalar(select(func.count(DailyEntry.id)))


def test_one_submit_logs_a_meal_for_every_child_ticked(world, db):
    entries = services.log(world["carer"], [world["kid"].id, world["kid2"].id], action="meal",
                           meal="breakfast", amount="most", at=at(8, 30))
    assert [(e.child_id, e.reservation_id, e.meal, e.amount) for e in entries] == [
        (world["kid"].id, world["r_kid"].id, "breakfast", "most"),
        (world["kid2"].id, world["r_kid2"].id, "breakfast", "most")]
    assert all(e.on_date == clock.today() and e.recorded_by == world["carer"].id for e in entries)
    assert _audit(db, "daily_entry.recorded") == 2


def test_a_bad_meal_value_is_refused_and_nothing_is_logged(world, db):
    with pytest.raises(ValidationFailed) as err:
        services.log(world["carer"], [world["kid"].id], action="meal", meal="elevenses",
                     amount="lots")
    assert set(err.value.errors) == {"meal", "amount"}
    with pytest.raises(ValidationFailed) as err:
        services.log(world["carer"], [world["kid"].id], action="toilet", toilet="bucket")
    assert set(err.value.errors) == {"toilet"}
    with pytest.raises(ValidationFailed) as err:
        services.log(world["carer"], [], action="dance")
    assert set(err.value.errors) == {"child_ids", "action"}
    with pytest.raises(ValidationFailed) as err:
        services.log(world["carer"], [world["kid"].id], action="note", note="  ")
    assert set(err.value.errors) == {"note"}
    assert _entries(db) == 0


def test_a_child_not_present_refuses_the_whole_submit(world, db):
    with pytest.raises(NotPresent) as err:
        services.log(world["carer"], [world["kid"].id, world["kid3"].id], action="meal",
                     meal="lunch", amount="all")
    assert err.value.extra == {"child_ids": [world["kid3"].id]} and "朵朵" in err.value.message
    assert _entries(db) == 0
    # gone home: no more meals, but a note about the day still may follow
    attendance.record_departure(world["r_kid"].id, world["carer"], guardian_id=world["parent"].id)
    with pytest.raises(NotPresent):
        services.log(world["carer"], [world["kid"].id], action="toilet", toilet="wet")
    services.log(world["carer"], [world["kid"].id], action="note", note="今天画了一只猫")
    with pytest.raises(NotPresent):  # not come today at all
        services.log(world["carer"], [world["kid3"].id], action="mood", mood="happy")


def test_a_child_of_another_centre_is_not_found(world, db):
    with pytest.raises(NotFound):
        services.log(world["carer"], [world["kid"].id, world["kid4"].id], action="meal",
                     meal="lunch", amount="all")
    with pytest.raises(NotFound):
        services.log(world["other_staff"], [world["kid"].id], action="note", note="x")
    with pytest.raises(NotFound):  # a role without daily.record
        services.log(world["finance"], [world["kid"].id], action="note", note="x")
    with pytest.raises(NotFound):
        services.log(world["parent"], [world["kid"].id], action="note", note="x")
    assert _entries(db) == 0


def test_times_are_today_not_in_the_future_and_not_before_arrival(world, db):
    with pytest.raises(ValidationFailed) as err:
        services.log(world["carer"], [world["kid"].id], action="toilet", toilet="wet",
                     at=clock.now() + timedelta(minutes=30))
    assert "at" in err.value.errors
    with pytest.raises(ValidationFailed):  # arrived at 08:00
        services.log(world["carer"], [world["kid"].id], action="toilet", toilet="wet",
                     at=at(7, 30))
    with pytest.raises(DayClosed):
        services.log(world["carer"], [world["kid"].id], action="toilet", toilet="wet",
                     at=clock.now() - timedelta(days=1))
    # a phone a minute ahead of the server is not the future
    services.log(world["carer"], [world["kid"].id], action="toilet", toilet="wet",
                 at=clock.now() + timedelta(minutes=1))


def test_naps_start_and_end_for_several_children(world, db):
    ids = [world["kid"].id, world["kid2"].id]
    started = services.log(world["carer"], ids, action="nap_start", at=at(9, 0))
    assert all(e.kind == "nap" and e.ends_at is None for e in started)
    with pytest.raises(Conflict, match="安安"):
        services.log(world["carer"], [world["kid"].id], action="nap_start")
    with pytest.raises(ValidationFailed):  # an end before the start
        services.log(world["carer"], ids, action="nap_end", at=at(8, 30))
    ended = services.log(world["carer2"], ids, action="nap_end", at=at(9, 45))
    assert [e.id for e in ended] == [e.id for e in started]
    assert all(e.ends_at == at(9, 45) and e.changed_by == world["carer2"].id for e in ended)
    with pytest.raises(Conflict, match="没有进行中的午睡"):
        services.log(world["carer"], ids, action="nap_end")
    assert _audit(db, "daily_entry.nap_ended") == 2


def test_the_database_keeps_one_open_nap_per_enrolment(world, db):
    from sqlalchemy.exc import IntegrityError

    services.log(world["carer"], [world["kid"].id], action="nap_start")
    r = world["r_kid"]
    db.session.add(DailyEntry(child_id=r.child_id, reservation_id=r.id, on_date=clock.today(),
                              kind="nap", at=clock.now(), recorded_by=world["carer"].id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_corrections_on_the_same_day_by_the_recorder_or_the_director(world, db):
    entry = services.log(world["carer"], [world["kid"].id], action="meal", meal="lunch",
                         amount="some")[0]
    fixed = services.correct(world["carer"], entry.id, {"amount": "all", "note": "加了一碗"})
    assert (fixed.amount, fixed.note, fixed.changed_by) == ("all", "加了一碗", world["carer"].id)
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "daily_entry.corrected")).one()
    assert '"some"' in event.before and '"all"' in event.after
    with pytest.raises(Forbidden):  # another carer's entry
        services.correct(world["carer2"], entry.id, {"amount": "none"})
    services.correct(world["director"], entry.id, {"amount": "most"})
    with pytest.raises(ValidationFailed) as err:  # a meal has no mood; a bad amount
        services.correct(world["carer"], entry.id, {"mood": "happy", "amount": "heaps"})
    assert set(err.value.errors) == {"mood", "amount"}
    with pytest.raises(NotFound):
        services.correct(world["other_staff"], entry.id, {"amount": "none"})


def test_nothing_changes_after_the_day(world, db):
    entry = services.log(world["carer"], [world["kid"].id], action="mood", mood="happy")[0]
    clock.advance(timedelta(days=1))
    with pytest.raises(DayClosed):
        services.correct(world["carer"], entry.id, {"mood": "calm"})
    with pytest.raises(DayClosed):
        services.remove(world["carer"], entry.id)
    assert db.session.get(DailyEntry, entry.id).mood == "happy"


def test_removal_is_audited_with_what_the_entry_said(world, db):
    entry = services.log(world["carer"], [world["kid"].id], action="note", note="写错了孩子")[0]
    services.remove(world["carer"], entry.id, reason="记到了别的孩子")
    assert db.session.get(DailyEntry, entry.id) is None
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "daily_entry.removed")).one()
    assert "写错了孩子" in event.before and event.reason == "记到了别的孩子"
    assert event.actor_id == world["carer"].id and event.centre_id == world["centre"].id


def test_correcting_a_nap(world, db):
    nap = services.log(world["carer"], [world["kid"].id], action="nap_start", at=at(9))[0]
    with pytest.raises(ValidationFailed):
        services.correct(world["carer"], nap.id, {"ends_at": at(8, 50)})
    fixed = services.correct(world["carer"], nap.id, {"at": at(9, 5), "ends_at": at(9, 50)})
    assert (fixed.at, fixed.ends_at) == (at(9, 5), at(9, 50))
    with pytest.raises(ValidationFailed):  # a time on another day
        services.correct(world["carer"], nap.id, {"at": at(9, day=clock.today() - timedelta(days=1))})
