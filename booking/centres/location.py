"""A centre's location: its staff set or clear its GCJ-02 coordinates (docs/search.md)."""
import math

from flask_babel import gettext as _

from ..audit.services import record
from ..auth.permissions import can
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..transactions import command
from . import geo
from .models import Centre


def point_problems(latitude, longitude) -> dict[str, list[str]]:
    """What is wrong with a centre's point: both or neither, inside China's range (GCJ-02 is
    defined only there; the range the conversion formula uses, geo.CHINA_LAT/LNG)."""
    if latitude is None and longitude is None:
        return {}
    if latitude is None or longitude is None:
        missing = "latitude" if latitude is None else "longitude"
        return {missing: [_("纬度和经度须同时填写，或同时留空")]}
    errors = {}
    if not (math.isfinite(latitude) and geo.CHINA_LAT[0] <= latitude <= geo.CHINA_LAT[1]):
        errors["latitude"] = [_("纬度应在 %(lo)s 到 %(hi)s 之间（中国境内）",
                                lo=geo.CHINA_LAT[0], hi=geo.CHINA_LAT[1])]
    if not (math.isfinite(longitude) and geo.CHINA_LNG[0] <= longitude <= geo.CHINA_LNG[1]):
        errors["longitude"] = [_("经度应在 %(lo)s 到 %(hi)s 之间（中国境内）",
                                 lo=geo.CHINA_LNG[0], hi=geo.CHINA_LNG[1])]
    return errors


@command
def set_location(centre_id: int, actor, latitude: float | None, longitude: float | None) -> Centre:
    """Set (or, both blank, clear) the centre's point, GCJ-02 degrees as AMap's or Tencent's
    picker shows them. Rounded to 6 decimals (about 0.1 m).

    :raises NotFound: no such centre, or outside the actor's reach (centre.edit).
    :raises ValidationFailed: one coordinate without the other, or outside China.
    """
    centre = db.session.get(Centre, centre_id)
    if centre is None or not can(actor, "centre.edit", centre):
        raise NotFound()
    if errors := point_problems(latitude, longitude):
        raise ValidationFailed(errors=errors)
    before = {"latitude": centre.latitude, "longitude": centre.longitude}
    centre.latitude = None if latitude is None else round(latitude, 6)
    centre.longitude = None if longitude is None else round(longitude, 6)
    after = {"latitude": centre.latitude, "longitude": centre.longitude}
    if after != before:
        record("centre.location_set", centre, actor=actor, centre_id=centre.id,
               before=before, after=after)
    db.session.commit()
    return centre
