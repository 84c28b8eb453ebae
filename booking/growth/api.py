"""The JSON API's health notes and growth (docs/growth.md, docs/api.md)."""
from flask import g

from ..api.framework import endpoint
from ..errors import NotFound
from . import notes, queries, services
from .schemas import (FlagsQuery, GrowthFlagOut, GrowthOut, HealthNoteIn, HealthNoteOut,
                      MeasurementIn, MeasurementOut, SexIn)
from .services import Point


def point_out(child_id: int, p: Point) -> dict:
    z = p.z
    return {"id": p.measurement_id, "child_id": child_id, "measured_on": p.measured_on,
            "age_days": p.age_days, "height_cm": p.height_cm, "weight_kg": p.weight_kg,
            "measured_by": p.measured_by, "health_check_id": p.check_id,
            "z": {"wfa": z.wfa, "lhfa": z.lhfa, "wflh": z.wflh, "below": z.below,
                  "flagged": z.flagged, "implausible": z.implausible, "missing": z.missing}}


@endpoint("/children/<int:child_id>/health-notes", summary="A child's health notes in force",
          tags=["growth"], permission="health_note.read", response=list[HealthNoteOut])
def list_health_notes(child_id: int):
    return [HealthNoteOut.model_validate(n)
            for n in notes.notes_of(child_id, g.api_user, where="api")]


@endpoint("/children/<int:child_id>/health-notes", "POST",
          summary="Add an allergy, dietary restriction, condition or medication permission",
          tags=["growth"], permission="health_note.write", body=HealthNoteIn,
          response=HealthNoteOut, status=201, idempotent=True)
def add_health_note(child_id: int, body: HealthNoteIn):
    return HealthNoteOut.model_validate(notes.add(child_id, g.api_user, **body.model_dump()))


@endpoint("/health-notes/<int:note_id>", "DELETE", summary="Withdraw a health note",
          tags=["growth"], permission="health_note.write", response=HealthNoteOut,
          errors=(409,))
def withdraw_health_note(note_id: int):
    return HealthNoteOut.model_validate(notes.remove(note_id, g.api_user))


def growth_out(child_id: int) -> dict:
    growth = services.growth_of(child_id, g.api_user, where="api")
    return {"child_id": child_id, "sex": growth.child.sex, "birth_date": growth.child.birth_date,
            "flagged": growth.flagged,
            "points": [point_out(child_id, p) for p in growth.points]}


@endpoint("/children/<int:child_id>/growth", summary="A child's growth points with z-scores",
          tags=["growth"], permission="growth.read", response=GrowthOut)
def get_growth(child_id: int):
    return growth_out(child_id)


@endpoint("/children/<int:child_id>/measurements", "POST",
          summary="Record a height and/or weight (z-scores in the answer)", tags=["growth"],
          permission="growth.record", body=MeasurementIn, response=MeasurementOut, status=201,
          idempotent=True)
def record_measurement(child_id: int, body: MeasurementIn):
    m = services.record_measurement(child_id, g.api_user, **body.model_dump())
    point = next(p for p in services.points_of(m.child) if p.measurement_id == m.id)
    return point_out(child_id, point)


@endpoint("/children/<int:child_id>/sex", "PUT",
          summary="Record the child's sex (the WHO standards need it)", tags=["growth"],
          permission="growth.record", body=SexIn, response=GrowthOut)
def set_child_sex(child_id: int, body: SexIn):
    services.set_sex(child_id, g.api_user, body.sex)
    return growth_out(child_id)


@endpoint("/centres/<int:centre_id>/growth-flags",
          summary="A centre's children in care with their latest growth point, those below "
          "−2 SD first", tags=["growth"], permission="growth.read", query=FlagsQuery,
          response=list[GrowthFlagOut])
def list_growth_flags(centre_id: int, query: FlagsQuery):
    if g.api_user.role != "staff" or g.api_user.centre_id != centre_id:
        raise NotFound()
    return [{"child_id": r.child.id, "child_name": r.child.name,
             "group_id": r.group.id if r.group else None, "flagged": r.flagged,
             "latest": point_out(r.child.id, r.latest) if r.latest else None}
            for r in queries.class_flags(g.api_user, query.group_id)]
