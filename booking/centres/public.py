"""A centre's public data, as the API answers it and the page cache keeps it
(pagecache.py): the centre with its disclosure (信息公示) and the places left by slot."""
from ..errors import NotFound
from ..extensions import db
from sqlalchemy.orm import joinedload

from . import nearby, services
from .models import Centre


def centre_out(centre, filing_status, places, origin=None) -> dict:
    km = nearby.distance_to(origin, centre)
    return {"id": centre.id, "name": centre.name, "name_en": centre.name_en,
            "kind": centre.kind, "district": centre.district.code,
            "subdistrict": centre.subdistrict, "address": centre.address,
            "affordable": centre.affordable, "star_rating": centre.star_rating,
            "filing_status": filing_status, "places_available": int(places or 0),
            "taking_bookings": filing_status == "approved",
            "latitude": centre.latitude, "longitude": centre.longitude,
            "distance_km": None if km is None else round(km, 2)}


def centre_or_404(centre_id) -> Centre:
    # Its filing and district come with it: the page reads both (one query, not three).
    centre = db.session.get(Centre, centre_id,
                            options=[joinedload(Centre.filing), joinedload(Centre.district)])
    if centre is None or centre.filing is None or centre.filing.status in ("draft", "submitted", "returned"):
        raise NotFound()
    return centre


def centre_detail(centre_id: int, now=None, avail_out=None) -> dict:
    centre = centre_or_404(centre_id)
    disclosure = services.disclosure(centre, now, avail_out)
    out = centre_out(centre, disclosure["filing_status"], disclosure["places_available"])
    out.update(operator=centre.operator, opening_hours=centre.opening_hours,
               open_days=centre.open_days, phone=centre.phone, disclosure=disclosure)
    return out


def public_data(centre_id: int, now) -> tuple[dict, dict] | None:
    """What the cache keeps of a centre (pagecache.py): the API's answer and the places left
    in each slot; None when it is not public."""
    avail: dict[int, int] = {}
    try:
        detail = centre_detail(centre_id, now, avail)
    except NotFound:
        return None
    return detail, avail
