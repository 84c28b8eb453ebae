"""docs/api.md: staff publish and change their centre's slots."""
from flask import g

from ..api.framework import endpoint
from ..auth.permissions import can
from ..centres.api import slot_out
from ..centres.models import Centre
from ..errors import NotFound
from ..extensions import db
from . import services
from .models import Slot
from .queries import availability, taking_bookings
from .schemas import SlotIn, SlotPatch
from ..centres.schemas import SlotOut


def _own_centre(centre_id: int) -> Centre:
    user = g.api_user
    centre = db.session.get(Centre, centre_id)
    if centre is None or not can(user, "slot.manage", centre):
        raise NotFound()
    return centre


@endpoint("/centres/<int:centre_id>/slots", "POST", summary="Publish a slot",
          tags=["slots"], permission="slot.manage", body=SlotIn, response=SlotOut, status=201,
          idempotent=True)
def create_slot(centre_id: int, body: SlotIn):
    centre = _own_centre(centre_id)
    slot = services.create_slot(centre=centre, actor=g.api_user, **body.model_dump())
    return slot_out(slot, slot.capacity, taking_bookings(centre))


@endpoint("/slots/<int:slot_id>", "PATCH", summary="Change capacity or fee", tags=["slots"],
          permission="slot.manage", body=SlotPatch, response=SlotOut, errors=(409,))
def patch_slot(slot_id: int, body: SlotPatch):
    slot = db.session.get(Slot, slot_id)
    if slot is None:
        raise NotFound()
    _own_centre(slot.centre_id)
    slot = services.change_slot(slot_id, actor=g.api_user, **body.model_dump(exclude_unset=True))
    return slot_out(slot, availability(slot), taking_bookings(slot.centre))
