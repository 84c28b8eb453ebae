"""The JSON API for sessions (临时托育 / 亲子活动) and their bookings; see docs/sessions.md."""
from flask import Response, g

from ..api.framework import endpoint
from ..api.pagination import page_of
from ..centres.models import Centre
from ..errors import NotFound
from ..extensions import db
from . import exports, queries, services
from .models import CareSession, SessionBooking
from .schemas import (AttendanceIn, BookingIn, BookingOut, BookingPage, BookingQuery, SessionIn,
                      SessionOut, SessionPage, SessionPatch, SessionQuery)


def session_out(s: CareSession, booked: int) -> dict:
    return {"id": s.id, "centre_id": s.centre_id, "centre_name": s.centre.name,
            "district_id": s.centre.district_id, "group_id": s.group_id, "kind": s.kind,
            "age_band": s.age_band, "starts_at": s.starts_at, "ends_at": s.ends_at,
            "capacity": s.capacity, "booked": booked, "available": max(s.capacity - booked, 0),
            "price_per_hour_fen": s.price_per_hour_fen,
            "price_fen": 0 if s.subsidised else services.price_for(s),
            "subsidised": s.subsidised, "pattern_id": s.pattern_id,
            "cancel_cutoff_at": queries.cancel_cutoff(s), "cancelled_at": s.cancelled_at}


def booking_out(b: SessionBooking) -> dict:
    s = b.session
    return {"id": b.id, "status": b.status, "price_fen": b.price_fen, "subsidised": b.subsidised,
            "session_id": s.id, "child_id": b.child_id, "centre_id": s.centre_id,
            "starts_at": s.starts_at, "ends_at": s.ends_at,
            "cancel_cutoff_at": queries.cancel_cutoff(s), "created_at": b.created_at,
            "cancelled_at": b.cancelled_at}


def _visible_session(session_id: int) -> CareSession:
    """Sessions of approved centres are public; the centre's own staff and admins see theirs
    whatever the filing says."""
    s = db.session.get(CareSession, session_id)
    if s is None:
        raise NotFound()
    user = g.get("api_user")
    own = user is not None and (user.role == "admin" or (
        user.role == "staff" and user.centre_id == s.centre_id))
    filing = s.centre.filing
    if not own and (filing is None or filing.status != "approved"):
        raise NotFound()
    return s


@endpoint("/sessions", summary="Bookable sessions (approved centres, not started, not cancelled)",
          tags=["sessions"], query=SessionQuery, response=SessionPage)
def list_sessions(query: SessionQuery):
    f = queries.CalendarFilters(district_id=query.district_id, centre_id=query.centre_id,
                                date_from=query.from_, date_to=query.to,
                                age_band=query.age_band, kind=query.kind,
                                has_places=query.has_places)
    rows, total = queries.public_sessions(f, query.page, query.per_page)
    return page_of([session_out(s, n) for s, n in rows], total, query)


@endpoint("/sessions/<int:session_id>", summary="One session with its places left",
          tags=["sessions"], response=SessionOut)
def get_session(session_id: int):
    s = _visible_session(session_id)
    return session_out(s, queries.live_count(s.id))


@endpoint("/centres/<int:centre_id>/sessions", "POST",
          summary="Publish a session, or a weekly pattern of sessions (always a list)",
          tags=["sessions"], permission="session.manage", body=SessionIn,
          response=list[SessionOut], status=201, idempotent=True)
def create_sessions(centre_id: int, body: SessionIn):
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        raise NotFound()
    spec = services.SessionSpec(kind=body.kind, age_band=body.age_band, on_date=body.on_date,
                                start=body.start_time, end=body.end_time,
                                capacity=body.capacity,
                                price_per_hour_fen=body.price_per_hour_fen,
                                subsidised=body.subsidised, group_id=body.group_id,
                                weekdays=tuple(body.weekdays), repeat_weeks=body.repeat_weeks)
    made = services.publish(centre, spec, actor=g.api_user)
    return [session_out(s, 0) for s in made]


@endpoint("/sessions/<int:session_id>", "PATCH", summary="Change capacity or hourly price",
          tags=["sessions"], permission="session.manage", body=SessionPatch, response=SessionOut,
          errors=(409,))
def patch_session(session_id: int, body: SessionPatch):
    s = services.change(session_id, actor=g.api_user, **body.model_dump(exclude_unset=True))
    return session_out(s, queries.live_count(s.id))


@endpoint("/sessions/<int:session_id>/cancel", "POST",
          summary="Call a session off (its bookings are cancelled, families notified)",
          tags=["sessions"], permission="session.manage", response=SessionOut, errors=(409,))
def cancel_session(session_id: int):
    s = services.cancel_session(session_id, actor=g.api_user)
    return session_out(s, queries.live_count(s.id))


@endpoint("/sessions/<int:session_id>/bookings", "POST", summary="Book a session for a child",
          tags=["sessions"], permission="session.book", body=BookingIn, response=BookingOut, status=201,
          errors=(404, 409), idempotent=True)
def create_booking(session_id: int, body: BookingIn):
    b = services.book(session_id=session_id, child_id=body.child_id, parent=g.api_user)
    return booking_out(b)


@endpoint("/session-bookings", summary=("Parents: their family's; staff: their centre's; "
                                       "regulators: their jurisdiction's; admins: all (filter "
                                       "by centre, district, city, status)"),
          tags=["sessions"], auth="any", query=BookingQuery, response=BookingPage)
def list_bookings(query: BookingQuery):
    rows, total = queries.listed_bookings(
        g.api_user, centre_id=query.centre_id, district=query.district, city=query.city,
        status=query.status, session_id=query.session_id, page=query.page,
        per_page=query.per_page)
    return page_of([booking_out(b) for b in rows], total, query)

@endpoint("/session-bookings.ics", summary="The family's session bookings as iCalendar",
          tags=["sessions"], permission="family.read")
def bookings_ical():
    return Response(exports.family_ical(g.api_user), mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="sessions.ics"'})


@endpoint("/session-bookings/<int:booking_id>", summary="One session booking",
          tags=["sessions"], auth="any", response=BookingOut)
def get_booking(booking_id: int):
    return booking_out(services.visible_booking(booking_id, g.api_user))


@endpoint("/session-bookings/<int:booking_id>/cancel", "POST",
          summary="Cancel a booking (parents until the cut-off, staff any time)",
          tags=["sessions"], permission="session.cancel_booking", response=BookingOut, errors=(409,))
def cancel_booking(booking_id: int):
    return booking_out(services.cancel_booking(booking_id, g.api_user))


@endpoint("/session-bookings/<int:booking_id>/attendance", "POST",
          summary="Record attended or no-show (after the session started)", tags=["sessions"],
          permission="attendance.record", body=AttendanceIn, response=BookingOut, errors=(409,))
def record_attendance(booking_id: int, body: AttendanceIn):
    return booking_out(services.mark_attendance(booking_id, g.api_user, body.status))
