"""Entering and signing the intake examination (docs/exams.md, "Results"): validation, the
signature's effects (verified intake check, growth, appointment examined, guardians told),
finality, and enrolment on the institution's check without a separate verification."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from booking.audit.models import AuditEvent, Notification
from booking.errors import Conflict, HealthCheckRequired, NotFound, ValidationFailed
from booking.exams import results
from booking.exams.models import ExamAppointment, ExamResult
from booking.growth.models import GrowthMeasurement
from booking.growth import services as growth
from booking.health import services as health
from booking.health.models import HealthCheck
from booking.reservations import intake
from booking.reservations.models import Reservation
from tests import factories as f
from tests.exams.results.conftest import TODAY, draft


def events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def signed(w):
    results.save_draft(w.appointment.id, w.nurse, **draft())
    return results.sign(w.appointment.id, w.doctor)


# --- the draft -------------------------------------------------------------------------------

def test_nurse_saves_a_draft_and_updates_it_the_appointment_stays_booked(db, world):
    w = world
    r = results.save_draft(w.appointment.id, w.nurse, **draft(conclusion=None))
    assert r.status == "draft" and r.institution_id == w.inst.id and r.child_id == w.kid.id
    r = results.save_draft(w.appointment.id, w.doctor, **draft(weight_kg=11))
    assert db.session.scalars(select(ExamResult)).all() == [r]
    assert r.weight_kg == 11 and r.entered_by == w.doctor.id and r.conclusion == "pass"
    assert r.findings["heart_lungs"] == {"normal": False, "note": "心脏杂音，待复查"}
    assert db.session.get(ExamAppointment, w.appointment.id).status == "booked"
    assert len(events(db, "exam_result.saved")) == 2


@pytest.mark.parametrize("over,field", [
    ({"height_cm": 131}, "height_cm"), ({"height_cm": 39.9}, "height_cm"),
    ({"weight_kg": 0.5}, "weight_kg"), ({"weight_kg": 41}, "weight_kg"),
    ({"weight_kg": "heavy"}, "weight_kg"), ({"haemoglobin_g_l": 251}, "haemoglobin_g_l"),
    ({"examined_on": TODAY + timedelta(days=1)}, "examined_on"),
    ({"examined_on": TODAY - timedelta(days=1)}, "examined_on"),
    ({"examined_on": None}, "examined_on"),
    ({"vision": "blurry"}, "vision"), ({"conclusion": "maybe"}, "conclusion"),
    ({"conclusion": "follow_up"}, "follow_up_actions"),
    ({"conclusion": "follow_up", "follow_up_actions": "复查心脏"}, "follow_up_by"),
    ({"conclusion": "follow_up", "follow_up_actions": "复查心脏", "follow_up_by": TODAY},
     "follow_up_by"),
    ({"findings": {"lungs": {"normal": True}}}, "findings.lungs"),
    ({"findings": {"skin": {"normal": False, "note": ""}}}, "findings.skin"),
    ({"history": "x" * 2001}, "history"),
])
def test_a_draft_refuses_values_outside_the_rules(db, world, over, field):
    with pytest.raises(ValidationFailed) as err:
        results.save_draft(world.appointment.id, world.nurse, **draft(**over))
    assert field in err.value.errors
    assert db.session.scalars(select(ExamResult)).all() == []
    assert events(db, "exam_result.saved") == []


def test_a_follow_up_keeps_what_and_by_when(db, world):
    r = results.save_draft(world.appointment.id, world.nurse, **draft(
        conclusion="follow_up", follow_up_actions="复查心脏彩超", follow_up_by=date(2026, 12, 20)))
    assert (r.follow_up_actions, r.follow_up_by) == ("复查心脏彩超", date(2026, 12, 20))
    r = results.save_draft(world.appointment.id, world.nurse, **draft(
        follow_up_actions="ignored", follow_up_by=date(2026, 12, 20)))
    assert (r.follow_up_actions, r.follow_up_by) == (None, None)


# --- the signature -----------------------------------------------------------------------------

def test_signing_makes_a_verified_check_growth_point_examined_appointment_and_tells_guardians(
        db, world):
    w = world
    r = signed(w)
    assert (r.status, r.signed_by) == ("signed", w.doctor.id) and r.signed_at is not None
    check = db.session.get(HealthCheck, r.health_check_id)
    assert (check.source, check.status, check.verified_by) == ("institution", "verified",
                                                               w.doctor.id)
    assert (check.institution, check.result, check.vaccination_verified) == (
        "雁塔区妇幼保健院", "pass", True)
    assert (check.height_cm, check.weight_kg, check.haemoglobin_g_l) == (80.5, 10.8, 118)
    assert "心脏杂音" in check.findings
    # The hold's city policy (the default here) from the examination day.
    assert check.valid_until == TODAY + timedelta(days=health.valid_days_for(w.slot))
    m = db.session.scalars(select(GrowthMeasurement)).one()
    assert (m.measured_by, m.height_cm, m.weight_kg, m.measured_on) == (
        "institution", 80.5, 10.8, TODAY)
    assert m.z_wfa is not None and m.z_lhfa is not None
    # One point on the chart: the measurement, not the check's numbers again.
    assert [p.measured_by for p in growth.points_of(w.kid)] == ["institution"]
    assert db.session.get(ExamAppointment, w.appointment.id).status == "examined"
    note = db.session.scalars(select(Notification).where(
        Notification.kind == "exam_result_signed")).one()
    assert note.user_id == w.parent.id
    assert len(events(db, "exam_result.signed")) == 1
    assert len(events(db, "exam_appointment.examined")) == 1
    assert health.has_valid_health_check(w.kid.id, w.slot.starts_on)
    assert health.intake_readiness(w.kid.id, w.slot).state == "ready"


@pytest.mark.parametrize("over,field", [
    ({"height_cm": None}, "height_cm"), ({"weight_kg": None}, "weight_kg"),
    ({"conclusion": None}, "conclusion"), ({"vaccination_checked": False},
                                           "vaccination_checked")])
def test_signing_needs_height_weight_conclusion_and_the_vaccination_record(db, world, over,
                                                                          field):
    w = world
    results.save_draft(w.appointment.id, w.nurse, **draft(**over))
    with pytest.raises(ValidationFailed) as err:
        results.sign(w.appointment.id, w.doctor)
    assert field in err.value.errors
    assert db.session.get(ExamAppointment, w.appointment.id).status == "booked"
    assert db.session.scalars(select(HealthCheck)).all() == []
    assert db.session.scalars(select(GrowthMeasurement)).all() == []


def test_only_a_doctor_of_the_institution_signs(db, world):
    w = world
    results.save_draft(w.appointment.id, w.nurse, **draft())
    for who in (w.nurse, w.clerk, w.doctor_b, w.parent, w.director):
        with pytest.raises(NotFound):
            results.sign(w.appointment.id, who)
    with pytest.raises(Conflict):  # nothing entered yet on another appointment
        other = f.exam_appointment(w.session, w.other_kid, w.other_parent)
        results.sign(other.id, w.doctor)


def test_a_signed_result_is_final(db, world):
    w = world
    signed(w)
    with pytest.raises(Conflict):
        results.sign(w.appointment.id, w.doctor)
    with pytest.raises(Conflict):
        results.save_draft(w.appointment.id, w.nurse, **draft(weight_kg=12))
    assert len(db.session.scalars(select(HealthCheck)).all()) == 1
    assert db.session.scalars(select(ExamResult)).one().weight_kg == 10.8


def test_a_follow_up_result_says_what_and_by_when_to_the_family(db, world):
    w = world
    results.save_draft(w.appointment.id, w.nurse, **draft(
        conclusion="follow_up", follow_up_actions="复查心脏彩超", follow_up_by=date(2026, 12, 20)))
    r = results.sign(w.appointment.id, w.doctor)
    assert db.session.get(HealthCheck, r.health_check_id).result == "follow_up"
    assert "复查心脏彩超" in db.session.get(HealthCheck, r.health_check_id).findings
    note = db.session.scalars(select(Notification)).one()
    from booking.audit.render import params_of
    assert params_of(note)["follow_up_by"] == "2026-12-20"
    assert [x.id for x in results.results_of_child(w.kid.id, w.parent)] == [r.id]


# --- counts as verified everywhere ---------------------------------------------------------------

def test_the_director_enrols_on_the_institution_check_without_verifying_it(db, world):
    w = world
    r = signed(w)
    check = db.session.get(HealthCheck, r.health_check_id)
    enrolled = intake.verify_and_enrol(check.id, w.director)
    assert enrolled.id == w.hold.id and enrolled.status == "enrolled"
    check = db.session.get(HealthCheck, r.health_check_id)
    assert (check.status, check.verified_by) == ("verified", w.doctor.id)
    assert events(db, "health_check.verified")[0].actor_id == w.doctor.id
    assert len(events(db, "health_check.verified")) == 1


def test_the_centre_confirms_the_hold_on_it_with_the_ordinary_confirmation(db, world):
    from booking.reservations import enrolment
    w = world
    signed(w)
    assert enrolment.confirm(w.hold.id, w.director).status == "enrolled"


def test_a_parent_entered_check_still_needs_the_centres_verification(db, world):
    w = world
    check = health.submit(w.kid.id, w.parent, examined_on=TODAY, institution="别处医院",
                          result="pass", vaccination_verified=True)
    assert check.source == "entered" and check.status == "submitted"
    assert health.intake_readiness(w.kid.id, w.slot).state == "awaiting_verification"
    from booking.reservations import enrolment
    with pytest.raises(HealthCheckRequired):
        enrolment.confirm(w.hold.id, w.director)
    assert intake.verify_and_enrol(check.id, w.director).status == "enrolled"
    assert db.session.get(HealthCheck, check.id).verified_by == w.director.id


def test_a_verified_parent_check_is_not_enrolled_on_again(db, world):
    w = world
    check = health.submit(w.kid.id, w.parent, examined_on=TODAY, institution="别处医院",
                          result="pass", vaccination_verified=True)
    health.verify(check.id, w.health)
    with pytest.raises(Conflict):
        intake.verify_and_enrol(check.id, w.director)
    assert db.session.get(Reservation, w.hold.id).status == "held"


def test_a_signed_weight_below_minus_two_sd_flags_as_any_measurement(db, world):
    w = world
    results.save_draft(w.appointment.id, w.nurse, **draft(weight_kg=6.5))
    results.sign(w.appointment.id, w.doctor)
    flags = db.session.scalars(select(Notification).where(
        Notification.kind == "growth_flag")).all()
    assert [n.user_id for n in flags] == [w.parent.id]
    assert len(events(db, "growth.flagged")) == 1
