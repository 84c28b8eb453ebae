"""Districts and centres: search, the disclosure block (信息公示), creating them, a centre
signing up on its own."""
from dataclasses import dataclass
from flask_babel import gettext as _
from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from ..api.pagination import paginate
from ..audit.services import record
from ..auth.models import User
from ..auth.services import ensure_free, hash_password, normalise_email, password_problems
from ..clock import now as clock_now
from ..clock import today
from ..errors import Conflict, Forbidden, ValidationFailed
from ..extensions import db
from ..transactions import command
from ..regulator.jurisdiction import holds
from ..regulator.models import Filing, Inspection
from ..rosters.models import CARER_ROLES, StaffMember
from ..slots.models import Slot
from ..slots.queries import taken_for_slot, taking_bookings
from . import nearby, pinyin
from .location import point_problems
from .bands import AGE_BANDS, CENTRE_KINDS
from ..policy import services as policy_versions
from .models import Centre, CityPolicy, District
from ..recognition.queries import in_force_clause, recognised
from ..operators.queries import public_operator

PUBLIC_STATUSES = ("approved",)


@dataclass
class SearchFilters:
    district: str | None = None      # district code
    city: str | None = None
    subdistrict: str | None = None
    age_band: str | None = None
    category: str | None = None
    care_type: str | None = None
    kind: str | None = None
    q: str | None = None
    has_places: bool = False
    affordable: bool | None = None
    near: tuple[float, float] | None = None  # the origin (GCJ-02 lat, lng): sort by distance
    radius_km: float | None = None           # with near: only centres this close


def search_centres(f: SearchFilters, page=1, per_page=20, now=None):
    """Approved centres matching the filters, with the places they have left that fit them:
    best rated first or, from an origin (`near`), nearest first (docs/search.md).

    Returns (rows, total) where rows are (Centre, filing_status, places_available).
    """
    now = now or clock_now()
    slot_filter = [Slot.centre_id == Centre.id]
    if f.age_band:
        slot_filter.append(Slot.age_band == f.age_band)
    if f.category:
        slot_filter.append(Slot.category == f.category)
    if f.care_type:
        slot_filter.append(Slot.care_type == f.care_type)
    places = (select(func.coalesce(func.sum(_nonneg(Slot.capacity - taken_for_slot(now))), 0))
              .select_from(Slot).where(*slot_filter).correlate(Centre).scalar_subquery())
    stmt = _filtered(select(Centre, Filing.status, places.label("places"))
                     .options(contains_eager(Centre.district)),  # centre_out reads its code
                     f, slot_filter, places)
    if f.near is None:
        return paginate(stmt.order_by(*BEST_FIRST), page, per_page)
    # The candidates join the district only when a filter reads it: PostgreSQL otherwise
    # plans a loop over every district around the bounding box (bench: 40 ms instead of 2).
    candidates = _filtered(nearby.candidate_columns(), f, slot_filter, places,
                           district=bool(f.district or f.city or f.q))
    return nearby.nearest_first(stmt, candidates, f.near, f.radius_km, page, per_page)


BEST_FIRST = (Centre.star_rating.desc(), Centre.id)


def _filtered(stmt, f: SearchFilters, slot_filter, places, district=True):
    """`stmt` over approved centres (and their districts, unless `district` is False: then no
    filter may read them), narrowed by every filter but the distance (nearby.py's)."""
    stmt = stmt.join(Filing, Filing.centre_id == Centre.id).where(Filing.status.in_(PUBLIC_STATUSES))
    if district:
        stmt = stmt.join(District, District.id == Centre.district_id)
    if f.district:
        stmt = stmt.where(District.code == f.district)
    if f.city:
        stmt = stmt.where(District.city == f.city)
    if f.subdistrict:
        stmt = stmt.where(Centre.subdistrict == f.subdistrict)
    if f.kind:
        stmt = stmt.where(Centre.kind == f.kind)
    if f.affordable is not None:  # the grant in force, not the cached flag
        held = in_force_clause("affordable", today())
        stmt = stmt.where(held if f.affordable else ~held)
    if f.age_band or f.category or f.care_type:
        stmt = stmt.where(exists(select(Slot.id).where(*slot_filter)))
    if f.q:
        stmt = stmt.where(_matches(f.q))
    if f.has_places:
        stmt = stmt.where(places > 0)
    return stmt


def _matches(q: str):
    """Free text: in the names (Chinese or English), the address, the subdistrict, the
    district's name; a query in Latin letters also against the centre's and the district's
    pinyin and initials (`yanta`, `ytq` → 雁塔区), stored lower-case so a plain LIKE serves."""
    like = f"%{_escape_like(q)}%"
    found = [Centre.name.ilike(like, escape="\\"), Centre.name_en.ilike(like, escape="\\"),
             Centre.address.ilike(like, escape="\\"), Centre.subdistrict.ilike(like, escape="\\"),
             District.name.ilike(like, escape="\\")]
    if pinyin.is_pinyin_query(q):
        key = f"%{pinyin.normalise(q)}%"  # letters and digits only: nothing to escape
        found += [Centre.name_pinyin.like(key), Centre.name_initials.like(key),
                  District.name_pinyin.like(key), District.name_initials.like(key)]
    return or_(*found)


def _nonneg(expr):
    return case((expr > 0, expr), else_=0)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_districts(city=None):
    stmt = select(District).order_by(District.city, District.code)
    if city:
        stmt = stmt.where(District.city == city)
    return db.session.scalars(stmt).all()


def list_cities():
    return db.session.execute(select(District.city, func.min(District.city_en))
                              .group_by(District.city).order_by(District.city)).all()


def subdistricts(district_code=None):
    stmt = select(Centre.subdistrict).distinct().order_by(Centre.subdistrict)
    if district_code:
        stmt = stmt.join(District).where(District.code == district_code)
    return db.session.scalars(stmt).all()


def policy_for(city: str, on=None) -> CityPolicy | None:
    """The city's policy version in force on `on` (default today; docs/subsidies.md)."""
    return policy_versions.in_force(city, on)


def disclosure(centre: Centre, now=None, avail_out: dict | None = None) -> dict:
    """信息公示 (管理规范 art. 15, 40): every item computed from live data, never typed twice.
    `avail_out`, when given, receives the places left by slot id (the page cache keeps them)."""
    now = now or clock_now()
    # Each slot with its places left, in one query (as availability_map counts them).
    rows = db.session.execute(select(Slot, Slot.capacity - taken_for_slot(now))
                              .where(Slot.centre_id == centre.id)
                              .order_by(Slot.age_band, Slot.category, Slot.id)).all()
    slots = [s for s, _ in rows]
    # A suspended or closed centre offers no place, however many stand empty.
    bookable = taking_bookings(centre)
    avail = {s.id: max(left, 0) if bookable else 0 for s, left in rows}
    if avail_out is not None:
        avail_out.update(avail)
    places: dict[str, dict[str, int]] = {}
    fees: dict[str, dict] = {}
    for s in slots:
        places.setdefault(s.age_band, {}).setdefault(s.category, 0)
        places[s.age_band][s.category] += s.capacity
        fee = fees.setdefault(s.care_type, {"min_fen": s.monthly_fee_fen,
                                            "max_fen": s.monthly_fee_fen})
        fee["min_fen"] = min(fee["min_fen"], s.monthly_fee_fen)
        fee["max_fen"] = max(fee["max_fen"], s.monthly_fee_fen)
    staff = db.session.scalars(select(StaffMember).where(
        StaffMember.centre_id == centre.id, StaffMember.active.is_(True))).all()
    by_role: dict[str, int] = {}
    by_level: dict[str, int] = {}
    for m in staff:
        by_role[m.role] = by_role.get(m.role, 0) + 1
        if m.role in CARER_ROLES and m.qualification_level:
            key = str(m.qualification_level)
            by_level[key] = by_level.get(key, 0) + 1
    day = today()
    valid_health = sum(1 for m in staff if m.health_cert_expires_on and m.health_cert_expires_on >= day)
    inspection = db.session.scalar(select(Inspection).where(Inspection.centre_id == centre.id)
                                   .order_by(Inspection.inspected_on.desc()).limit(1))
    held = recognised(centre, day)
    policy = policy_for(centre.district.city)
    caps = ({band: policy.affordable_cap_fen(band) for band in AGE_BANDS}
            if policy and held["affordable"] else None)
    filing = centre.filing
    return {
        "name": centre.name,
        "kind": centre.kind,
        "operator": centre.operator,
        # The organisation that runs it (docs/operators.md) and its other listed centres.
        "operator_organisation": public_operator(centre.id),
        "address": centre.address,
        "district": centre.district.code,
        "district_name": centre.district.name,
        "subdistrict": centre.subdistrict,
        "filing_number": filing.filing_number if filing else None,
        "filing_status": filing.status if filing else None,
        "affordable": held["affordable"] is not None,
        "affordable_valid_until": (held["affordable"].valid_until.isoformat()
                                   if held["affordable"] else None),
        "star_rating": held["star"].stars if held["star"] else 0,
        "star_valid_until": held["star"].valid_until.isoformat() if held["star"] else None,
        "opening_hours": centre.opening_hours,
        "open_days": centre.open_days,
        # As recorded by the district's last approved change filing (docs/changes.md).
        "approved_places": centre.approved_places,
        "manager_name": centre.manager_name,
        "care_scope": centre.care_scope,
        "age_bands": sorted(places),
        "places_by_band_and_category": places,
        "places_total": sum(s.capacity for s in slots),
        "places_available": sum(avail.values()),
        "taking_bookings": bookable,
        "fees_by_care_type": fees,
        "affordable_cap_fen": caps,
        "staff_total": len(staff),
        "staff_by_role": by_role,
        "carers_by_qualification_level": by_level,
        "staff_health_certificates_valid_share": round(valid_health / len(staff), 3) if staff else None,
        "latest_inspection": ({"inspected_on": inspection.inspected_on.isoformat(),
                               "grade": inspection.grade, "score": inspection.score}
                              if inspection else None),
        "complaints_channel": centre.complaints_channel,
        "as_of": now.isoformat(),
    }


@command
def create_district(*, code, name, city, population, target_per_1000, name_en=None,
                    city_en=None, population_year=None, actor=None) -> District:
    """:raises ValidationFailed: bad figures. :raises Conflict: the code exists."""
    errors = {}
    if population <= 0:
        errors["population"] = [_("人口必须大于 0")]
    if target_per_1000 < 0 or target_per_1000 > 100:
        errors["target_per_1000"] = [_("每千人托位目标应在 0 到 100 之间")]
    if errors:
        raise ValidationFailed(errors=errors)
    if db.session.scalar(select(District.id).where(District.code == code)):
        raise Conflict(_("区县代码 %(code)s 已存在", code=code), errors={"code": [_("已存在")]})
    district = District(code=code, name=name, city=city, population=population,
                        target_per_1000=target_per_1000, name_en=name_en, city_en=city_en,
                        population_year=population_year)
    db.session.add(district)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(_("区县代码 %(code)s 已存在", code=code))
    record("district.created", district, actor=actor,
           after={"code": code, "name": name, "city": city, "population": population})
    db.session.commit()
    return district


def next_filing_number(district: District) -> str:
    count = db.session.scalar(select(func.count(Filing.id)).join(Centre).where(
        Centre.district_id == district.id, Filing.filing_number.is_not(None))) or 0
    return f"{district.code}-{today().year}-{count + 1:04d}"


@command
def create_centre(*, district_code: str, actor=None, approved=True, filing_number=None,
                  seed_key=None, **fields) -> Centre:
    """A centre entered by the authority itself starts with its filing approved (docs/domain.md),
    so it is bookable at once; a centre signing up on its own starts as a draft filing.

    :raises ValidationFailed: unknown district, bad values. :raises Forbidden: a regulator
        whose jurisdiction does not hold the district.
    """
    district = db.session.scalar(select(District).where(District.code == district_code))
    if district is None:
        raise ValidationFailed(errors={"district": [_("区县代码不存在")]})
    if actor is not None and actor.role == "regulator" and not holds(actor, district):
        raise Forbidden(_("该区县不在您的监管范围内"))
    rating = fields.get("star_rating") or 0
    if not 0 <= rating <= 5:
        raise ValidationFailed(errors={"star_rating": [_("星级应在 0 到 5 之间")]})
    if errors := point_problems(fields.get("latitude"), fields.get("longitude")):
        raise ValidationFailed(errors=errors)
    # 普惠 and stars are decisions of the authority (docs/recognition.md): given here only by
    # seeds, imports and tests, they enter as grants, and the flags follow the grants.
    affordable, stars = bool(fields.pop("affordable", False)), int(fields.pop("star_rating", 0) or 0)
    centre = Centre(district=district, seed_key=seed_key, **fields)
    db.session.add(centre)
    db.session.flush()
    if affordable or stars:
        from ..recognition.services import refresh_flags, seed_grant
        if affordable:
            seed_grant(centre, "affordable", actor=actor)
        if stars:
            seed_grant(centre, "star", stars, actor=actor)
        db.session.flush()
        refresh_flags(centre)
    status = "approved" if approved else "draft"
    filing = Filing(centre_id=centre.id, status=status,
                    filing_number=(filing_number or next_filing_number(district)) if approved else None,
                    submitted_at=clock_now() if approved else None,
                    decided_at=clock_now() if approved else None,
                    decided_by=actor.id if actor and approved else None)
    db.session.add(filing)
    record("centre.created", centre, actor=actor, centre_id=centre.id,
           after={"name": centre.name, "kind": centre.kind, "district": district.code,
                  "filing_status": status})
    db.session.commit()
    return centre


@command
def register_centre(*, name: str, kind: str, district_code: str, subdistrict: str, address: str,
                    operator: str, contact_name: str, email: str, password: str) -> User:
    """A centre signs up on its own: the centre with a draft filing and its first staff
    account, in one transaction. It is not listed or bookable until its filing is approved.

    :raises ValidationFailed, Conflict.
    """
    email = normalise_email(email)
    errors = {}
    district = db.session.scalar(db.select(District).where(District.code == district_code))
    if district is None:
        errors["district"] = [_("区县不存在")]
    if kind not in CENTRE_KINDS:
        errors["kind"] = [_("机构类型无效")]
    if problems := password_problems(password):
        errors["password"] = problems
    if errors:
        raise ValidationFailed(errors=errors)
    ensure_free(email, None)
    centre = Centre(name=name.strip(), kind=kind, district=district,
                    subdistrict=subdistrict.strip(), address=address.strip(),
                    operator=operator.strip())
    db.session.add(centre)
    db.session.flush()
    db.session.add(Filing(centre_id=centre.id, status="draft"))
    # Whoever registers the centre directs it, and invites its other staff.
    user = User(role="staff", staff_role="director", centre_id=centre.id,
                name=contact_name.strip(), email=email, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    record("centre.registered", centre, actor=user, centre_id=centre.id,
           after={"name": centre.name, "kind": kind, "district": district_code})
    db.session.commit()
    return user
