"""docs/api.md: districts, centres and slots (public read; admin/regulator writes)."""
from flask import g
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..api.framework import endpoint
from ..api.pagination import page_of
from ..errors import NotFound
from ..extensions import db
from ..slots.models import Slot
from ..slots.queries import availability_map
from . import services
from .models import Centre
from .schemas import (CentreDetail, CentreIn, CentrePage, CentreQuery, DistrictIn, DistrictOut,
                      SlotOut)


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


def centre_out(centre, filing_status, places) -> dict:
    return {"id": centre.id, "name": centre.name, "name_en": centre.name_en,
            "kind": centre.kind, "district": centre.district.code,
            "subdistrict": centre.subdistrict, "address": centre.address,
            "affordable": centre.affordable, "star_rating": centre.star_rating,
            "filing_status": filing_status, "places_available": int(places or 0)}


@endpoint("/centres", summary="Search approved centres", tags=["centres"], query=CentreQuery,
          response=CentrePage)
def list_centres(query: CentreQuery):
    filters = services.SearchFilters(**query.model_dump(exclude={"page", "per_page"}))
    rows, total = services.search_centres(filters, query.page, query.per_page)
    return page_of([centre_out(*row) for row in rows], total, query)


def _centre_or_404(centre_id) -> Centre:
    # Its filing and district come with it: the page reads both (one query, not three).
    centre = db.session.get(Centre, centre_id,
                            options=[joinedload(Centre.filing), joinedload(Centre.district)])
    if centre is None or centre.filing is None or centre.filing.status in ("draft", "submitted", "returned"):
        raise NotFound()
    return centre


@endpoint("/centres/<int:centre_id>", summary="One centre with its disclosure (信息公示)",
          tags=["centres"], response=CentreDetail)
def get_centre(centre_id: int):
    centre = _centre_or_404(centre_id)
    disclosure = services.disclosure(centre)
    out = centre_out(centre, disclosure["filing_status"], disclosure["places_available"])
    out.update(operator=centre.operator, opening_hours=centre.opening_hours,
               open_days=centre.open_days, phone=centre.phone, disclosure=disclosure)
    return out


@endpoint("/centres", "POST", summary="Add a centre (its filing starts approved)",
          tags=["centres"], permission="centre.register", body=CentreIn, response=CentreDetail,
          status=201, idempotent=True)
def create_centre(body: CentreIn):
    data = body.model_dump()
    centre = services.create_centre(district_code=data.pop("district"), actor=g.api_user, **data)
    return get_centre.__wrapped__(centre.id)


def slot_out(slot: Slot, available: int) -> dict:
    return {"id": slot.id, "centre_id": slot.centre_id, "group_id": slot.group_id,
            "age_band": slot.age_band, "care_type": slot.care_type, "category": slot.category,
            "capacity": slot.capacity, "available": available,
            "monthly_fee_fen": slot.monthly_fee_fen, "starts_on": slot.starts_on}


@endpoint("/centres/<int:centre_id>/slots", summary="A centre's slots with places left",
          tags=["slots"], response=list[SlotOut])
def list_slots(centre_id: int):
    _centre_or_404(centre_id)
    slots = db.session.scalars(select(Slot).where(Slot.centre_id == centre_id)
                               .order_by(Slot.starts_on, Slot.id)).all()
    avail = availability_map([s.id for s in slots])
    return [slot_out(s, avail.get(s.id, s.capacity)) for s in slots]
