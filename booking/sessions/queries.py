"""Reading sessions and bookings for the calendar, the lists and the exports. The writes
and their rules are in services.py; nothing here changes a row."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from ..api.pagination import paginate
from ..centres.models import Centre, District
from ..policy.services import in_force
from ..children.models import Guardianship
from ..clock import LOCAL
from ..clock import now as clock_now
from ..extensions import db
from ..regulator.jurisdiction import listed
from ..regulator.models import Filing
from .models import LIVE, CareSession, SessionBooking

DEFAULT_QUOTA = 12
DEFAULT_CUTOFF_HOURS = 2


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year in Beijing time, as instants [from, to)."""
    return local_day_start(date(year, 1, 1)), local_day_start(date(year + 1, 1, 1))


def policy_of(city: str | None) -> tuple[int, int]:
    """(yearly quota of subsidised sessions, cancel cut-off in hours) for a city; docs/domain.md's
    defaults (12 and 2) when the city has no policy row."""
    p = in_force(city)
    if p is None:
        return DEFAULT_QUOTA, DEFAULT_CUTOFF_HOURS
    return p.session_quota_per_year, p.session_cancel_cutoff_hours


def session_policy(session: CareSession) -> tuple[int, int]:
    return policy_of(session.centre.district.city)


def cancel_cutoff(session: CareSession) -> datetime:
    """The last instant a parent may cancel online (inclusive): start minus the cut-off."""
    return session.starts_at - timedelta(hours=session_policy(session)[1])


def family_child_ids(parent):
    """The children of every guardianship of `parent` (a subquery)."""
    return select(Guardianship.child_id).where(Guardianship.user_id == parent.id)


def quota_used(parent, year: int) -> int:
    """Subsidised bookings of the family's children, not cancelled, for sessions starting
    in `year` (Beijing time). A no-show counts: its place was kept."""
    start, end = year_bounds(year)
    return db.session.scalar(
        select(func.count(SessionBooking.id)).join(CareSession)
        .where(SessionBooking.child_id.in_(family_child_ids(parent)),
               SessionBooking.subsidised.is_(True), SessionBooking.status.in_(LIVE),
               CareSession.starts_at >= start, CareSession.starts_at < end)) or 0


def no_shows(parent, now=None) -> int:
    """No-shows of the family's children in sessions that started within the window."""
    now = now or clock_now()
    days = current_app.config["TUOWEI_NO_SHOW_WINDOW_DAYS"]
    return db.session.scalar(
        select(func.count(SessionBooking.id)).join(CareSession)
        .where(SessionBooking.child_id.in_(family_child_ids(parent)),
               SessionBooking.status == "no_show",
               CareSession.starts_at >= now - timedelta(days=days))) or 0


def live_count(session_id: int) -> int:
    return db.session.scalar(select(func.count(SessionBooking.id)).where(
        SessionBooking.session_id == session_id, SessionBooking.status.in_(LIVE))) or 0


def _booked_subquery():
    return (select(SessionBooking.session_id, func.count(SessionBooking.id).label("n"))
            .where(SessionBooking.status.in_(LIVE)).group_by(SessionBooking.session_id)
            .subquery())


def booked_counts(session_ids) -> dict[int, int]:
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(SessionBooking.session_id, func.count(SessionBooking.id))
        .where(SessionBooking.session_id.in_(list(session_ids)),
               SessionBooking.status.in_(LIVE)).group_by(SessionBooking.session_id)).all()
    counts = {sid: 0 for sid in session_ids}
    counts.update({sid: int(n) for sid, n in rows})
    return counts


@dataclass
class CalendarFilters:
    district_id: int | None = None
    centre_id: int | None = None
    city: str | None = None
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    age_band: str | None = None
    kind: str | None = None
    has_places: bool = False


def public_sessions(f: CalendarFilters, page=1, per_page=20, now=None):
    """Sessions families may book or look at: of approved centres, not cancelled, not yet
    started, by start time. Returns ([(session, booked)], total)."""
    now = now or clock_now()
    booked = _booked_subquery()
    n = func.coalesce(booked.c.n, 0)
    stmt = (select(CareSession, n).join(Centre, Centre.id == CareSession.centre_id)
            .join(Filing, and_(Filing.centre_id == Centre.id, Filing.status == "approved"))
            .outerjoin(booked, booked.c.session_id == CareSession.id)
            .where(CareSession.cancelled_at.is_(None), CareSession.starts_at > now))
    if f.district_id:
        stmt = stmt.where(Centre.district_id == f.district_id)
    if f.city:
        stmt = stmt.join(District, District.id == Centre.district_id).where(District.city == f.city)
    if f.centre_id:
        stmt = stmt.where(CareSession.centre_id == f.centre_id)
    if f.date_from:
        stmt = stmt.where(CareSession.starts_at >= local_day_start(f.date_from))
    if f.date_to:
        stmt = stmt.where(CareSession.starts_at < local_day_start(f.date_to + timedelta(days=1)))
    if f.age_band:
        stmt = stmt.where(CareSession.age_band == f.age_band)
    if f.kind:
        stmt = stmt.where(CareSession.kind == f.kind)
    if f.has_places:
        stmt = stmt.where(n < CareSession.capacity)
    rows, total = paginate(
        stmt.options(selectinload(CareSession.centre).selectinload(Centre.district))
        .order_by(CareSession.starts_at, CareSession.id), page, per_page)
    return [(s, int(b)) for s, b in rows], total


def listed_bookings(user, *, centre_id=None, district=None, city=None, status=None,
                    session_id=None, page=1, per_page=20) -> tuple[list[SessionBooking], int]:
    """The API's list: what `user` may see (a parent their family's, staff their centre's,
    a regulator its jurisdiction's, an admin all; regulator.jurisdiction.listed), filtered,
    latest session first. Returns (one page of bookings, how many in all)."""
    stmt = (select(SessionBooking).join(CareSession, CareSession.id == SessionBooking.session_id)
            .join(Centre, Centre.id == CareSession.centre_id)
            .join(District, District.id == Centre.district_id))
    stmt = listed(stmt, user, centre_col=CareSession.centre_id, child_col=SessionBooking.child_id,
                  centre_id=centre_id, district=district, city=city)
    if status:
        stmt = stmt.where(SessionBooking.status == status)
    if session_id:
        stmt = stmt.where(SessionBooking.session_id == session_id)
    return paginate(stmt.order_by(CareSession.starts_at.desc(), SessionBooking.id.desc()),
                    page, per_page)


def centre_sessions(centre_id: int, *, upcoming_from=None, limit=200):
    """A centre's sessions (cancelled too) ending after `upcoming_from`, by start."""
    stmt = select(CareSession).where(CareSession.centre_id == centre_id)
    if upcoming_from is not None:
        stmt = stmt.where(CareSession.ends_at > upcoming_from)
    return db.session.scalars(stmt.order_by(CareSession.starts_at, CareSession.id)
                              .limit(limit)).all()


FINISHED_PER_PAGE = 20


def finished_sessions(centre_id: int, now, page: int = 1, per_page: int = FINISHED_PER_PAGE):
    """已结束: a centre's sessions that have ended (cancelled ones left out: nothing to record),
    newest first, a page at a time, each with how many bookings still await 出席/未到, so staff
    can record attendance and no-shows after the fact. Returns (rows, more): rows of
    (session, booked, unmarked); `more` when an older page follows."""
    stmt = (select(CareSession).where(CareSession.centre_id == centre_id,
                                      CareSession.ends_at <= now,
                                      CareSession.cancelled_at.is_(None))
            .order_by(CareSession.starts_at.desc(), CareSession.id.desc())
            .offset((page - 1) * per_page).limit(per_page + 1))
    found = db.session.scalars(stmt).all()
    sessions, more = found[:per_page], len(found) > per_page
    ids = [s.id for s in sessions]
    booked = booked_counts(ids)
    unmarked = dict.fromkeys(ids, 0)
    if ids:
        unmarked.update({sid: int(n) for sid, n in db.session.execute(
            select(SessionBooking.session_id, func.count(SessionBooking.id))
            .where(SessionBooking.session_id.in_(ids), SessionBooking.status == "booked")
            .group_by(SessionBooking.session_id)).all()})
    return [(s, booked[s.id], unmarked[s.id]) for s in sessions], more


def _loaded(stmt):
    return stmt.options(selectinload(SessionBooking.session).selectinload(CareSession.centre),
                        selectinload(SessionBooking.child))


def family_bookings(parent) -> list[SessionBooking]:
    """Bookings of every child of `parent`'s guardianships, latest session first."""
    stmt = (select(SessionBooking).join(CareSession)
            .where(SessionBooking.child_id.in_(family_child_ids(parent)))
            .order_by(CareSession.starts_at.desc(), SessionBooking.id.desc()))
    return db.session.scalars(_loaded(stmt)).all()


def session_bookings(session_id: int) -> list[SessionBooking]:
    stmt = (select(SessionBooking).where(SessionBooking.session_id == session_id)
            .order_by(SessionBooking.status == "cancelled", SessionBooking.created_at,
                      SessionBooking.id))
    return db.session.scalars(_loaded(stmt)).all()


def upcoming_for_family(parent, now=None, limit: int = 3) -> list[SessionBooking]:
    """The family's booked sessions still to come, the soonest first (the parent's home)."""
    now = now or clock_now()
    stmt = (select(SessionBooking).join(CareSession)
            .where(SessionBooking.child_id.in_(family_child_ids(parent)),
                   SessionBooking.status == "booked", CareSession.cancelled_at.is_(None),
                   CareSession.starts_at > now)
            .order_by(CareSession.starts_at, SessionBooking.id).limit(limit))
    return db.session.scalars(_loaded(stmt)).all()
