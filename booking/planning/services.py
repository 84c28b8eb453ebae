"""Planning (docs/planning.md): per subdistrict of a district, the places approved centres
offer against the children under 3 expected there (the last three years' births), the
children in care and waiting; the district's places per 1,000 against its target; and
"what if": a new centre of N places at a subdistrict, computed without writing anything.

The places, enrolments and waits are counted exactly as the coverage dashboard counts them
(regulator/services.py places_by, enrolled_by, waiting_by); the district's figures are
coverage's own row.
"""
from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.services import record
from ..centres.models import Centre, District
from ..clock import today
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..regulator import services as regulator
from ..regulator.jurisdiction import holds
from ..transactions import command
from .models import SubdistrictBirths

YEARS = 3              # children under 3: the births of the last three calendar years
MIN_PLACES, MAX_PLACES = 1, 2000   # a what-if centre's places
MAX_BIRTHS = 100_000   # a subdistrict's births in one year, well above any real figure
FIRST_YEAR = 2000


def district_for(user, key) -> District:
    """The district of `key` (its code, or its id) within `user`'s jurisdiction.

    :raises NotFound: no such district, or one outside the jurisdiction (answered alike).
    """
    key = str(key or "").strip()
    if not key or len(key) > 12 or not key.isprintable():
        raise NotFound()
    d = db.session.scalar(select(District).where(District.code == key))
    if d is None and key.isdigit() and len(key) <= 9:
        d = db.session.get(District, int(key))
    if d is None or not holds(user, d):
        raise NotFound()
    return d


def districts(user) -> list[dict]:
    """The districts of `user`'s jurisdiction with coverage's figures (to pick one)."""
    return regulator.coverage(user)


def years() -> list[int]:
    """The three calendar years whose births are the children under 3: this one and the two
    before it."""
    this = today().year
    return list(range(this - YEARS + 1, this + 1))


def subdistricts(district: District) -> list[str]:
    """The subdistricts known in `district`: its centres', and those with births entered."""
    names = set(db.session.scalars(select(Centre.subdistrict).where(
        Centre.district_id == district.id)))
    names |= set(db.session.scalars(select(SubdistrictBirths.subdistrict).where(
        SubdistrictBirths.district_id == district.id)))
    return sorted(n for n in names if n)


def _by_subdistrict(subquery, column, district_id) -> dict[str, int]:
    rows = db.session.execute(select(subquery.c.subdistrict, column)
                              .where(subquery.c.district_id == district_id)).all()
    return {name: int(n or 0) for name, n in rows}


def per_100(places: int, under_3: int) -> float | None:
    """Places per 100 children under 3 (None when no births are known)."""
    return round(places / under_3 * 100, 1) if under_3 else None


def plan(user, key) -> dict:
    """The planning table of district `key` (code or id) within `user`'s jurisdiction."""
    d = district_for(user, key)
    keys = (Centre.district_id, Centre.subdistrict)
    places_q, enrolled_q, waiting_q = (regulator.places_by(*keys), regulator.enrolled_by(*keys),
                                       regulator.waiting_by(*keys))
    places = _by_subdistrict(places_q, places_q.c.places, d.id)
    enrolled = _by_subdistrict(enrolled_q, enrolled_q.c.enrolled, d.id)
    waiting = _by_subdistrict(waiting_q, waiting_q.c.waiting, d.id)
    span = years()
    births = {}
    for name, year, n in db.session.execute(
            select(SubdistrictBirths.subdistrict, SubdistrictBirths.year, SubdistrictBirths.births)
            .where(SubdistrictBirths.district_id == d.id, SubdistrictBirths.year.in_(span))):
        births.setdefault(name, {})[year] = n
    rows = []
    for name in subdistricts(d):
        by_year = births.get(name, {})
        under_3 = sum(by_year.values())
        rows.append({
            "subdistrict": name, "places": places.get(name, 0),
            "enrolled": enrolled.get(name, 0), "waitlisted_children": waiting.get(name, 0),
            "births": {y: by_year.get(y) for y in span},
            "births_complete": len(by_year) == len(span), "under_3": under_3,
            "places_per_100_under_3": per_100(places.get(name, 0), under_3),
        })
    row = next(r for r in regulator.coverage(user, city=d.city) if r["district"] == d.code)
    return {"district": d, "code": d.code, "name": d.name, "city": d.city,
            "population": d.population, "places": row["places"],
            "places_per_1000": row["places_per_1000"], "target_per_1000": row["target_per_1000"],
            "places_needed": row["places_needed"], "years": span, "rows": rows,
            "under_3": sum(r["under_3"] for r in rows)}


def parse_places(value) -> int:
    """A what-if's number of places: a whole number from 1 to 2000.

    :raises ValidationFailed: anything else.
    """
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        n = None
    if n is None or not MIN_PLACES <= n <= MAX_PLACES:
        raise ValidationFailed(errors={"places": [
            _("新增托位数请填写 %(min)s 到 %(max)s 之间的整数", min=MIN_PLACES, max=MAX_PLACES)]})
    return n


def what_if(user, key, subdistrict, places, table: dict | None = None) -> dict:
    """A new centre of `places` places at `subdistrict` of district `key`: the district's
    places per 1,000 and gap to target, and the subdistrict's places per 100 children under
    3, before and after. Reads only: nothing is written, so nothing is audited.

    :raises NotFound: the district is not within the jurisdiction.
    :raises ValidationFailed: places not a whole number from 1 to 2000; a subdistrict not
        known in the district.
    """
    table = table or plan(user, key)
    errors = {}
    try:
        n = parse_places(places)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    name = (subdistrict or "").strip()
    row = next((r for r in table["rows"] if r["subdistrict"] == name), None)
    if row is None:
        errors["subdistrict"] = [_("请选择本区县已知的街道")]
    if errors:
        raise ValidationFailed(errors=errors)
    d = table["district"]
    total = table["places"] + n
    return {
        "district": d.code, "subdistrict": name, "new_places": n,
        "places": table["places"], "places_after": total,
        "places_per_1000": table["places_per_1000"],
        "places_per_1000_after": round(total / d.population * 1000, 2),
        "target_per_1000": table["target_per_1000"],
        "places_needed": table["places_needed"],
        "places_needed_after": regulator.places_needed(d.population, table["target_per_1000"],
                                                       total),
        "under_3": row["under_3"],
        "places_per_100_under_3": row["places_per_100_under_3"],
        "places_per_100_under_3_after": per_100(row["places"] + n, row["under_3"]),
    }


@command
def set_births(user, key, *, subdistrict, year, births, new_subdistrict=False) -> SubdistrictBirths:
    """Enter or correct a subdistrict's births for a year (audited: births.recorded for a new
    figure, births.corrected with the old one for a change).

    :raises NotFound: the district is not within the jurisdiction.
    :raises ValidationFailed: births not a whole number from 0; a year in the future or
        before 2000; a subdistrict neither known in the district nor named as a new one.
    """
    d = district_for(user, key)
    errors = {}
    name = (subdistrict or "").strip()
    if not name or len(name) > 60 or any(not ch.isprintable() for ch in name):
        errors["subdistrict"] = [_("请填写街道名称（不超过 60 个字）")]
    elif name not in subdistricts(d) and not new_subdistrict:
        errors["subdistrict"] = [_("本区县没有这个街道；如是新街道，请勾选“新街道”")]
    year = _whole(year)
    if year is None or not FIRST_YEAR <= year <= today().year:
        errors["year"] = [_("年份请填写 %(first)s 到 %(last)s 之间的整数",
                            first=FIRST_YEAR, last=today().year)]
    births = _whole(births)
    if births is None or not 0 <= births <= MAX_BIRTHS:
        errors["births"] = [_("出生人数请填写 0 到 %(max)s 之间的整数", max=MAX_BIRTHS)]
    if errors:
        raise ValidationFailed(errors=errors)
    row = db.session.scalar(select(SubdistrictBirths).where(
        SubdistrictBirths.district_id == d.id, SubdistrictBirths.subdistrict == name,
        SubdistrictBirths.year == year))
    after = {"district": d.code, "subdistrict": name, "year": year, "births": births}
    if row is None:
        row = SubdistrictBirths(district_id=d.id, subdistrict=name, year=year, births=births)
        db.session.add(row)
        record("births.recorded", row, actor=user, after=after)
    elif row.births != births:
        record("births.corrected", row, actor=user, before={"births": row.births}, after=after)
        row.births = births
    db.session.commit()
    return row


def _whole(value) -> int | None:
    """A whole number from an int or its digits (a bool or a fraction is not one)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value if value is not None else "").strip()
    if text.lstrip("-").isdigit() and len(text) <= 9:
        return int(text)
    return None

