"""Sessions: publishing, booking and its every refusal, quota and cut-off at their
boundaries with a moved clock, no-shows, attendance."""
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.errors import (AgeOutOfBand, AlreadyReserved, Conflict, Forbidden, NoShowLimit,
                            NotFound, SessionCancelCutoff, SessionFull, SessionQuotaExceeded,
                            ValidationFailed)
from booking.extensions import db
from booking.sessions import queries
from booking.sessions import services as sessions
from booking.sessions.models import CareSession, SessionBooking
from tests import factories as f
from tests.conftest import NOW
from tests.sessions.conftest import publish

SH = clock.LOCAL


def events(action):
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


# --- publishing ---------------------------------------------------------------------------

def test_publish_one_session_in_beijing_time_with_audit(world):
    [s] = publish(world["centre"], world["staff"])
    assert s.starts_at == datetime(2026, 11, 25, 9, 0, tzinfo=SH)
    assert s.ends_at - s.starts_at == timedelta(hours=2)
    assert s.pattern_id is None
    assert events("session.published") == 1


def test_weekly_pattern_makes_every_weekday_for_the_weeks_and_shares_a_pattern_id(world):
    made = publish(world["centre"], world["staff"], on_date=date(2026, 11, 23),
                   start=time(14, 0), end=time(16, 0), weekdays=(1, 3), repeat_weeks=3)
    days = [s.starts_at.astimezone(SH).date() for s in made]
    assert days == [date(2026, 11, 23) + timedelta(days=d) for d in (0, 2, 7, 9, 14, 16)]
    assert {s.pattern_id for s in made} == {made[0].id}
    assert events("session.published") == 6


def test_pattern_without_weekdays_repeats_the_dates_own_weekday(world):
    made = publish(world["centre"], world["staff"], repeat_weeks=2)
    assert [s.starts_at.astimezone(SH).date() for s in made] == [date(2026, 11, 25),
                                                                  date(2026, 12, 2)]


@pytest.mark.parametrize("kw, field", [
    ({"end": time(9, 0)}, "end"), ({"capacity": 0}, "capacity"), ({"kind": "party"}, "kind"),
    ({"age_band": "teen"}, "age_band"), ({"repeat_weeks": 27}, "repeat_weeks"),
    ({"weekdays": (8,)}, "weekdays"), ({"price_per_hour_fen": -1}, "price_per_hour_fen"),
    ({"on_date": date(2026, 11, 23), "start": time(9, 0), "end": time(10, 0)}, "on_date"),
    ({"group_id": 999999}, "group_id"),
])
def test_publish_refuses_bad_values_and_writes_nothing(world, kw, field):
    with pytest.raises(ValidationFailed) as err:
        publish(world["centre"], world["staff"], **kw)
    assert field in err.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count(CareSession.id))) == 0


def test_publish_group_of_another_band_refused(world):
    g = f.group(world["centre"], band="infant")
    with pytest.raises(ValidationFailed) as err:
        publish(world["centre"], world["staff"], group_id=g.id)
    assert "age_band" in err.value.errors


def test_only_the_centres_staff_publish(world):
    other = f.user("staff", centre_id=f.centre().id)
    with pytest.raises(NotFound):
        publish(world["centre"], other)
    with pytest.raises(Forbidden):
        publish(world["centre"], world["parent"])


def test_capacity_change_never_below_bookings(world):
    [s] = publish(world["centre"], world["staff"], capacity=3)
    sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    sibling = f.child(world["parent"], birth_date=date(2025, 8, 1))
    sessions.book(session_id=s.id, child_id=sibling.id, parent=world["parent"])
    with pytest.raises(Conflict) as err:
        sessions.change(s.id, actor=world["staff"], capacity=1)  # below the 2 booked
    assert err.value.errors == {"capacity": ["不能少于 2"]}
    db.session.rollback()
    assert sessions.change(s.id, actor=world["staff"], capacity=2).capacity == 2
    assert events("session.changed") == 1


# --- booking ------------------------------------------------------------------------------

def test_book_prices_by_the_hour_and_notifies(world):
    [s] = publish(world["centre"], world["staff"], start=time(9, 0), end=time(10, 30),
                  price_per_hour_fen=3333)
    b = sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    assert (b.status, b.price_fen) == ("booked", 5000)  # 1.5 h × 33.33 = 49.995 → 50.00
    assert events("session_booking.booked") == 1
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == world["parent"].id)) == "session_booked"


def test_double_booking_refused(world):
    [s] = publish(world["centre"], world["staff"])
    sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    with pytest.raises(AlreadyReserved):
        sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])


def test_full_session_refused(world):
    [s] = publish(world["centre"], world["staff"], capacity=1)
    sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    other = f.user()
    with pytest.raises(SessionFull):
        sessions.book(session_id=s.id, child_id=f.child(other).id, parent=other)


def test_age_band_on_the_sessions_date(world):
    [s] = publish(world["centre"], world["staff"], age_band="infant")
    with pytest.raises(AgeOutOfBand) as err:
        sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    assert "14" in err.value.message
    # Born 2025-11-26: 11 months on 2026-11-25 (an infant), 12 months the next day.
    baby = f.child(world["parent"], birth_date=date(2025, 11, 26))
    assert sessions.book(session_id=s.id, child_id=baby.id, parent=world["parent"])
    [later] = publish(world["centre"], world["staff"], age_band="infant",
                      on_date=date(2026, 11, 26))
    with pytest.raises(AgeOutOfBand):
        sessions.book(session_id=later.id, child_id=baby.id, parent=world["parent"])


def test_someone_elses_child_and_unknown_session_are_not_found(world):
    [s] = publish(world["centre"], world["staff"])
    stranger = f.user()
    with pytest.raises(NotFound):
        sessions.book(session_id=s.id, child_id=world["kid"].id, parent=stranger)
    with pytest.raises(NotFound):
        sessions.book(session_id=999999, child_id=world["kid"].id, parent=world["parent"])


def test_cancelled_started_and_unapproved_sessions_refused(world):
    [s] = publish(world["centre"], world["staff"])
    sessions.cancel_session(s.id, actor=world["staff"])
    with pytest.raises(Conflict):
        sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    db.session.rollback()
    [t] = publish(world["centre"], world["staff"], on_date=date(2026, 11, 23),
                  start=time(10, 30), end=time(11, 30))
    clock.set(datetime(2026, 11, 23, 10, 30, tzinfo=SH))  # the start instant itself
    with pytest.raises(Conflict):
        sessions.book(session_id=t.id, child_id=world["kid"].id, parent=world["parent"])
    db.session.rollback()
    clock.set(NOW)
    draft = f.centre(approved=False)
    draft_staff = f.user("staff", centre_id=draft.id)
    [u] = publish(draft, draft_staff)
    with pytest.raises(NotFound):
        sessions.book(session_id=u.id, child_id=world["kid"].id, parent=world["parent"])


# --- the yearly quota ---------------------------------------------------------------------

def _subsidised_days(world, n, first=date(2026, 11, 24)):
    return [publish(world["centre"], world["staff"], on_date=first + timedelta(days=i),
                    subsidised=True, price_per_hour_fen=5000)[0] for i in range(n)]


def test_quota_11th_and_12th_ok_13th_refused_cancelled_dont_count(world):
    days = _subsidised_days(world, 14)
    p, kid = world["parent"], world["kid"]
    booked = [sessions.book(session_id=s.id, child_id=kid.id, parent=p) for s in days[:12]]
    assert all(b.price_fen == 0 and b.subsidised for b in booked)  # free within the quota
    assert queries.quota_used(p, 2026) == 12
    with pytest.raises(SessionQuotaExceeded) as err:
        sessions.book(session_id=days[12].id, child_id=kid.id, parent=p)
    assert err.value.extra["quota"] == 12 and err.value.extra["used"] == 12
    db.session.rollback()
    sessions.cancel_booking(booked[0].id, p)
    assert queries.quota_used(p, 2026) == 11
    assert sessions.book(session_id=days[12].id, child_id=kid.id, parent=p).status == "booked"


def test_quota_counts_the_whole_family_and_follows_the_city_policy(world):
    from booking.centres.models import CityPolicy
    db.session.add(CityPolicy(city="西安", session_quota_per_year=2))
    db.session.commit()
    days = _subsidised_days(world, 3)
    p = world["parent"]
    sibling = f.child(p, birth_date=date(2025, 8, 1))
    sessions.book(session_id=days[0].id, child_id=world["kid"].id, parent=p)
    sessions.book(session_id=days[1].id, child_id=sibling.id, parent=p)
    with pytest.raises(SessionQuotaExceeded):
        sessions.book(session_id=days[2].id, child_id=world["kid"].id, parent=p)
    # A session that is not subsidised is priced and needs no quota.
    [paid] = publish(world["centre"], world["staff"], on_date=date(2026, 11, 27))
    db.session.rollback()
    assert sessions.book(session_id=paid.id, child_id=world["kid"].id, parent=p).price_fen == 6000


def test_quota_resets_with_the_calendar_year_in_beijing_time(world):
    from booking.centres.models import CityPolicy
    db.session.add(CityPolicy(city="西安", session_quota_per_year=1))
    db.session.commit()
    p, kid = world["parent"], world["kid"]
    [dec] = publish(world["centre"], world["staff"], on_date=date(2026, 12, 31), subsidised=True)
    [eve] = publish(world["centre"], world["staff"], on_date=date(2026, 12, 31), subsidised=True,
                    start=time(20, 0), end=time(23, 59))
    # 00:30 on 1 January in Beijing is still 31 December in UTC: it counts for 2027.
    [jan] = publish(world["centre"], world["staff"], on_date=date(2027, 1, 1), subsidised=True,
                    start=time(0, 30), end=time(2, 0))
    sessions.book(session_id=dec.id, child_id=kid.id, parent=p)
    with pytest.raises(SessionQuotaExceeded):
        sessions.book(session_id=eve.id, child_id=kid.id, parent=p)
    db.session.rollback()
    clock.set(datetime(2027, 1, 1, 0, 0, tzinfo=SH))
    assert sessions.book(session_id=jan.id, child_id=kid.id, parent=p).status == "booked"
    assert queries.quota_used(p, 2027) == 1 and queries.quota_used(p, 2026) == 1


# --- cancelling and the cut-off -----------------------------------------------------------

def test_parent_cancel_allowed_exactly_at_the_cutoff(world):
    [s] = publish(world["centre"], world["staff"])  # starts 2026-11-25 09:00, cut-off 07:00
    b = sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=SH))
    assert sessions.may_cancel_online(b)
    assert sessions.cancel_booking(b.id, world["parent"]).status == "cancelled"
    assert events("session_booking.cancelled") == 1


def test_parent_cancel_refused_one_second_after_the_cutoff_staff_still_may(world):
    [s] = publish(world["centre"], world["staff"])
    b = sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=SH))
    clock.advance(timedelta(seconds=1))
    assert not sessions.may_cancel_online(b)
    with pytest.raises(SessionCancelCutoff) as err:
        sessions.cancel_booking(b.id, world["parent"])
    assert "07:00" in err.value.message
    db.session.rollback()
    assert db.session.get(SessionBooking, b.id).status == "booked"
    assert sessions.cancel_booking(b.id, world["staff"]).status == "cancelled"
    assert db.session.scalar(select(Notification.kind).where(
        Notification.kind == "session_cancelled")) == "session_cancelled"


def test_cutoff_follows_the_city_policy(world):
    from booking.centres.models import CityPolicy
    db.session.add(CityPolicy(city="西安", session_cancel_cutoff_hours=24))
    db.session.commit()
    [s] = publish(world["centre"], world["staff"])
    b = sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    clock.set(datetime(2026, 11, 24, 9, 0, 1, tzinfo=SH))
    with pytest.raises(SessionCancelCutoff):
        sessions.cancel_booking(b.id, world["parent"])


def test_others_cannot_cancel(world):
    [s] = publish(world["centre"], world["staff"])
    b = sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    with pytest.raises(NotFound):
        sessions.cancel_booking(b.id, f.user())
    with pytest.raises(NotFound):
        sessions.cancel_booking(b.id, f.user("staff", centre_id=f.centre().id))
    sessions.cancel_booking(b.id, world["parent"])
    with pytest.raises(Conflict):
        sessions.cancel_booking(b.id, world["parent"])


def test_centre_cancels_a_session_every_booking_ends_and_families_are_told(world):
    [s] = publish(world["centre"], world["staff"])
    b = sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    sessions.cancel_session(s.id, actor=world["staff"], reason="停电")
    db.session.refresh(b)
    assert b.status == "cancelled" and b.cancel_reason == "cancelled by centre"
    assert events("session.cancelled") == 1 and events("session_booking.cancelled") == 1
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "session_cancelled", Notification.user_id == world["parent"].id)) == 1
    with pytest.raises(Conflict):
        sessions.cancel_session(s.id, actor=world["staff"])


# --- attendance and the no-show limit -----------------------------------------------------

def test_attendance_only_after_the_start(world):
    [s] = publish(world["centre"], world["staff"])
    b = sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    with pytest.raises(Conflict):
        sessions.mark_attendance(b.id, world["staff"], "attended")
    db.session.rollback()
    clock.set(s.starts_at)
    assert sessions.mark_attendance(b.id, world["staff"], "no_show").status == "no_show"
    assert sessions.mark_attendance(b.id, world["staff"], "attended").status == "attended"
    assert events("session_booking.no_show") == 1 and events("session_booking.attended") == 1
    with pytest.raises(ValidationFailed):
        sessions.mark_attendance(b.id, world["staff"], "booked")
    with pytest.raises(Forbidden):
        sessions.mark_attendance(b.id, world["parent"], "attended")


def _no_shows(world, n, first=date(2026, 11, 24)):
    for i in range(n):
        [s] = publish(world["centre"], world["staff"], on_date=first + timedelta(days=i))
        b = sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
        clock.set(s.starts_at)
        sessions.mark_attendance(b.id, world["staff"], "no_show")
        clock.set(NOW)


def test_two_no_shows_still_book_the_third_refuses(world):
    _no_shows(world, 2)
    clock.set(datetime(2026, 11, 27, 12, 0, tzinfo=SH))
    [s] = publish(world["centre"], world["staff"], on_date=date(2026, 11, 30))
    assert sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    _no_shows(world, 1, first=date(2026, 12, 1))
    clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=SH))
    [t] = publish(world["centre"], world["staff"], on_date=date(2026, 12, 5))
    sibling = f.child(world["parent"], birth_date=date(2025, 8, 1))
    with pytest.raises(NoShowLimit) as err:  # the family's no-shows, whichever child
        sessions.book(session_id=t.id, child_id=sibling.id, parent=world["parent"])
    assert err.value.extra == {"no_shows": 3, "limit": 3}


def test_no_shows_fall_out_of_the_window(world, app):
    _no_shows(world, 3)  # sessions on 24, 25, 26 November at 09:00
    app.config["TUOWEI_NO_SHOW_WINDOW_DAYS"] = 90
    # 90 days after the first no-show's start it is still in the window...
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=SH) + timedelta(days=90))
    [s] = publish(world["centre"], world["staff"], on_date=date(2027, 3, 1))
    with pytest.raises(NoShowLimit):
        sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
    db.session.rollback()
    # ...one second later it is not.
    clock.advance(timedelta(seconds=1))
    assert sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])


def test_no_show_limit_is_configurable(world, app):
    app.config["TUOWEI_NO_SHOW_LIMIT"] = 1
    _no_shows(world, 1)
    clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=SH))
    [s] = publish(world["centre"], world["staff"], on_date=date(2026, 11, 30))
    with pytest.raises(NoShowLimit):
        sessions.book(session_id=s.id, child_id=world["kid"].id, parent=world["parent"])
