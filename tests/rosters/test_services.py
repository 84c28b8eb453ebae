"""Shift rules, the hourly ratio check and gap_if_enrolled, without HTTP."""
from datetime import date, timedelta

import pytest

from booking.errors import HealthCertificateLapsed, ShiftOverlap, ShiftTooLong, ValidationFailed
from booking.health.models import Attendance
from booking.extensions import db
from booking.rosters import services, weeks
from booking.rosters.checks import check_day, gap_if_enrolled, gap_runs
from tests import factories

from .conftest import MONDAY, at, enrol, staff


def test_overlapping_shift_refused_with_names_and_times(world):
    c, g = world["centre"], world["group"]
    s = staff(c, name="王芳")
    services.add_shift(c.id, staff_member_id=s.id, group_id=g.id,
                       starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 12))
    with pytest.raises(ShiftOverlap) as err:
        services.add_shift(c.id, staff_member_id=s.id, group_id=None,
                           starts_at=at(MONDAY, 11, 30), ends_at=at(MONDAY, 14))
    assert "王芳" in err.value.message and "08:00–12:00" in err.value.message
    assert "托小一班" in err.value.message
    # Back to back is fine.
    services.add_shift(c.id, staff_member_id=s.id, group_id=g.id,
                       starts_at=at(MONDAY, 12), ends_at=at(MONDAY, 14))


def test_lapsed_health_certificate_refused_on_the_shift_date(world):
    c = world["centre"]
    s = staff(c, name="李娜", health=date(2026, 11, 24))
    services.add_shift(c.id, staff_member_id=s.id, group_id=None,
                       starts_at=at(MONDAY + timedelta(1), 8), ends_at=at(MONDAY + timedelta(1), 12))
    with pytest.raises(HealthCertificateLapsed) as err:
        services.add_shift(c.id, staff_member_id=s.id, group_id=None,
                           starts_at=at(MONDAY + timedelta(2), 8),
                           ends_at=at(MONDAY + timedelta(2), 12))
    assert "李娜" in err.value.message and "2026-11-24" in err.value.message
    assert "第十四条" in err.value.message
    nocert = staff(c, name="赵敏", health=None)
    with pytest.raises(HealthCertificateLapsed, match="没有登记健康合格证"):
        services.add_shift(c.id, staff_member_id=nocert.id, group_id=None,
                           starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 9))


def test_daily_maximum_hours(world, app):
    c = world["centre"]
    s = staff(c, name="周洁")
    services.add_shift(c.id, staff_member_id=s.id, group_id=None,
                       starts_at=at(MONDAY, 7), ends_at=at(MONDAY, 13))
    with pytest.raises(ShiftTooLong, match="11 小时.*10 小时"):
        services.add_shift(c.id, staff_member_id=s.id, group_id=None,
                           starts_at=at(MONDAY, 14), ends_at=at(MONDAY, 19))
    app.config["TUOWEI_MAX_SHIFT_HOURS"] = 12
    services.add_shift(c.id, staff_member_id=s.id, group_id=None,
                       starts_at=at(MONDAY, 14), ends_at=at(MONDAY, 19))


def test_shift_rules_on_shape(world):
    c = world["centre"]
    s = staff(c)
    with pytest.raises(ValidationFailed):
        services.add_shift(c.id, staff_member_id=s.id, group_id=None,
                           starts_at=at(MONDAY, 12), ends_at=at(MONDAY, 8))
    other = factories.group(factories.centre(), "toddler")
    with pytest.raises(ValidationFailed):
        services.add_shift(c.id, staff_member_id=s.id, group_id=other.id,
                           starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 12))
    stranger = staff(factories.centre())
    with pytest.raises(ValidationFailed):
        services.add_shift(c.id, staff_member_id=stranger.id, group_id=None,
                           starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 12))


def test_move_checks_against_the_other_shifts_only(world):
    c, g = world["centre"], world["group"]
    s = staff(c)
    first = services.add_shift(c.id, staff_member_id=s.id, group_id=g.id,
                               starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 12))
    services.move_shift(c.id, first.id, staff_member_id=s.id, group_id=g.id,
                        starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 13))
    services.add_shift(c.id, staff_member_id=s.id, group_id=g.id,
                       starts_at=at(MONDAY, 14), ends_at=at(MONDAY, 16))
    with pytest.raises(ShiftOverlap):
        services.move_shift(c.id, first.id, staff_member_id=s.id, group_id=g.id,
                            starts_at=at(MONDAY, 12), ends_at=at(MONDAY, 15))
    services.delete_shift(c.id, first.id)
    assert len(weeks.week_shifts(c.id, MONDAY)) == 1


def _support(c, day=MONDAY):
    for role in ("health_worker", "security"):
        services.add_shift(c.id, staff_member_id=staff(c, role).id, group_id=None,
                           starts_at=at(day, 7, 30), ends_at=at(day, 17, 30))


def test_gaps_hour_by_hour(world):
    c, g = world["centre"], world["group"]
    enrol(g, 6)  # toddlers at 1:5 → 2 carers
    a, b = staff(c), staff(c, "infant_carer")
    services.add_shift(c.id, staff_member_id=a.id, group_id=g.id,
                       starts_at=at(MONDAY, 7, 30), ends_at=at(MONDAY, 17, 30))
    services.add_shift(c.id, staff_member_id=b.id, group_id=g.id,
                       starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 12))
    cook = staff(c, "cook")  # not a carer: does not count
    services.add_shift(c.id, staff_member_id=cook.id, group_id=g.id,
                       starts_at=at(MONDAY, 7, 30), ends_at=at(MONDAY, 17, 30))
    day = check_day(c, MONDAY + timedelta(1))  # Tuesday: nobody rostered
    assert [h.missing for h in day.classes[0].hours][:2] == [2, 2]
    day = check_day(c, MONDAY)
    cls = day.classes[0]
    assert [h.start.strftime("%H:%M") for h in cls.hours][:3] == ["07:30", "08:00", "09:00"]
    assert cls.hours[0].children == 6 and cls.hours[0].needed == 2 and cls.hours[0].carers == 1
    runs = [(s.strftime("%H:%M"), e.strftime("%H:%M"), m) for s, e, m in gap_runs(cls.hours)]
    assert runs == [("07:30", "08:00", 1), ("12:00", "17:00", 1), ("17:00", "18:00", 2)]
    assert not day.health_worker and not day.security and not day.ok
    _support(c)
    day = check_day(c, MONDAY)
    assert day.health_worker and day.security
    assert len(day.classes[0].gaps) == 7 and day.gap_count == 3  # three runs of hours


def test_closed_days_and_future_slots(world):
    c, g = world["centre"], world["group"]
    enrol(g, 4, starts_on=MONDAY + timedelta(days=7))  # starting next week
    assert check_day(c, MONDAY).classes[0].hours[0].children == 0
    assert check_day(c, MONDAY + timedelta(days=7)).classes[0].hours[0].children == 4
    saturday = check_day(c, MONDAY + timedelta(days=5))
    assert not saturday.open and saturday.ok


def test_todays_attendance_replaces_expectation(world):
    c, g = world["centre"], world["group"]
    rows = enrol(g, 6)
    db.session.add(Attendance(reservation_id=rows[0].id, on_date=MONDAY, absent=True))
    db.session.add(Attendance(reservation_id=rows[1].id, on_date=MONDAY,
                              arrived_at=at(MONDAY, 9, 10), morning_check_passed=True))
    db.session.commit()
    hours = check_day(c, MONDAY).classes[0].hours
    assert hours[0].children == 4          # 07:30: one absent, one not yet arrived
    assert hours[2].children == 5          # 09:00–10:00: arrived at 09:10
    assert hours[2].needed == 1
    # Another day: attendance is not used, everyone enrolled is expected.
    assert check_day(c, MONDAY + timedelta(1)).classes[0].hours[0].children == 6


def test_mixed_class_uses_the_youngest_childs_ratio(world):
    c = world["centre"]
    g = factories.group(c, "mixed", name="混龄班")
    enrol(g, 7, birth_date=date(2024, 6, 1))      # 29 months: 1:7
    carer = staff(c)
    services.add_shift(c.id, staff_member_id=carer.id, group_id=g.id,
                       starts_at=at(MONDAY, 7, 30), ends_at=at(MONDAY, 17, 30))
    cls = [x for x in check_day(c, MONDAY).classes if x.group.id == g.id][0]
    assert cls.hours[0].needed == 1
    young = factories.child(factories.user("parent"), birth_date=date(2025, 3, 1))  # 20 months
    gaps = gap_if_enrolled(g.id, young, MONDAY)
    assert gaps and gaps[0].needed == 2 and gaps[0].missing == 1  # 8 children at 1:5


def test_gap_if_enrolled(world, app):
    app.config["TUOWEI_MAX_SHIFT_HOURS"] = 11  # one carer for the whole 10.5-hour day
    c, g = world["centre"], world["group"]
    enrol(g, 5)
    a = staff(c)
    services.add_shift(c.id, staff_member_id=a.id, group_id=g.id,
                       starts_at=at(MONDAY, 7, 30), ends_at=at(MONDAY, 18))
    child = factories.child(factories.user("parent"))
    assert check_day(c, MONDAY).classes[0].gaps == []
    gaps = gap_if_enrolled(g.id, child, MONDAY)
    assert len(gaps) == 11 and all(h.missing == 1 and h.children == 6 for h in gaps)
    b = staff(c)
    services.add_shift(c.id, staff_member_id=b.id, group_id=g.id,
                       starts_at=at(MONDAY, 7, 30), ends_at=at(MONDAY, 17, 30))
    assert [h.start.strftime("%H:%M") for h in gap_if_enrolled(g.id, child, MONDAY)] == ["17:00"]
    assert gap_if_enrolled(g.id, child, MONDAY + timedelta(days=5)) == []  # Saturday: closed


def test_copy_last_week_skips_what_breaks_the_rules(world):
    c, g = world["centre"], world["group"]
    ok = staff(c, name="甲")
    lapsing = staff(c, name="乙", health=MONDAY + timedelta(days=3))
    for s in (ok, lapsing):
        services.add_shift(c.id, staff_member_id=s.id, group_id=g.id,
                           starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 16))
    copied, skipped = services.copy_last_week(c.id, MONDAY + timedelta(days=9))
    assert copied == 1 and len(skipped) == 1 and "乙" in skipped[0]
    nxt = weeks.week_shifts(c.id, MONDAY + timedelta(days=7))
    assert [(s.staff_member.name, s.starts_at) for s in nxt] == [("甲", at(MONDAY + timedelta(7), 8))]
    # Copying again overlaps the copies: all skipped.
    copied, skipped = services.copy_last_week(c.id, MONDAY + timedelta(days=7))
    assert copied == 0 and len(skipped) == 2


def test_health_certificate_alerts(world):
    c = world["centre"]
    staff(c, name="过期", health=MONDAY - timedelta(days=1))
    staff(c, name="将到期", health=MONDAY + timedelta(days=30))
    staff(c, name="正常", health=MONDAY + timedelta(days=31))
    staff(c, name="未登记", health=None)
    alerts = {s.name: state for s, state in services.health_cert_alerts(c.id, MONDAY)}
    assert alerts == {"过期": "lapsed", "将到期": "lapsing", "未登记": "missing"}


def test_staff_validation(world):
    with pytest.raises(ValidationFailed):
        services.create_staff(world["centre"].id, name="x", role="pilot")
    with pytest.raises(ValidationFailed):
        services.create_staff(world["centre"].id, name="x", role="teacher", qualification_level=6)
    s = services.create_staff(world["centre"].id, name="x", role="childcare_worker",
                              qualification_level=4, certificate_no="BY-2024-001")
    s = services.update_staff(s.id, qualification_level=3, active=False)
    assert s.qualification_level == 3 and not s.active


def test_gap_if_enrolled_counts_an_enrolled_child_once(world):
    c, g = world["centre"], world["group"]
    rows = enrol(g, 5)
    a = staff(c)
    services.add_shift(c.id, staff_member_id=a.id, group_id=g.id,
                       starts_at=at(MONDAY, 7, 30), ends_at=at(MONDAY, 17, 30))
    already = rows[0].child
    assert [h.start.strftime("%H:%M") for h in gap_if_enrolled(g.id, already, MONDAY)] == ["17:00"]
