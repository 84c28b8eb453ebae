"""docs/api.md: a centre's staff, shifts and hourly ratio check. Staff of the centre read and
write; regulators read the centres in their district or city; anyone else gets 404 (a
centre's staff list is nobody else's business) and parents 403."""
from flask import g

from ..api.framework import endpoint
from ..auth.permissions import can
from ..centres.models import Centre
from ..clock import today
from ..errors import NotFound
from ..extensions import db
from . import services, weeks
from .checks import check_day
from .schemas import (ClassCheckOut, DateQuery, HourOut, RatioCheckOut, ShiftIn, ShiftOut,
                      StaffIn, StaffOut, WeekQuery)


def _centre(centre_id: int) -> Centre:
    user = g.api_user
    centre = db.session.get(Centre, centre_id)
    # Writers (roster.manage) reach no further than readers: the centre's director, admins.
    if centre is None or not can(user, "roster.read", centre):
        raise NotFound()
    return centre


@endpoint("/centres/<int:centre_id>/staff", summary="A centre's staff and qualifications",
          tags=["rosters"], permission="roster.read", response=list[StaffOut], errors=(404,))
def list_staff(centre_id: int):
    centre = _centre(centre_id)
    return [StaffOut.model_validate(s) for s in services.staff_of(centre.id)]


@endpoint("/centres/<int:centre_id>/staff", "POST", summary="Add a staff record",
          tags=["rosters"], permission="roster.manage", body=StaffIn, response=StaffOut, status=201,
          errors=(404,), idempotent=True)
def create_staff(centre_id: int, body: StaffIn):
    centre = _centre(centre_id)
    staff = services.create_staff(centre.id, actor=g.api_user, **body.model_dump())
    return StaffOut.model_validate(staff)


@endpoint("/centres/<int:centre_id>/shifts", summary="A week's shifts (Monday to Sunday, Beijing)",
          tags=["rosters"], permission="roster.read", query=WeekQuery, response=list[ShiftOut], errors=(404,))
def list_shifts(centre_id: int, query: WeekQuery):
    centre = _centre(centre_id)
    monday = weeks.week_start(query.week or today())
    return [ShiftOut.model_validate(s) for s in weeks.week_shifts(centre.id, monday)]


@endpoint("/centres/<int:centre_id>/shifts", "POST", summary="Roster a shift",
          tags=["rosters"], permission="roster.manage", body=ShiftIn, response=ShiftOut, status=201,
          errors=(404, 409), idempotent=True)
def create_shift(centre_id: int, body: ShiftIn):
    centre = _centre(centre_id)
    shift = services.add_shift(centre.id, actor=g.api_user, **body.model_dump())
    return ShiftOut.model_validate(shift)


@endpoint("/centres/<int:centre_id>/ratio-check",
          summary="Children against carers, class by class and hour by hour",
          tags=["rosters"], permission="roster.read", query=DateQuery, response=RatioCheckOut, errors=(404,))
def ratio_check(centre_id: int, query: DateQuery):
    centre = _centre(centre_id)
    day = check_day(centre, query.date or today())
    classes = [ClassCheckOut(group_id=c.group.id, name=c.group.name, age_band=c.group.age_band,
                             hours=[HourOut(start=h.start, end=h.end, children=h.children,
                                            carers=h.carers, needed=h.needed, missing=h.missing)
                                    for h in c.hours])
               for c in day.classes]
    return RatioCheckOut(centre_id=centre.id, date=day.day, open=day.open,
                         health_worker_on_shift=day.health_worker,
                         security_on_shift=day.security, gaps=day.gap_count, classes=classes)
