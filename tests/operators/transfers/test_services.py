"""Transfers between an operator's centres (docs/operators.md): the request's refusals, the
approval (enrolled at B from the start date, the care at A ending the day before, one child
one place), the refusal with its reason, the withdrawal, audit and notices."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from booking.audit.models import AuditEvent, Notification
from booking.errors import AgeOutOfBand, Conflict, NotFound, SlotFull, ValidationFailed
from booking.extensions import db
from booking.operators import transfers
from booking.places.placement import live_places
from booking.reservations.models import Reservation
from tests import factories as f
from tests.operators.transfers.conftest import enrolled


def _actions(t):
    return [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "operator_transfer", AuditEvent.entity_id == t.id)
        .order_by(AuditEvent.id))]


def test_approving_enrols_at_b_and_ends_a_the_day_before(world):
    w = world
    t = transfers.request(w["parent"], w["kid"].id, w["slot_b"].id)
    assert t.status == "requested" and t.starts_on == date(2027, 1, 4)
    transfers.approve(w["manager"], t.id)
    db.session.refresh(w["r"])
    assert t.status == "approved"
    new = db.session.get(Reservation, t.new_reservation_id)
    assert new.status == "enrolled" and new.slot_id == w["slot_b"].id
    assert new.replaces_id == w["r"].id
    assert w["r"].status == "enrolled" and w["r"].leaves_on == date(2027, 1, 3)
    assert _actions(t) == ["operator.transfer_requested"] * 2 + ["operator.transfer_approved"] * 2
    note = db.session.scalars(select(Notification).where(
        Notification.user_id == w["parent"].id, Notification.kind == "transfer_decided")).one()
    assert '"approved"' in note.params


def test_a_later_start_date_moves_the_last_day_at_a(world):
    w = world
    t = transfers.request(w["parent"], w["kid"].id, w["slot_b"].id, date(2027, 2, 1))
    transfers.approve(w["manager"], t.id)
    db.session.refresh(w["r"])
    assert w["r"].leaves_on == date(2027, 1, 31)


def test_one_open_request_per_child(world):
    w = world
    transfers.request(w["parent"], w["kid"].id, w["slot_b"].id)
    with pytest.raises(Conflict):
        transfers.request(w["director_a"], w["kid"].id, w["slot_b"].id)


def test_request_refusals(world):
    w = world
    with pytest.raises(NotFound):  # not the stranger's child
        transfers.request(w["stranger"], w["kid"].id, w["slot_b"].id)
    with pytest.raises(NotFound):  # B's director does not ask for A's children
        transfers.request(w["director_b"], w["kid"].id, w["slot_b"].id)
    with pytest.raises(Conflict):  # another operator's centre
        transfers.request(w["parent"], w["kid"].id, w["slot_x"].id)
    with pytest.raises(Conflict):  # the same centre
        transfers.request(w["parent"], w["kid"].id, w["slot_a"].id)
    infants = f.slot(w["b"], band="infant", starts_on=date(2027, 1, 4))
    with pytest.raises(AgeOutOfBand):
        transfers.request(w["parent"], w["kid"].id, infants.id)
    with pytest.raises(ValidationFailed):  # before the slot starts
        transfers.request(w["parent"], w["kid"].id, w["slot_b"].id, date(2027, 1, 1))
    lone = f.child(w["parent"], name="没入托")
    with pytest.raises(Conflict):  # not in care
        transfers.request(w["parent"], lone.id, w["slot_b"].id)
    assert transfers.listing(w["parent"]) == []


def test_only_the_operators_manager_decides(world):
    w = world
    t = transfers.request(w["director_a"], w["kid"].id, w["slot_b"].id)
    with pytest.raises(NotFound):  # another operator's manager does not see it
        transfers.approve(w["other_manager"], t.id)
    with pytest.raises(NotFound):  # A's director reads it but does not decide
        transfers.approve(w["director_a"], t.id)
    with pytest.raises(NotFound):
        transfers.withdraw(w["stranger"], t.id)
    assert [x.id for x in transfers.listing(w["director_b"])] == [t.id]
    assert transfers.listing(w["other_manager"]) == []


def test_refusing_needs_a_reason_told_to_the_family(world):
    w = world
    t = transfers.request(w["parent"], w["kid"].id, w["slot_b"].id)
    with pytest.raises(ValidationFailed):
        transfers.refuse(w["manager"], t.id, "  ")
    transfers.refuse(w["manager"], t.id, "碑林园的班额已满")
    assert t.status == "refused" and t.reason == "碑林园的班额已满"
    note = db.session.scalars(select(Notification).where(
        Notification.kind == "transfer_decided")).one()
    assert "碑林园的班额已满" in note.params
    with pytest.raises(Conflict):
        transfers.approve(w["manager"], t.id)
    assert live_places([w["kid"].id], f_now())[w["kid"].id] == [w["r"]]


def f_now():
    from booking.clock import now
    return now()


def test_withdrawn_cannot_be_approved(world):
    w = world
    t = transfers.request(w["parent"], w["kid"].id, w["slot_b"].id)
    transfers.withdraw(w["parent"], t.id)
    assert t.status == "withdrawn"
    with pytest.raises(Conflict):
        transfers.approve(w["manager"], t.id)
    assert "operator.transfer_withdrawn" in _actions(t)
    transfers.request(w["parent"], w["kid"].id, w["slot_b"].id)  # a new one may be opened


def test_the_last_place_at_b_goes_once(world):
    w = world
    t1 = transfers.request(w["parent"], w["kid"].id, w["slot_b"].id)
    t2 = transfers.request(w["parent2"], w["kid2"].id, w["slot_b"].id)
    transfers.approve(w["manager"], t1.id)
    with pytest.raises(SlotFull):
        transfers.approve(w["manager"], t2.id)
    assert t2.status == "requested"
    db.session.refresh(w["r2"])
    assert w["r2"].leaves_on is None


def test_a_child_whose_place_changed_is_not_moved(world):
    w = world
    t = transfers.request(w["parent"], w["kid"].id, w["slot_b"].id)
    w["r"].leaves_on = f_now().date() + timedelta(days=3)
    db.session.commit()
    with pytest.raises(Conflict):
        transfers.approve(w["manager"], t.id)


def test_an_unlinked_centre_stops_the_approval(world):
    from booking.operators import services
    w = world
    t = transfers.request(w["parent"], w["kid"].id, w["slot_b"].id)
    services.unlink_centre(w["admin"], w["op"].id, w["b"].id)
    with pytest.raises((Conflict, NotFound)):
        transfers.approve(w["manager"], t.id)


def test_the_family_export_and_deletion(world):
    from booking.operators.transfer_privacy import erase, export
    w = world
    t = transfers.request(w["parent"], w["kid"].id, w["slot_b"].id)
    rows = export([w["kid"].id], w["parent"])
    assert rows[0]["status"] == "requested" and rows[0]["to_centre"] == "橡树碑林园"
    assert erase([w["kid"].id], w["parent"], f_now()) == {"operator_transfers_withdrawn": 1}
    assert t.status == "withdrawn"


def test_two_children_enrolled_elsewhere_unaffected(world):
    w = world
    enrolled(w["slot_x"], w["stranger"], f.child(w["stranger"]))
    t = transfers.request(w["parent"], w["kid"].id, w["slot_b"].id)
    transfers.approve(w["manager"], t.id)
    assert len(live_places([w["kid"].id], f_now())[w["kid"].id]) == 2  # A until the day before
