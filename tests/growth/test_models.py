"""The database's own guards on health notes and measurements: a bug in a service cannot store
a medication permission nobody signed, an allergy without its severity, or a height of 3 m."""
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from booking.growth.models import GrowthMeasurement, HealthNote


def _note(world, **kw):
    fields = dict(child_id=world.kid.id, kind="diet", title="清真", entered_as="guardian",
                  entered_by=world.parent.id)
    fields.update(kw)
    return HealthNote(**fields)


def _measurement(world, **kw):
    fields = dict(child_id=world.kid.id, measured_on=date(2026, 11, 20), measured_by="guardian",
                  entered_by=world.parent.id, weight_kg=9.0)
    fields.update(kw)
    return GrowthMeasurement(**fields)


@pytest.mark.parametrize("fields", [
    {"kind": "allergy"},                                     # no severity
    {"kind": "medication", "dose": "5 ml", "schedule": "午饭后", "starts_on": date(2026, 11, 23),
     "ends_on": date(2026, 11, 30)},                         # nobody signed it
    {"kind": "medication", "dose": "5 ml", "schedule": "午饭后", "starts_on": date(2026, 11, 23),
     "ends_on": date(2026, 11, 22), "signed_by": None},      # ends before it starts
    {"entered_as": "centre"},                                # the centre's, without the centre
    {"kind": "rumour"},
])
def test_notes_the_database_refuses(world, db, fields):
    if fields.get("kind") == "medication" and "signed_by" in fields:
        fields["signed_by"] = world.parent.id
    db.session.add(_note(world, **fields))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("fields", [
    {"height_cm": 130.5}, {"height_cm": 39.5}, {"weight_kg": 40.5}, {"weight_kg": 0.5},
    {"weight_kg": None}, {"measured_by": "neighbour"},
])
def test_measurements_the_database_refuses(world, db, fields):
    db.session.add(_measurement(world, **fields))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_what_it_accepts(world, db):
    db.session.add(_note(world, kind="allergy", severity="mild"))
    db.session.add(_measurement(world, height_cm=130, weight_kg=40))
    db.session.commit()
