"""Illness absence follow-up (因病缺勤追踪): after the centre's time the unexplained are listed,
the call's result becomes an absence; and the illness signals the outbreak warning reads."""
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from booking import clock
from booking.absences import followup, illness, queries, services
from booking.audit.models import AuditEvent
from booking.errors import Conflict, NotFound, ValidationFailed
from booking.health import attendance
from tests import factories as f
from tests.absences.world import MONDAY, world  # noqa: F401 (the fixture)


def test_the_unexplained_are_listed_from_ten(world):
    c = world["centre"].id
    assert followup.follow_up_time(c) == time(10, 0) and followup.is_due(c)  # NOW is 10:00
    clock.advance(timedelta(minutes=-1))
    assert not followup.is_due(c)
    names = [u.child.name for u in followup.unexplained(c, MONDAY)]
    assert names == ["小明", "小红"]
    attendance.record_arrival(world["r"].id, world["director"], temperature_c=36.6)
    services.report(world["kid2"].id, world["other_parent"], starts_on=MONDAY, reason="family")
    assert followup.unexplained(c, MONDAY) == []


def test_a_child_marked_absent_without_a_reason_is_still_unexplained(world):
    attendance.mark_absent(world["r2"].id, world["director"])
    listed = {u.child.name: u for u in followup.unexplained(world["centre"].id, MONDAY)}
    assert listed["小红"].marked_absent and not listed["小明"].marked_absent


def test_nobody_is_unexplained_on_a_closed_day(world):
    saturday = MONDAY + timedelta(days=5)
    assert followup.unexplained(world["centre"].id, saturday) == []


def test_the_director_sets_the_time(world, db):
    c = world["centre"].id
    followup.set_follow_up_time(c, world["director"], time(11, 30))
    assert followup.follow_up_time(c) == time(11, 30) and not followup.is_due(c)
    with pytest.raises(ValidationFailed):
        followup.set_follow_up_time(c, world["director"], time(5, 0))
    with pytest.raises(NotFound):  # a carer may not, nor another centre's director
        followup.set_follow_up_time(c, world["carer"], time(9, 0))
    with pytest.raises(NotFound):
        followup.set_follow_up_time(c, world["other_staff"], time(9, 0))
    assert followup.follow_up_time(c) == time(11, 30)
    assert db.session.scalar(select(AuditEvent.after).where(
        AuditEvent.action == "absence.follow_up_time_set")) == '{"minutes": 690}'


def test_the_call_becomes_the_days_absence(world):
    a = followup.record_follow_up(world["r"].id, world["carer"], reached=True, reason="illness",
                                  symptoms=["diarrhoea", "vomiting"], note="昨晚吐了两次")
    assert (a.source, a.reached, a.reason, a.starts_on, a.ends_on) == \
        ("staff_follow_up", True, "illness", MONDAY, MONDAY)
    assert a.symptoms == ["diarrhoea", "vomiting"]
    assert [u.child.name for u in followup.unexplained(world["centre"].id, MONDAY)] == ["小红"]
    with pytest.raises(Conflict, match="已有请假或追踪记录"):
        followup.record_follow_up(world["r"].id, world["carer"], reached=False)
    # the family cannot withdraw what the staff recorded
    with pytest.raises(Conflict, match="老师追踪"):
        services.withdraw(a.id, world["parent"])
    nobody = followup.record_follow_up(world["r2"].id, world["carer"], reached=False,
                                       note="两次未接")
    assert (nobody.reason, nobody.reached, nobody.symptoms) == ("unknown", False, [])
    assert queries.reported_absent([world["kid2"].id], MONDAY) == {world["kid2"].id}


def test_a_call_needs_what_it_found(world):
    with pytest.raises(ValidationFailed) as err:
        followup.record_follow_up(world["r"].id, world["carer"], reached=True)
    assert "reason" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        followup.record_follow_up(world["r"].id, world["carer"], reached=True, reason="illness")
    assert "symptoms" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        followup.record_follow_up(world["r"].id, world["carer"], reached=False,
                                  symptoms=["fever"])
    assert "symptoms" in err.value.errors


def test_a_call_for_a_child_who_came_or_of_another_centre_is_refused(world):
    attendance.record_arrival(world["r"].id, world["director"], temperature_c=36.6)
    with pytest.raises(Conflict, match="已入园"):
        followup.record_follow_up(world["r"].id, world["carer"], reached=False)
    with pytest.raises(NotFound):
        followup.record_follow_up(world["r2"].id, world["other_staff"], reached=False)
    with pytest.raises(NotFound):
        followup.record_follow_up(world["r2"].id, world["other_parent"], reached=False)
    finance = f.user("staff", centre_id=world["centre"].id, staff_role="finance")
    with pytest.raises(NotFound):
        followup.record_follow_up(world["r2"].id, finance, reached=False)


def test_illness_on_reads_absences_and_failed_morning_checks(world):
    c, g = world["centre"].id, world["group"].id
    assert illness.illness_on(c, MONDAY) == {}
    services.report(world["kid"].id, world["parent"], starts_on=MONDAY,
                    ends_on=MONDAY + timedelta(days=2), reason="illness",
                    symptoms=["fever", "cough"])
    attendance.record_arrival(world["r2"].id, world["director"], temperature_c=38.1,
                              observations="精神差，有皮疹")
    # elsewhere, and for family reasons, count for nothing here
    services.report(world["far_kid"].id, world["far_parent"], starts_on=MONDAY,
                    reason="illness", symptoms=["fever"])
    signals = illness.illness_on(c, MONDAY)
    assert list(signals) == [g]
    by_child = {s.child_id: s for s in signals[g]}
    assert by_child[world["kid"].id].symptoms == {"fever", "cough"}
    assert by_child[world["kid"].id].sources == {"absence"}
    assert by_child[world["kid2"].id].symptoms == {"fever", "rash"}
    assert by_child[world["kid2"].id].sources == {"morning_check"}
    assert by_child[world["kid2"].id].since == MONDAY
    # the second day of the illness: still ill, since Monday
    later = illness.illness_on(c, MONDAY + timedelta(days=1))[g]
    assert [(s.child_id, s.since) for s in later] == [(world["kid"].id, MONDAY)]


def test_a_failed_check_without_words_is_other(world):
    attendance.record_arrival(world["r"].id, world["director"], temperature_c=36.8,
                              passed=False)
    [signal] = illness.illness_on(world["centre"].id, MONDAY)[world["group"].id]
    assert signal.symptoms == {"other"}
    assert illness.symptoms_in("呕吐、拉肚子", 36.5) == {"vomiting", "diarrhoea"}
    assert illness.symptoms_in("", 37.5) == {"fever"}
