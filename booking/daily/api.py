"""The JSON API of the daily record (docs/daily.md): a family's days, the staff's class view and
logging for several children at once, corrections, and photos."""

from flask import g, request, url_for

from ..web import stored_file
from ..api import bp
from ..api.framework import endpoint
from ..api.pagination import page_of
from ..api.schemas import PageQuery
from ..clock import today
from ..errors import NotFound
from ..inputs import parse_day
from . import access, photos, queries, services
from .presence import enrolments_here
from .schemas import (ClassChildOut, DailyEntriesIn, DailyEntryOut, DailyEntryPatch,
                      DailyPhotoIn, DayListOut, DayOut, DayPage, RemovedOut)


@bp.before_request
def _room_for_a_photo():
    # A photo arrives base64-encoded (a third larger), in JSON around it.
    if request.endpoint == "api.upload_daily_photo":
        request.max_content_length = (photos.max_bytes() + 2) // 3 * 4 + 64 * 1024


def entry_out(e) -> dict:
    return {"id": e.id, "child_id": e.child_id, "reservation_id": e.reservation_id,
            "on_date": e.on_date, "kind": e.kind, "at": e.at, "ends_at": e.ends_at,
            "meal": e.meal, "amount": e.amount, "toilet": e.toilet, "mood": e.mood,
            "note": e.note, "photo_type": e.photo_type, "recorded_at": e.recorded_at,
            "changed_at": e.changed_at,
            "photo_url": url_for("api.get_daily_photo", photo_id=e.id)
            if e.kind == "photo" else None}


def _attendance_out(a):
    if a is None:
        return None
    return {"arrived_at": a.arrived_at, "brought_by": getattr(a, "brought_by", None),
            "temperature_c": a.temperature_c, "morning_check_passed": a.morning_check_passed,
            "observations": a.observations, "departed_at": a.departed_at,
            "collected_by": a.collected_by, "absent": bool(a.absent)}


def _centre_day_out(s) -> dict:
    return {"centre_id": s.centre.id, "centre_name": s.centre.name,
            "reservation_id": s.reservation.id, "attendance": _attendance_out(s.attendance),
            "entries": [entry_out(e) for e in s.entries],
            "summary": {"meals": [{"meal": m, "amount": a} for m, a in s.meals],
                        "naps": len(s.naps), "nap_minutes": s.nap_minutes,
                        "napping_since": s.napping_since, "toilets": s.toilets,
                        "mood": s.mood, "notes": s.notes, "photos": s.photos}}


@endpoint("/children/<int:child_id>/days", summary="The days with a record, newest first",
          tags=["daily"], permission="daily.read", query=PageQuery, response=DayPage)
def list_child_days(child_id: int, query: PageQuery):
    rows, total = queries.days_of(g.api_user, child_id, query.page, query.per_page)
    return page_of([DayListOut.model_validate(r) for r in rows], total, query)


@endpoint("/children/<int:child_id>/days/<day>",
          summary="A child's day: arrival and morning check, meals, naps, nappies, mood, notes, "
                  "photos, departure", tags=["daily"], permission="daily.read", response=DayOut)
def get_child_day(child_id: int, day: str):
    on_date = parse_day(day)
    if on_date is None:
        raise NotFound()
    parts = queries.day_of(g.api_user, child_id, on_date, today())
    return {"child_id": child_id, "on_date": on_date,
            "centres": [_centre_day_out(s) for s in parts]}


@endpoint("/groups/<int:group_id>/daily",
          summary="A class today for the staff: each child's state and what is logged so far",
          tags=["daily"], permission="daily.record", response=list[ClassChildOut])
def get_class_day(group_id: int):
    _groups, group_id = queries.group_for(g.api_user, group_id)
    return [{"child_id": r.child.id, "name": r.child.name, "reservation_id": r.reservation.id,
             "state": r.state, "selectable": r.selectable, "care_notes": r.notes,
             "napping_since": r.napping_since, "meals": r.meals, "toilets": r.toilets,
             "mood": r.mood}
            for r in queries.class_view(g.api_user.centre_id, group_id, today())]


@endpoint("/daily-entries", "POST",
          summary="Log a meal, a nap's start or end, a nappy, a mood or a note for several "
                  "children at once", tags=["daily"], permission="daily.record",
          body=DailyEntriesIn, response=list[DailyEntryOut], status=201, errors=(404, 409),
          idempotent=True)
def create_daily_entries(body: DailyEntriesIn):
    entries = services.log(g.api_user, body.child_ids, **body.model_dump(exclude={"child_ids"}))
    return [entry_out(e) for e in entries]


@endpoint("/daily-entries/<int:daily_entry_id>", "PATCH",
          summary="Correct an entry on its own day", tags=["daily"], permission="daily.record",
          body=DailyEntryPatch, response=DailyEntryOut, errors=(409,))
def correct_daily_entry(daily_entry_id: int, body: DailyEntryPatch):
    return entry_out(services.correct(g.api_user, daily_entry_id,
                                      body.model_dump(exclude_unset=True)))


@endpoint("/daily-entries/<int:daily_entry_id>", "DELETE",
          summary="Remove an entry on its own day (recorded in error)", tags=["daily"],
          permission="daily.record", response=RemovedOut, errors=(409,))
def remove_daily_entry(daily_entry_id: int):
    services.remove(g.api_user, daily_entry_id)
    return {"id": daily_entry_id, "removed": True}


@endpoint("/children/<int:child_id>/daily-photos", "POST",
          summary="Add a photo of the child's day (JPEG or PNG, base64)", tags=["daily"],
          permission="daily.record", body=DailyPhotoIn, response=DailyEntryOut, status=201,
          errors=(409, 413), idempotent=True)
def upload_daily_photo(child_id: int, body: DailyPhotoIn):
    # Before the file is written: another centre's child is missing, whatever the file.
    enrolments_here(g.api_user, [child_id], today())
    stored = photos.store_base64(body.content_base64, body.filename)
    try:
        entry = services.add_photo(g.api_user, child_id, stored, caption=body.caption)
    except BaseException:
        photos.discard(stored[0])
        raise
    return entry_out(entry)


@endpoint("/daily-photos/<int:photo_id>", summary="A photo of a child's day (the image itself)",
          tags=["daily"], permission="daily.read")
def get_daily_photo(photo_id: int):
    entry = access.photo_for(g.api_user, photo_id)
    return stored_file(photos.path_of, entry.photo_path, mimetype=entry.photo_type,
                       download_name=f"photo-{entry.id}")
