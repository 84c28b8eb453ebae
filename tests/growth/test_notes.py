"""Health notes: who enters, who reads (staff reads logged), withdrawal, validation, and the
short labels for the class view and the meal log."""
from datetime import date

import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.errors import Conflict, NotFound, ValidationFailed
from booking.growth import notes
from booking.growth.models import HealthNote
from booking.reservations.models import Reservation


def _reads(db, action="health_note.read", actor=None):
    stmt = select(func.count(AuditEvent.id)).where(AuditEvent.action == action)
    if actor is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor.id)
    return db.session.scalar(stmt)


def peanut(world, actor=None, **kw):
    fields = dict(kind="allergy", title="花生", severity="severe", reaction="嘴唇肿、呼吸困难")
    fields.update(kw)
    return notes.add(world.kid.id, actor or world.parent, **fields)


def test_a_guardian_adds_notes_and_reads_them_severe_allergies_first(world, db):
    notes.add(world.kid.id, world.parent, kind="diet", title="清真")
    notes.add(world.kid.id, world.parent, kind="allergy", title="鸡蛋", severity="mild")
    n = peanut(world)
    assert n.entered_as == "guardian" and n.centre_id is None and n.entered_by == world.parent.id
    shown = notes.notes_of(world.kid.id, world.parent)
    assert [x.title for x in shown] == ["花生", "鸡蛋", "清真"]
    assert _reads(db) == 0  # the family's own reads are not logged
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "health_note.added")) == 3


def test_the_centre_adds_notes_marked_as_its_own(world):
    for staff in (world.health, world.director):
        n = notes.add(world.kid.id, staff, kind="condition", title="哮喘", details="发作时用喷雾")
        assert n.entered_as == "centre" and n.centre_id == world.centre.id


@pytest.mark.parametrize("who", ["carer", "finance", "director_b", "health_b", "other_parent",
                                 "regulator"])
def test_nobody_else_adds_one(world, who):
    with pytest.raises(NotFound):
        peanut(world, getattr(world, who))


def test_care_staff_read_them_and_each_read_is_logged(world, db):
    peanut(world)
    for staff in (world.carer, world.health, world.director):
        assert [n.title for n in notes.notes_of(world.kid.id, staff)] == ["花生"]
        assert _reads(db, actor=staff) == 1
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "health_note.read")).first()
    assert event.entity_type == "child" and event.entity_id == world.kid.id
    assert event.centre_id == world.centre.id


@pytest.mark.parametrize("who", ["finance", "director_b", "health_b", "other_parent",
                                 "regulator"])
def test_others_never_see_them(world, db, who):
    peanut(world)
    with pytest.raises(NotFound):
        notes.notes_of(world.kid.id, getattr(world, who))
    assert _reads(db) == 0


def test_staff_lose_sight_once_the_child_has_left(world, db):
    peanut(world)
    r = db.session.scalar(select(Reservation).where(Reservation.child_id == world.kid.id))
    r.leaves_on = date(2026, 11, 22)  # yesterday (the clock says 23 November)
    db.session.commit()
    with pytest.raises(NotFound):
        notes.notes_of(world.kid.id, world.carer)
    assert notes.notes_of(world.kid.id, world.parent)  # the family still does


def test_validation_names_each_field(world):
    with pytest.raises(ValidationFailed) as err:
        notes.add(world.kid.id, world.parent, kind="allergy", title=" ", severity=None)
    assert set(err.value.errors) == {"title", "severity"}
    with pytest.raises(ValidationFailed) as err:
        notes.add(world.kid.id, world.parent, kind="medication", title="布洛芬",
                  starts_on=date(2026, 11, 25), ends_on=date(2026, 11, 24))
    assert set(err.value.errors) == {"dose", "schedule", "ends_on"}
    with pytest.raises(ValidationFailed) as err:
        notes.add(world.kid.id, world.parent, kind="other", title="x")
    assert "kind" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        notes.add(world.kid.id, world.parent, kind="diet", title="x" * 81)
    assert "title" in err.value.errors


def test_a_medication_permission_is_signed_by_a_guardian(world):
    fields = dict(kind="medication", title="布洛芬混悬液", dose="5 毫升", schedule="发热时",
                  starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 30))
    own = notes.add(world.kid.id, world.parent, **fields)
    assert own.signed_by == world.parent.id
    # The centre types it in from the signed paper form, naming the guardian who signed.
    with pytest.raises(ValidationFailed) as err:
        notes.add(world.kid.id, world.health, **fields)
    assert "signed_by" in err.value.errors
    with pytest.raises(ValidationFailed):
        notes.add(world.kid.id, world.health, signed_by=world.other_parent.id, **fields)
    entered = notes.add(world.kid.id, world.health, signed_by=world.parent.id, **fields)
    assert entered.entered_as == "centre" and entered.signer.id == world.parent.id
    # A guardian cannot sign for the other guardian.
    with pytest.raises(ValidationFailed):
        notes.add(world.kid.id, world.parent, signed_by=world.other_parent.id, **fields)


def test_withdrawal(world, db):
    mine = peanut(world)
    centres = notes.add(world.kid.id, world.health, kind="diet", title="不吃海鲜")
    with pytest.raises(NotFound):  # the centre withdraws only what it entered
        notes.remove(mine.id, world.health)
    with pytest.raises(NotFound):
        notes.remove(mine.id, world.other_parent)
    with pytest.raises(NotFound):  # the note of another child under this child's address
        notes.remove(mine.id, world.parent, child_id=world.other_kid.id)
    notes.remove(centres.id, world.director)
    notes.remove(mine.id, world.parent)
    with pytest.raises(Conflict):
        notes.remove(mine.id, world.parent)
    assert notes.notes_of(world.kid.id, world.parent) == []
    kept = db.session.get(HealthNote, mine.id)
    assert kept.removed_at is not None and kept.removed_by == world.parent.id


def test_labels_for_the_class_view(world, db, app):
    notes.add(world.kid.id, world.parent, kind="diet", title="清真")
    notes.add(world.kid.id, world.parent, kind="allergy", title="牛奶", severity="moderate")
    peanut(world)
    notes.add(world.kid.id, world.parent, kind="condition", title="哮喘")
    labels = notes.notes_for_class([world.kid.id, world.other_kid.id])
    assert labels == {world.kid.id: ["花生过敏（严重）", "牛奶过敏", "清真"]}
    assert _reads(db) == 0  # nobody signed in: nobody to log
    assert notes.notes_for_class([]) == {}
    # Shown to a carer: one logged read per child shown with labels.
    notes.notes_for_class([world.kid.id, world.other_kid.id], reader=world.carer)
    assert _reads(db, actor=world.carer) == 1
    # On a page, the signed-in carer is the reader without being named.
    with app.test_request_context():
        from flask_login import login_user
        login_user(world.carer)
        notes.notes_for_class([world.kid.id])
    assert _reads(db, actor=world.carer) == 2
