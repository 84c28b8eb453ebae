"""Growth measurements: validation, z-scores, the intake check as the first point, the flag
below −2 SD (guardians and the health worker told, audited), reads logged, the class list."""
from datetime import date

import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent, Notification
from booking.audit.render import render_notification
from booking.errors import Forbidden, NotFound, ValidationFailed
from booking.growth import queries, services
from booking.health.models import HealthCheck
from tests import factories as f


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _flags(db, user):
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "growth_flag")).all()


def test_a_guardian_records_and_gets_z_scores(world, db):
    m = services.record_measurement(world.kid.id, world.parent, measured_on=date(2026, 11, 20),
                                    height_cm=80.2, weight_kg=10.3)
    assert m.measured_by == "guardian" and m.centre_id is None
    assert m.z_wfa is not None and m.z_lhfa is not None and m.z_wflh is not None
    assert -2 < m.z_wfa < 2
    assert _count(db, AuditEvent, AuditEvent.action == "growth.measured") == 1
    assert _count(db, Notification, Notification.kind == "growth_flag") == 0


@pytest.mark.parametrize("fields,field,message", [
    ({"height_cm": 39.9}, "height_cm", "身长/身高应在 40–130 厘米之间"),
    ({"height_cm": 130.1}, "height_cm", "身长/身高应在 40–130 厘米之间"),
    ({"weight_kg": 0.9}, "weight_kg", "体重应在 1–40 千克之间"),
    ({"weight_kg": 40.5}, "weight_kg", "体重应在 1–40 千克之间"),
    ({}, "height_cm", "请至少填写身长/身高或体重"),
    ({"weight_kg": 9, "measured_on": date(2026, 11, 24)}, "measured_on", "测量日期不能晚于今天"),
    ({"weight_kg": 9, "measured_on": date(2025, 5, 31)}, "measured_on", "测量日期不能早于出生日期"),
    ({"weight_kg": 9, "measured_by": "centre"}, "measured_by", "请选择测量者"),
])
def test_validation(world, db, fields, field, message):
    fields = {"measured_on": date(2026, 11, 20), **fields}
    with pytest.raises(ValidationFailed) as err:
        services.record_measurement(world.kid.id, world.parent, **fields)
    assert err.value.status == 422 and message in err.value.errors[field]
    assert _count(db, AuditEvent, AuditEvent.action == "growth.measured") == 0


def test_the_bounds_themselves_are_accepted(world):
    services.record_measurement(world.kid.id, world.parent, measured_on=date(2025, 6, 1),
                                height_cm=40, weight_kg=1)
    services.record_measurement(world.kid.id, world.parent, measured_on=date(2026, 11, 23),
                                height_cm=130, weight_kg=40, measured_by="institution")


def test_the_centre_measures_its_own_children_only(world):
    m = services.record_measurement(world.kid.id, world.health, measured_on=date(2026, 11, 23),
                                    weight_kg=10.1)
    assert m.measured_by == "centre" and m.centre_id == world.centre.id
    for who in (world.health_b, world.director_b, world.carer, world.finance,
                world.other_parent, world.regulator):
        with pytest.raises(NotFound):
            services.record_measurement(world.kid.id, who, measured_on=date(2026, 11, 23),
                                        weight_kg=10.1)


def test_below_minus_two_flags_to_the_guardians_and_the_health_worker(world, db):
    m = services.record_measurement(world.kid.id, world.health, measured_on=date(2026, 11, 23),
                                    height_cm=73.0, weight_kg=7.0)
    assert m.z_wfa < -2
    assert len(_flags(db, world.parent)) == 1 and len(_flags(db, world.health)) == 1
    assert _flags(db, world.director) == [] and _flags(db, world.carer) == []
    assert _flags(db, world.other_parent) == [] and _flags(db, world.health_b) == []
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "growth.flagged")).one()
    assert event.entity_id == m.id and "wfa" in event.after
    title, body = render_notification(_flags(db, world.parent)[0])
    assert title == "生长监测提示：小花 的测量低于 −2 SD"
    assert "2026-11-23" in body and "WAZ -" in body
    growth = services.growth_of(world.kid.id, world.parent)
    assert growth.flagged and growth.latest.measurement_id == m.id


def test_a_centre_without_a_health_worker_hears_through_its_director(world, db):
    world.health.staff_role = "carer"
    db.session.commit()
    services.record_measurement(world.kid.id, world.parent, measured_on=date(2026, 11, 23),
                                weight_kg=7.0)
    assert len(_flags(db, world.director)) == 1


def test_the_intake_check_is_the_first_point(world, db):
    db.session.add(HealthCheck(child_id=world.kid.id, examined_on=date(2026, 9, 1),
                               institution="妇幼保健院", result="pass", height_cm=74.0,
                               weight_kg=9.2, status="verified", valid_until=date(2026, 12, 1),
                               submitted_by=world.parent.id))
    db.session.add(HealthCheck(child_id=world.kid.id, examined_on=date(2026, 8, 1),
                               institution="x", result="pass", height_cm=70.0, weight_kg=2.0,
                               status="rejected", valid_until=date(2026, 10, 1),
                               submitted_by=world.parent.id))
    db.session.commit()
    services.record_measurement(world.kid.id, world.parent, measured_on=date(2026, 11, 20),
                                height_cm=76.0, weight_kg=9.6)
    points = services.growth_of(world.kid.id, world.parent).points
    assert [p.measured_by for p in points] == ["intake", "guardian"]
    assert points[0].height_cm == 74.0 and points[0].z.wfa is not None


def test_without_a_sex_no_z_score_until_the_family_records_it(world, db):
    kid = world.other_kid
    assert kid.sex is None
    m = services.record_measurement(kid.id, world.other_parent, measured_on=date(2026, 11, 20),
                                    height_cm=76.0, weight_kg=7.0)
    assert m.z_wfa is None and _flags(db, world.other_parent) == []
    assert services.growth_of(kid.id, world.other_parent).points[0].z.missing == "sex"
    with pytest.raises(Forbidden):
        services.set_sex(kid.id, world.health, "m")
    with pytest.raises(ValidationFailed):
        services.set_sex(kid.id, world.other_parent, "x")
    with pytest.raises(NotFound):
        services.set_sex(kid.id, world.parent, "m")
    services.set_sex(kid.id, world.other_parent, "m")
    db.session.refresh(m)
    assert m.z_wfa is not None and m.z_wfa < -2
    # The latest measurement, now known to be low, flags as a new one would.
    assert len(_flags(db, world.other_parent)) == 1 and len(_flags(db, world.health)) == 1


def test_staff_reads_are_logged_and_others_see_nothing(world, db):
    services.record_measurement(world.kid.id, world.parent, measured_on=date(2026, 11, 20),
                                weight_kg=9.6)
    services.growth_of(world.kid.id, world.parent)
    assert _count(db, AuditEvent, AuditEvent.action == "growth.read") == 0
    for staff in (world.carer, world.health, world.director):
        assert len(services.growth_of(world.kid.id, staff).points) == 1
    assert _count(db, AuditEvent, AuditEvent.action == "growth.read") == 3
    for who in (world.finance, world.health_b, world.other_parent, world.regulator):
        with pytest.raises(NotFound):
            services.growth_of(world.kid.id, who)
    assert _count(db, AuditEvent, AuditEvent.action == "growth.read") == 3


def test_the_class_list_puts_flags_first_and_logs_each_child(world, db):
    services.record_measurement(world.kid.id, world.parent, measured_on=date(2026, 11, 20),
                                height_cm=80.0, weight_kg=10.5)
    services.set_sex(world.other_kid.id, world.other_parent, "m")
    services.record_measurement(world.other_kid.id, world.health, measured_on=date(2026, 11, 23),
                                height_cm=76.0, weight_kg=7.0)
    rows = queries.class_flags(world.carer)
    assert [r.child.id for r in rows] == [world.other_kid.id, world.kid.id]
    assert rows[0].flagged and not rows[1].flagged
    assert _count(db, AuditEvent, AuditEvent.action == "growth.read",
                  AuditEvent.actor_id == world.carer.id) == 2
    assert [r.child.id for r in queries.class_flags(world.carer, world.group.id)] == \
        [world.other_kid.id, world.kid.id]
    with pytest.raises(NotFound):
        queries.class_flags(world.carer, f.group(world.centre_b).id)
    assert [r.child.id for r in queries.class_flags(world.director_b)] == [world.kid_b.id]
