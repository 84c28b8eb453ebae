"""Absences: a guardian's report and withdrawal, the rules on days, reasons and overlaps,
the ratio check counting the children expected, and the audit trail."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking import clock
from booking.absences import queries, services
from booking.absences.models import Absence
from booking.audit.models import AuditEvent
from booking.errors import Conflict, NotFound, ValidationFailed
from booking.health import attendance
from booking.rosters import checks
from booking.reservations import leaving
from tests import factories as f
from tests.absences.world import MONDAY, world  # noqa: F401 (the fixture)
from tests.health.test_attendance import enrol

TUESDAY = MONDAY + timedelta(days=1)


def report(w, **kw):
    kw.setdefault("starts_on", TUESDAY)
    kw.setdefault("reason", "illness")
    kw.setdefault("symptoms", ["fever"])
    return services.report(w["kid"].id, w["parent"], **kw)


def test_a_day_for_illness_with_its_symptoms(world, db):
    a = report(world, symptoms=["cough", "fever"], note="昨晚发烧")
    assert (a.starts_on, a.ends_on, a.reason, a.source) == (TUESDAY, TUESDAY, "illness", "guardian")
    assert a.symptoms == ["fever", "cough"] and a.reached is None
    assert a.centre_id == world["centre"].id and a.reservation_id == world["r"].id
    assert queries.standing(world["kid"].id, TUESDAY).id == a.id
    assert queries.standing(world["kid"].id, MONDAY) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "absence.reported"))
    # the log (read by regulators) holds the days, never the reason or the symptoms
    assert event.centre_id == world["centre"].id and "fever" not in event.after \
        and "illness" not in event.after


def test_a_range_for_family_reasons(world):
    a = report(world, ends_on=MONDAY + timedelta(days=4), reason="family", symptoms=[])
    assert a.symptoms == [] and (a.ends_on - a.starts_on).days == 3
    assert queries.reported_absent([world["kid"].id, world["kid2"].id],
                                   MONDAY + timedelta(days=3)) == {world["kid"].id}


def test_other_symptom_needs_its_words_and_words_mean_other(world):
    with pytest.raises(ValidationFailed) as err:
        report(world, symptoms=["other"])
    assert "symptom_other" in err.value.errors
    a = report(world, symptoms=["rash"], symptom_other="流鼻涕")
    assert a.symptoms == ["rash", "other"] and a.symptom_other == "流鼻涕"


@pytest.mark.parametrize("kw,field", [
    ({"starts_on": MONDAY - timedelta(days=1)}, "starts_on"),                  # in the past
    ({"starts_on": MONDAY - timedelta(days=5), "ends_on": MONDAY + timedelta(days=1)},
     "starts_on"),                                                              # begun before today
    ({"starts_on": MONDAY + timedelta(days=61)}, "starts_on"),                 # too far ahead
    ({"ends_on": MONDAY}, "ends_on"),                                          # backwards
    ({"ends_on": TUESDAY + timedelta(days=31)}, "ends_on"),                    # over 31 days
    ({"symptoms": []}, "symptoms"),                                            # illness, no symptom
    ({"reason": "family"}, "symptoms"),                                        # family with symptoms
    ({"reason": "unknown", "symptoms": []}, "reason"),                         # staff's word only
    ({"symptoms": ["sneezing"]}, "symptoms"),
    ({"note": "x" * 501}, "note"),
])
def test_refused_input_names_its_field_and_keeps_nothing(world, db, kw, field):
    with pytest.raises(ValidationFailed) as err:
        report(world, **kw)
    assert field in err.value.errors
    assert db.session.scalar(select(Absence.id)) is None


def test_overlapping_absences_are_refused(world):
    report(world, ends_on=TUESDAY + timedelta(days=2))
    with pytest.raises(Conflict, match="这段时间已有请假"):
        report(world, starts_on=TUESDAY + timedelta(days=2), ends_on=TUESDAY + timedelta(days=3))
    # the day after is free; another child is another matter
    report(world, starts_on=TUESDAY + timedelta(days=3))
    services.report(world["kid2"].id, world["other_parent"], starts_on=TUESDAY, reason="family")


def test_only_a_guardian_of_an_enrolled_child(world, db):
    with pytest.raises(NotFound):
        services.report(world["kid"].id, world["other_parent"], starts_on=TUESDAY,
                        reason="family")
    with pytest.raises(NotFound):
        services.report(world["kid"].id, world["director"], starts_on=TUESDAY, reason="family")
    waiting = f.child(world["parent"], name="没入托")
    with pytest.raises(Conflict, match="不在园"):
        services.report(waiting.id, world["parent"], starts_on=TUESDAY, reason="family")


def test_not_past_the_leaving_day(world):
    leaving.end_care(world["r"].id, world["director"], TUESDAY, "搬家")
    with pytest.raises(Conflict, match="离园"):
        report(world, ends_on=TUESDAY + timedelta(days=1))
    report(world)


def test_not_for_today_once_arrived(world):
    attendance.record_arrival(world["r"].id, world["director"], temperature_c=36.6)
    with pytest.raises(Conflict, match="已入园"):
        report(world, starts_on=MONDAY)


def test_withdraw_before_the_day_or_the_days_after_today(world, db):
    ahead = report(world, starts_on=TUESDAY + timedelta(days=7))
    done = services.withdraw(ahead.id, world["parent"])
    assert done.withdrawn_at is not None and queries.standing(world["kid"].id, ahead.starts_on) is None
    with pytest.raises(Conflict, match="已经撤回"):
        services.withdraw(ahead.id, world["parent"])
    running = report(world, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=3))
    # another guardian of the child may withdraw it too; strangers cannot see it
    with pytest.raises(NotFound):
        services.withdraw(running.id, world["other_parent"])
    cut = services.withdraw(running.id, world["father"])
    assert cut.withdrawn_at is None and cut.ends_on == MONDAY  # back tomorrow
    with pytest.raises(Conflict, match="已经开始"):
        services.withdraw(running.id, world["parent"])
    # the same absence through another child's path is not found
    with pytest.raises(NotFound):
        services.withdraw(running.id, world["parent"], child_id=world["kid2"].id)
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "absence.withdrawn")).all()
    assert len(actions) == 2


def test_the_ratio_counts_the_children_expected(world):
    g = world["group"].id
    assert len(checks.expected_children(g, TUESDAY)) == 2
    report(world)
    assert len(checks.expected_children(g, TUESDAY)) == 1
    # today: the reported child is not expected... unless it comes after all
    report(world, starts_on=MONDAY, reason="family", symptoms=[])
    assert len(checks.expected_children(g, MONDAY)) == 1
    attendance.record_arrival(world["r"].id, world["director"], temperature_c=36.6)
    present = checks.expected_children(g, MONDAY)
    assert len(present) == 2 and any(p[1] is not None for p in present)


def test_the_ratio_check_needs_fewer_carers_when_children_are_away(world, db):
    # a toddler class is 1:5; six children need 2 carers, five need 1
    more = f.slot(world["centre"], capacity=5, group_id=world["group"].id, starts_on=MONDAY)
    for i in range(4):
        p = f.user()
        enrol(p, f.child(p), more, world["director"])
    centre = world["centre"]
    before = checks.check_day(centre, TUESDAY).classes[0].hours[0]
    assert (before.children, before.needed) == (6, 2)
    report(world)
    after = checks.check_day(centre, TUESDAY).classes[0].hours[0]
    assert (after.children, after.needed) == (5, 1)


def test_a_withdrawn_absence_counts_for_nothing(world):
    a = report(world)
    services.withdraw(a.id, world["parent"])
    assert len(checks.expected_children(world["group"].id, TUESDAY)) == 2
    assert queries.reported_absent([world["kid"].id], TUESDAY) == set()
    # and the days are free again
    report(world)


def test_a_report_the_next_day_is_kept_after_midnight(world):
    a = report(world)
    clock.advance(timedelta(days=1))
    with pytest.raises(Conflict, match="已经开始"):
        services.withdraw(a.id, world["parent"])
    assert json.loads(json.dumps(a.symptoms)) == ["fever"]
