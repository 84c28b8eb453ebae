"""Who reaches an examination (docs/exams.md, "Results"): the institution's doctor and nurse
while the appointment is open, nobody of another institution, never a clerk or a regulator;
the family its own child's signed results; every institution read logged."""
import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from booking.audit.models import AuditEvent
from booking.errors import NotFound
from booking.exams import results
from tests import factories as f
from tests.exams.results.conftest import draft


def reads(db):
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "exam_record.read")).all()


def test_the_doctor_and_nurse_read_an_open_appointment_and_each_read_is_logged(db, world):
    w = world
    appointment, result = results.open_record(w.appointment.id, w.nurse)
    assert appointment.id == w.appointment.id and result is None
    results.save_draft(w.appointment.id, w.nurse, **draft())
    _, result = results.open_record(w.appointment.id, w.doctor)
    assert result.conclusion == "pass"
    logged = reads(db)
    assert [(e.actor_id, e.entity_type, e.entity_id) for e in logged] == [
        (w.nurse.id, "child", w.kid.id), (w.doctor.id, "child", w.kid.id)]
    assert json.loads(logged[0].after)["appointment_id"] == w.appointment.id


def test_nobody_else_reaches_it(db, world):
    w = world
    results.save_draft(w.appointment.id, w.nurse, **draft())
    for who in (w.clerk, w.doctor_b, w.parent, w.other_parent, w.director, w.regulator):
        with pytest.raises(NotFound):
            results.open_record(w.appointment.id, who)
        with pytest.raises(NotFound):
            results.save_draft(w.appointment.id, who, **draft())
    assert reads(db) == []


@pytest.mark.parametrize("status", ["cancelled", "no_show"])
def test_a_closed_appointment_is_out_of_reach(db, world, status):
    w = world
    a = w.appointment
    a.status = status
    if status == "cancelled":
        a.cancelled_at = datetime(2026, 11, 22, tzinfo=timezone.utc)
    db.session.commit()
    for call in (lambda: results.open_record(a.id, w.doctor),
                 lambda: results.save_draft(a.id, w.nurse, **draft())):
        with pytest.raises(NotFound):
            call()


def test_after_signing_the_institution_no_longer_reads_the_child(db, world):
    w = world
    results.save_draft(w.appointment.id, w.nurse, **draft())
    results.sign(w.appointment.id, w.doctor)
    for who in (w.doctor, w.nurse):
        with pytest.raises(NotFound):
            results.open_record(w.appointment.id, who)
    assert results.pending_for(w.doctor) == []


def test_the_pending_list_is_the_doctors_institution_drafts_and_is_logged(db, world):
    w = world
    results.save_draft(w.appointment.id, w.nurse, **draft())
    assert [r.appointment_id for r in results.pending_for(w.doctor)] == [w.appointment.id]
    assert results.pending_for(w.doctor_b) == []
    assert [e.actor_id for e in reads(db)] == [w.doctor.id]


def test_the_family_reads_its_childs_signed_results_only(db, world):
    w = world
    results.save_draft(w.appointment.id, w.nurse, **draft())
    assert results.results_of_child(w.kid.id, w.parent) == []  # a draft is not the family's
    r = results.sign(w.appointment.id, w.doctor)
    assert results.results_of_child(w.kid.id, w.parent) == [r]
    assert results.result_for_family(w.kid.id, r.id, w.parent) == r
    for who in (w.other_parent, w.director, w.doctor, w.regulator):
        with pytest.raises(NotFound):
            results.results_of_child(w.kid.id, who)
        with pytest.raises(NotFound):
            results.result_for_family(w.kid.id, r.id, who)
    with pytest.raises(NotFound):  # the right result under another child
        results.result_for_family(w.other_kid.id, r.id, w.other_parent)


def test_the_centre_holding_a_place_reads_it_as_the_childs_check_and_another_does_not(
        db, world):
    from booking.health import services as health
    w = world
    results.save_draft(w.appointment.id, w.nurse, **draft())
    r = results.sign(w.appointment.id, w.doctor)
    assert health.read(r.health_check_id, w.director).source == "institution"
    with pytest.raises(NotFound):
        health.read(r.health_check_id, w.director_b)
    with pytest.raises(NotFound):
        health.read(r.health_check_id, w.doctor)
