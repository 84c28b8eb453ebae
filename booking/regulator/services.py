"""Coverage against the targets (千人口托位数) and the filings registry."""
import math

from sqlalchemy import Integer, and_, case, cast, func, literal_column, or_, select, text, union_all

from ..audit.models import AuditEvent
from ..centres.models import Centre, District
from ..clock import now as clock_now
from ..extensions import db
from ..health.models import HealthCheck
from ..operators.models import Operator
from ..planning.models import SubdistrictBirths
from ..reservations.models import Reservation, Status, in_care_at
from ..slots.models import Slot
from ..waitlists.models import WaitlistEntry
from .jurisdiction import centre_clause, child_clause, district_clause, is_national, within
from .models import Filing


def scope(stmt, user):
    """`stmt` (joining `District`) limited to the user's jurisdiction (jurisdiction.py)."""
    return within(stmt, user)


def audit_clause(user):
    """The audit events `user` may search: admins and national regulators all; a regulator
    those about its centres, about its centres' children (their records and health checks,
    which carry no centre), about its districts' births (planning) and about the operators
    registered in its districts (docs/operators.md). Accounts' own events belong to no
    jurisdiction."""
    if is_national(user):
        return centre_clause(user, AuditEvent.centre_id)
    checks = select(HealthCheck.id).where(child_clause(user, HealthCheck.child_id))
    births = (select(SubdistrictBirths.id)
              .join(District, District.id == SubdistrictBirths.district_id)
              .where(district_clause(user)))
    operators = (select(Operator.id).join(District, District.id == Operator.district_id)
                 .where(district_clause(user)))
    return or_(
        and_(AuditEvent.centre_id.is_not(None), centre_clause(user, AuditEvent.centre_id)),
        and_(AuditEvent.centre_id.is_(None), AuditEvent.entity_type == "operator",
             AuditEvent.entity_id.in_(operators)),
        and_(AuditEvent.centre_id.is_(None), AuditEvent.entity_type == "child",
             child_clause(user, AuditEvent.entity_id)),
        and_(AuditEvent.centre_id.is_(None), AuditEvent.entity_type == "health_check",
             AuditEvent.entity_id.in_(checks)),
        and_(AuditEvent.centre_id.is_(None), AuditEvent.entity_type == "subdistrict_births",
             AuditEvent.entity_id.in_(births)))


def coverage(user, city=None) -> list[dict]:
    """Per district: places that approved centres offer, per 1,000 residents, against the
    target; affordable and public places; occupancy (children in care ÷ places); children
    waiting. Each child counts once, in one district: where it is in care, and where its most
    wanted wait is (so the districts add up to the city).

    places_per_1000 = places / population × 1000 (docs/domain.md, Places per 1,000 residents).
    """
    places = places_by(Centre.district_id)
    enrolled = enrolled_by(Centre.district_id)
    waiting = waiting_by(Centre.district_id)
    stmt = (select(District, func.coalesce(places.c.places, 0),
                   func.coalesce(places.c.affordable, 0), func.coalesce(places.c.public, 0),
                   func.coalesce(enrolled.c.enrolled, 0), func.coalesce(waiting.c.waiting, 0))
            .outerjoin(places, places.c.district_id == District.id)
            .outerjoin(enrolled, enrolled.c.district_id == District.id)
            .outerjoin(waiting, waiting.c.district_id == District.id)
            .order_by(District.city, District.code))
    if city:
        stmt = stmt.where(District.city == city)
    rows = db.session.execute(scope(stmt, user)).all()
    out = []
    for d, n_places, affordable, public, n_enrolled, n_waiting in rows:
        out.append({
            "district": d.code, "name": d.name, "city": d.city, "population": d.population,
            "places": int(n_places), "places_per_1000": round(n_places / d.population * 1000, 2),
            "target_per_1000": float(d.target_per_1000),
            "affordable_places": int(affordable), "public_places": int(public),
            "enrolled": int(n_enrolled),
            "occupancy_rate": round(n_enrolled / n_places, 3) if n_places else 0.0,
            "waitlisted_children": int(n_waiting),
            "places_needed": places_needed(d.population, float(d.target_per_1000), int(n_places)),
        })
    return out


def places_by(*keys):
    """A subquery: per `keys` (Centre columns), the places approved centres offer (the sum
    of their slots' capacities), affordable and public places among them. Coverage groups
    by district; planning (booking/planning) by district and subdistrict."""
    return (select(*keys, func.sum(Slot.capacity).label("places"),
                   func.sum(case((Slot.category == "affordable", Slot.capacity), else_=0))
                   .label("affordable"),
                   func.sum(case((Slot.category == "public", Slot.capacity), else_=0))
                   .label("public"))
            .join(Slot, Slot.centre_id == Centre.id)
            .join(Filing, Filing.centre_id == Centre.id)
            .where(Filing.status == "approved").group_by(*keys).subquery())


def enrolled_by(*keys):
    """A subquery: per `keys`, the children in care now, each counted once.

    Read from the slots' counters (`Slot.enrolled_count`, every enrolled row), not from the
    reservations, so the report grows with the slots, not with the bookings. Counters alone
    would be wrong for two kinds of children: one with an enrolment that has a leaving date
    (a leaver stops counting the day after it without a write; during a transfer a child is
    enrolled at two slots but counted once), and one enrolled more than once in old data.
    For those children only (partial indexes find them), their counted rows are taken out
    and the exact count put back; every other child has one enrolment, counted as it is."""
    def at_approved(*columns):
        return (select(*keys, *columns).join(Slot, Slot.centre_id == Centre.id)
                .join(Filing, Filing.centre_id == Centre.id).where(Filing.status == "approved"))
    counters = at_approved(Slot.enrolled_count.label("n"))
    mine = at_approved(Slot.id.label("slot_id")).subquery()
    by = [mine.c[k.name] for k in keys]
    # One CTE, read by both corrections: PostgreSQL and SQLite evaluate it once, not the walk
    # of every enrolment per child twice (bench/RESULTS.md, "Coverage").
    to_correct = _children_to_correct().cte("to_correct")
    leaving = Reservation.child_id.in_(select(to_correct.c.child_id))
    rows = select(*by).join(Reservation, Reservation.slot_id == mine.c.slot_id)
    taken_out = (rows.add_columns((-func.count(Reservation.id)).label("n"))
                 .where(Reservation.status == Status.ENROLLED, leaving).group_by(*by))
    put_back = (rows.add_columns(func.count(Reservation.id).label("n"))
                .where(Reservation.id.in_(_counted_enrolments(clock_now(), leaving)))
                .group_by(*by))
    parts = union_all(counters, taken_out, put_back).subquery()
    return (select(*[parts.c[k.name] for k in keys],
                   cast(func.sum(parts.c.n), Integer).label("enrolled"))
            .group_by(*[parts.c[k.name] for k in keys]).subquery())


def waiting_by(*keys):
    """A subquery: per `keys`, the children waiting, each counted once (its most wanted wait)."""
    return (select(*keys, func.count(WaitlistEntry.id).label("waiting"))
            .join(Slot, Slot.centre_id == Centre.id)
            .join(WaitlistEntry, WaitlistEntry.slot_id == Slot.id)
            .where(WaitlistEntry.id.in_(_counted_waits()))
            .group_by(*keys).subquery())


def places_needed(population: int, target_per_1000: float, places: int) -> int:
    """The gap to the target: places still to be offered for places per 1,000 to reach it
    (0 once reached). ceil(target × population / 1000) − places."""
    return max(0, math.ceil(round(target_per_1000 * population / 1000, 6)) - places)


SORTS = {
    "gap": lambda r: (-r["places_needed"], r["city"], r["district"]),
    "name": lambda r: (r["city"], r["district"]),
    "places": lambda r: (-r["places"], r["city"], r["district"]),
}


def sorted_coverage(rows: list[dict], sort: str) -> list[dict]:
    """The dashboard's district table by `sort`: gap (the most places needed first), name
    (city, then district code: the default) or places (most first)."""
    return sorted(rows, key=SORTS.get(sort, SORTS["name"]))


_SUMMED = ("population", "places", "affordable_places", "public_places", "enrolled",
           "waitlisted_children")


def city_rollup(rows: list[dict]) -> list[dict]:
    """Per city, the districts of `rows` (coverage's, so already within the jurisdiction)
    summed: a district regulator's city row holds its own district only. Places per 1,000
    and occupancy are recomputed from the sums, not averaged; the target shown is the
    highest of the city's districts' targets."""
    cities: dict[str, dict] = {}
    targets: dict[str, list[float]] = {}
    for r in rows:
        c = cities.setdefault(r["city"], {"city": r["city"], **{k: 0 for k in _SUMMED}})
        for k in _SUMMED:
            c[k] += r[k]
        targets.setdefault(r["city"], []).append(r["target_per_1000"])
    for name, c in cities.items():
        c["places_per_1000"] = round(c["places"] / c["population"] * 1000, 2) \
            if c["population"] else 0
        c["target_per_1000"] = max(targets[name])
        c["occupancy_rate"] = round(c["enrolled"] / c["places"], 3) if c["places"] else 0.0
    return list(cities.values())


def _children_to_correct():
    """The children the counters may miscount: those with an enrolment that has a leaving
    date (a small set, from the partial index `ix_reservation_enrolled_leaving`) and those
    enrolled more than once (old data from before one child, one place, until `places check
    --fix`: a walk of the partial index `ix_reservation_enrolled_child` in child order, linear,
    none of the per-slot lookups the report used to make). On SQLite the indexes are named
    (INDEXED BY): its planner would otherwise walk every enrolment by the status index. The
    conditions are literals, which the indexes' must be implied by."""
    enrolled = f"status = '{Status.ENROLLED}'"
    sqlite = db.engine.dialect.name == "sqlite"

    def source(index):
        return text(f"reservation INDEXED BY {index}" if sqlite else "reservation")
    leaving = (select(literal_column("child_id")).select_from(source("ix_reservation_enrolled_leaving"))
               .where(text(f"{enrolled} AND leaves_on IS NOT NULL")))
    twice = (select(literal_column("child_id")).select_from(source("ix_reservation_enrolled_child"))
             .where(text(enrolled)).group_by(literal_column("child_id"))
             .having(func.count() > 1))
    return union_all(leaving, twice)


def _counted_enrolments(now, *where):
    """One enrolment per child in care at an approved centre, so each child counts once
    (docs/domain.md, "One child, one place"): between a confirmed transfer and the old care's
    last day a child is in care at two slots, counted at the earlier enrolment (where it
    still is) until that care ends."""
    return (select(func.min(Reservation.id))
            .join(Slot, Slot.id == Reservation.slot_id)
            .join(Filing, Filing.centre_id == Slot.centre_id)
            .where(Filing.status == "approved", in_care_at(now), *where)
            .group_by(Reservation.child_id))


def _counted_waits():
    """One waiting entry per child, its most wanted (choice_rank, then the oldest), so a child
    waiting for several slots counts once, in one district, and the districts add up to
    the city."""
    first = func.row_number().over(partition_by=WaitlistEntry.child_id,
                                   order_by=(WaitlistEntry.choice_rank.is_(None),
                                             WaitlistEntry.choice_rank, WaitlistEntry.id))
    ranked = (select(WaitlistEntry.id.label("id"), first.label("n"))
              .where(WaitlistEntry.status == "waiting").subquery())
    return select(ranked.c.id).where(ranked.c.n == 1)


def filings(user, status=None) -> list[Filing]:
    stmt = (select(Filing).join(Centre).join(District, District.id == Centre.district_id)
            .order_by(Filing.id))
    if status:
        stmt = stmt.where(Filing.status == status)
    return db.session.scalars(scope(stmt, user)).all()


def subdistricts_without_public(user) -> list[tuple[str, str, str]]:
    """一街一公办 (Xi'an): subdistricts that have centres but no approved public centre."""
    rows = db.session.execute(scope(
        select(District.city, District.name, Centre.subdistrict,
               func.sum(case(((Centre.kind == "public") & (Filing.status == "approved"), 1),
                             else_=0)))
        .join(Centre, Centre.district_id == District.id)
        .join(Filing, Filing.centre_id == Centre.id)
        .group_by(District.city, District.name, Centre.subdistrict)
        .order_by(District.city, District.name, Centre.subdistrict), user)).all()
    return [(city, district, sub) for city, district, sub, public in rows if not public]
