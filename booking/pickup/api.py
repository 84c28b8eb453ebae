"""The JSON API's pickup list (docs/api.md, docs/absences.md): the child's guardians keep it,
they and the centre's care staff read it; the staff record a departure by choosing from it."""
from flask import g

from ..api.framework import endpoint
from ..health import attendance
from . import photos, services
from .departures import record_of
from .schemas import (DepartureIn, DepartureOut, PickupListOut, PickupPersonIn, PickupPersonOut,
                      PickupPersonPatch)


def person_out(p) -> PickupPersonOut:
    return PickupPersonOut(id=p.id, child_id=p.child_id, name=p.name, relation=p.relation,
                           phone=p.phone, id_last4=p.id_last4, has_photo=bool(p.photo_path),
                           added_at=p.added_at, removed_at=p.removed_at)


@endpoint("/children/<int:child_id>/pickup-people",
          summary="Who may collect a child: its guardians, then its pickup list",
          tags=["pickup"], permission="pickup.read", response=PickupListOut)
def list_pickup_people(child_id: int):
    guardians, people = services.list_for(child_id, g.api_user)
    return PickupListOut(guardians=[vars(x) for x in guardians],
                         people=[person_out(p) for p in people])


@endpoint("/children/<int:child_id>/pickup-people", "POST",
          summary="Add a person to a child's pickup list", tags=["pickup"],
          permission="pickup.manage", body=PickupPersonIn, response=PickupPersonOut,
          status=201, errors=(409,), idempotent=True)
def add_pickup_person(child_id: int, body: PickupPersonIn):
    return person_out(services.add_person(child_id, g.api_user, **body.model_dump()))


@endpoint("/children/<int:child_id>/pickup-people/<int:person_id>", "PATCH",
          summary="Change a person on the pickup list (or drop their photo)", tags=["pickup"],
          permission="pickup.manage", body=PickupPersonPatch, response=PickupPersonOut)
def change_pickup_person(child_id: int, person_id: int, body: PickupPersonPatch):
    fields = body.model_dump(exclude={"drop_photo"})
    return person_out(services.change_person(child_id, person_id, g.api_user,
                                             drop_photo=body.drop_photo, **fields))


@endpoint("/children/<int:child_id>/pickup-people/<int:person_id>", "DELETE",
          summary="Take a person off the pickup list (their photo is deleted)",
          tags=["pickup"], permission="pickup.manage", response=PickupPersonOut)
def remove_pickup_person(child_id: int, person_id: int):
    return person_out(services.remove_person(child_id, person_id, g.api_user))


@endpoint("/children/<int:child_id>/pickup-people/<int:person_id>/photo",
          summary="A listed person's photo (JPEG or PNG)", tags=["pickup"],
          permission="pickup.read")
def pickup_person_photo(child_id: int, person_id: int):
    return photos.response(services.person_for(child_id, person_id, g.api_user))


@endpoint("/attendance/<int:reservation_id>/departure", "POST",
          summary="Staff: record who collected the child today (from its list, or an exception)",
          tags=["pickup"], permission="attendance.record", body=DepartureIn,
          response=DepartureOut, errors=(409,))
def record_departure(reservation_id: int, body: DepartureIn):
    day = attendance.record_departure(reservation_id, g.api_user, **body.model_dump())
    row = record_of(day.id)
    return DepartureOut(reservation_id=day.reservation_id, on_date=day.on_date,
                        arrived_at=day.arrived_at, departed_at=day.departed_at,
                        collected_by=day.collected_by,
                        collector="listed" if row.person_id else
                        "guardian" if row.guardian_id else "unlisted",
                        person_id=row.person_id, guardian_id=row.guardian_id)
