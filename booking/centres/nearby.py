"""就近 search: nearest first from an origin, the radius, where an origin comes from
(a shared location, a district or a subdistrict) and the city a parent searches by default
(docs/search.md).

Distances are sorted in two steps. SQL narrows the candidates: every filter of the search,
and with a radius the bounding box of that radius (`latitude BETWEEN … AND longitude
BETWEEN …`, on ix_centre_point (latitude, longitude)), reading only (id, latitude,
longitude). Python then computes the exact haversine distance of each candidate, drops those past the radius,
sorts, and only the page's ids are read in full (with their places count). Both databases
do the same, without PostGIS or SQLite extensions, and the costly per-row part (the places
subquery) runs for one page, never for every candidate.
"""
from sqlalchemy import func, select

from ..extensions import db
from ..reservations.models import Reservation
from ..slots.models import Slot
from ..waitlists.models import WaitlistEntry
from ..children.models import Guardianship
from . import geo
from .models import Centre, District

def candidate_columns():
    return select(Centre.id, Centre.latitude, Centre.longitude)


def nearest_first(stmt, candidates, origin, radius_km, page, per_page):
    """Page `page` of `stmt`'s rows (Centre first), nearest to `origin` first, within
    `radius_km` when given. Centres without coordinates follow the located ones (best rated
    first) when there is no radius, and are left out with one: how far they are is unknown.

    `candidates` is the same search reading (id, latitude, longitude) only.
    """
    lat, lng = origin
    if radius_km is not None:
        min_lat, max_lat, min_lng, max_lng = geo.bounding_box(lat, lng, radius_km)
        candidates = candidates.where(Centre.latitude.between(min_lat, max_lat),
                                      Centre.longitude.between(min_lng, max_lng))
    located, unlocated = [], []
    for cid, c_lat, c_lng in db.session.execute(
            candidates.order_by(Centre.star_rating.desc(), Centre.id)):
        if c_lat is None or c_lng is None:
            unlocated.append(cid)
            continue
        km = geo.distance_km(lat, lng, c_lat, c_lng)
        if radius_km is None or km <= radius_km:
            located.append((km, cid))
    located.sort()
    ordered = [cid for _km, cid in located] + unlocated
    wanted = ordered[(page - 1) * per_page: page * per_page]
    if not wanted:
        return [], len(ordered)
    rows = {row[0].id: row for row in db.session.execute(stmt.where(Centre.id.in_(wanted)))}
    return [rows[cid] for cid in wanted if cid in rows], len(ordered)


def distance_to(origin, centre) -> float | None:
    """km from origin to the centre, or None when either is unknown."""
    if origin is None or centre.latitude is None or centre.longitude is None:
        return None
    return geo.distance_km(origin[0], origin[1], centre.latitude, centre.longitude)


# -- Origins a parent picks: a district, or a subdistrict (街道/镇) -----------------------------

def origin_of(key: str | None) -> tuple[float, float] | None:
    """The point of an origin key: `d:<district code>` is the district's reference point;
    `s:<district code>:<subdistrict>` the mean of its located centres' points (subdistricts
    have no table of their own), else its district's point. None when unknown."""
    if not key:
        return None
    kind, _, rest = key.partition(":")
    code, _, sub = rest.partition(":")
    district = db.session.scalar(select(District).where(District.code == code))
    if district is None or kind not in ("d", "s") or (kind == "s" and not sub):
        return None
    if kind == "s":
        lat, lng = db.session.execute(
            select(func.avg(Centre.latitude), func.avg(Centre.longitude)).where(
                Centre.district_id == district.id, Centre.subdistrict == sub,
                Centre.latitude.is_not(None))).one()
        if lat is not None:
            return float(lat), float(lng)
    return district.point


def origin_choices(city: str | None) -> list[tuple[District, list[str]]]:
    """The districts of `city` (all cities when None) that have a point, each with its
    subdistricts that have located centres: what the origin picker offers."""
    stmt = select(District).where(District.latitude.is_not(None)).order_by(District.city,
                                                                           District.code)
    if city:
        stmt = stmt.where(District.city == city)
    districts = db.session.scalars(stmt).all()
    subs: dict[int, list[str]] = {}
    if city:  # all cities' subdistricts would make a list too long to pick from
        for district_id, sub in db.session.execute(
                select(Centre.district_id, Centre.subdistrict).distinct()
                .where(Centre.district_id.in_([d.id for d in districts]),
                       Centre.latitude.is_not(None))
                .order_by(Centre.district_id, Centre.subdistrict)):
            subs.setdefault(district_id, []).append(sub)
    return [(d, subs.get(d.id, [])) for d in districts]


# -- The city a parent searches by default -----------------------------------------------------

def default_city(user) -> str | None:
    """A parent's city: where their children hold, attend or wait for a place (the latest),
    else the city on their profile; None for anyone else or when nothing says."""
    if user is None or not getattr(user, "is_authenticated", False) or user.role != "parent":
        return None
    children = select(Guardianship.child_id).where(Guardianship.user_id == user.id)
    for model, when in ((Reservation, Reservation.created_at), (WaitlistEntry, WaitlistEntry.joined_at)):
        city = db.session.scalar(
            select(District.city).join(Centre, Centre.district_id == District.id)
            .join(Slot, Slot.centre_id == Centre.id).join(model, model.slot_id == Slot.id)
            .where(model.child_id.in_(children)).order_by(when.desc()).limit(1))
        if city:
            return city
    return user.city or None
