"""docs/api.md: districts, centres and slots (public read; admin/regulator writes)."""
from flask import Response, g
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..api.framework import endpoint
from ..api.pagination import page_of
from ..clock import now as clock_now
from ..children.services import child_for_guardian, children_of
from ..errors import NotFound
from ..extensions import db
from ..places.eligibility import eligibility
from ..slots.models import Slot
from ..slots.queries import availability_map, taking_bookings
from . import location, nearby, pagecache, services
from .public import centre_detail, centre_or_404, centre_out, public_data
from .models import Centre
from .schemas import (CentreDetail, CentreIn, CentrePage, CentreQuery, DistrictIn, DistrictOut,
                      EligibilityOut, EligibilityQuery, LocationIn, SlotOut)


@endpoint("/districts", summary="Districts with population and target", tags=["centres"],
          response=list[DistrictOut])
def list_districts():
    return [DistrictOut.model_validate(d) for d in services.list_districts()]


@endpoint("/districts", "POST", summary="Add a district (admin)", tags=["centres"],
          permission="district.create", body=DistrictIn, response=DistrictOut, status=201, errors=(409,),
          idempotent=True)
def create_district(body: DistrictIn):
    d = services.create_district(**body.model_dump(), actor=g.api_user)
    return DistrictOut.model_validate(d)


@endpoint("/centres", summary="Search approved centres (nearest first with near=)",
          tags=["centres"], query=CentreQuery, response=CentrePage)
def list_centres(query: CentreQuery):
    origin = query.origin()
    filters = services.SearchFilters(
        **query.model_dump(exclude={"page", "per_page", "near", "datum"}), near=origin)
    rows, total = services.search_centres(filters, query.page, query.per_page)
    return page_of([centre_out(*row, origin=origin) for row in rows], total, query)


@endpoint("/centres/<int:centre_id>", summary="One centre with its disclosure (信息公示)",
          tags=["centres"], response=CentreDetail)
def get_centre(centre_id: int):
    # Public data only, from the page cache while the centre's and its slots' versions hold.
    page = pagecache.public_page(centre_id, public_data)
    if page is None:
        raise NotFound()
    return Response(page.body(clock_now()), mimetype="application/json")


@endpoint("/centres", "POST", summary="Add a centre (its filing starts approved)",
          tags=["centres"], permission="centre.register", body=CentreIn, response=CentreDetail,
          status=201, idempotent=True)
def create_centre(body: CentreIn):
    data = body.model_dump()
    centre = services.create_centre(district_code=data.pop("district"), actor=g.api_user, **data)
    return centre_detail(centre.id)


@endpoint("/centres/<int:centre_id>/location", "PUT",
          summary="Set or clear a centre's coordinates (GCJ-02)", tags=["centres"],
          permission="centre.edit", body=LocationIn, response=CentreDetail)
def put_location(centre_id: int, body: LocationIn):
    location.set_location(centre_id, g.api_user, body.latitude, body.longitude)
    return centre_detail(centre_id)


def slot_out(slot: Slot, available: int, bookable: bool = True) -> dict:
    return {"id": slot.id, "centre_id": slot.centre_id, "group_id": slot.group_id,
            "age_band": slot.age_band, "care_type": slot.care_type, "category": slot.category,
            "capacity": slot.capacity, "available": available if bookable else 0,
            "monthly_fee_fen": slot.monthly_fee_fen, "starts_on": slot.starts_on,
            "bookable": bookable}


@endpoint("/centres/<int:centre_id>/slots", summary="A centre's slots with places left",
          tags=["slots"], response=list[SlotOut])
def list_slots(centre_id: int):
    centre = centre_or_404(centre_id)
    slots = _slots_of(centre_id)
    avail = availability_map([s.id for s in slots])
    bookable = taking_bookings(centre)
    return [slot_out(s, avail.get(s.id, s.capacity), bookable) for s in slots]


def _slots_of(centre_id: int) -> list[Slot]:
    return db.session.scalars(select(Slot).where(Slot.centre_id == centre_id)
                              .order_by(Slot.starts_on, Slot.id)).all()


@endpoint("/centres/<int:centre_id>/eligibility",
          summary="Which of your children each slot is open to, and why not",
          tags=["slots"], permission="family.read", query=EligibilityQuery,
          response=list[EligibilityOut])
def slot_eligibility(centre_id: int, query: EligibilityQuery):
    """The centre page's reasons, before anything is submitted (places/eligibility.py):
    one row per slot and child, slots in start order. Only the child's guardians ask."""
    centre = centre_or_404(centre_id)
    user = g.api_user
    kids = ([child_for_guardian(user, query.child_id)] if query.child_id is not None
            else children_of(user))
    slots = _slots_of(centre.id)
    verdicts = eligibility(slots, kids, user.id)
    return [eligibility_out(verdicts[(s.id, k.id)]) for s in slots for k in kids]


def eligibility_out(v) -> dict:
    placed = None if v.placed is None else {
        "reservation_id": v.placed.id, "slot_id": v.placed.slot_id,
        "centre_id": v.placed.slot.centre_id, "centre_name": v.placed.slot.centre.name,
        "status": v.placed.status}
    return EligibilityOut(slot_id=v.slot_id, child_id=v.child_id, open=v.open, action=v.action,
                          reason=v.reason, message=v.message,
                          transfer_possible=v.transfer_possible, placed=placed,
                          together=[m.id for m in v.together], note=v.note,
                          round_id=v.round_id).model_dump()
