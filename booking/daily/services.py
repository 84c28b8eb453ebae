"""Recording the day (家托共育): staff log meals, naps, nappies, moods and notes for one child or
several at once, add photos, and correct or remove entries on the same day. Every change is in
the audit log; after the day the record stands (DayClosed)."""
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import record, record_many
from ..auth.permissions import can
from ..clock import local_date
from ..clock import now as clock_now
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..transactions import command
from . import photos
from .errors import DayClosed, NotPresent
from .models import AMOUNTS, MEALS, MOODS, NOTE_MAX, TOILETS, DailyEntry
from .presence import attendance_of, enrolments_here, presence

# What one submit can log (the class view, the API): a nap is started and ended by two.
ACTIONS = ("meal", "nap_start", "nap_end", "toilet", "mood", "note")
# Meals, naps and nappies happen in the centre; a note or mood may follow the child home.
IN_CENTRE = {"meal", "nap_start", "nap_end", "toilet"}
MAX_CHILDREN = 60
# A phone's clock a little ahead of the server's is not "the future".
LEEWAY = timedelta(minutes=5)
# Which fields a correction may change, by kind.
CORRECTABLE = {"meal": {"meal", "amount", "note", "at"}, "nap": {"at", "ends_at", "note"},
               "toilet": {"toilet", "note", "at"}, "mood": {"mood", "note", "at"},
               "note": {"note", "at"}, "photo": {"note"}}


def _clean_note(note, errors, required=False):
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        errors["note"] = [_("最多 %(n)s 个字", n=NOTE_MAX)]
    elif required and not note:
        errors["note"] = [_("请填写留言")]
    return note


def _check_values(action, *, meal, amount, toilet, mood, errors) -> None:
    if action == "meal":
        if meal not in MEALS:
            errors["meal"] = [_("请选择哪一餐")]
        if amount not in AMOUNTS:
            errors["amount"] = [_("请选择吃了多少：没吃、一些、大部分或全部")]
    elif action == "toilet" and toilet not in TOILETS:
        errors["toilet"] = [_("请选择如厕或尿布的情况")]
    elif action == "mood" and mood not in MOODS:
        errors["mood"] = [_("请选择心情")]


def _check_time(at: datetime, now: datetime, errors, field="at") -> None:
    if at > now + LEEWAY:
        errors[field] = [_("时间不能晚于现在")]


def _names(children) -> str:
    return _("、").join(c.name for c in children)


@command
def log(staff, child_ids, *, action: str, meal=None, amount=None, toilet=None, mood=None,
        note=None, at: datetime | None = None, now=None) -> list[DailyEntry]:
    """Log one thing for each child ticked, in one transaction (all or none): a meal and how
    much was eaten, a nap's start or end, a nappy or a visit to the toilet, a mood or a note.

    :raises ValidationFailed: no child, an unknown action or value, a missing note, a time in
        the future or before the child arrived. :raises NotFound: a child not in care at the
        staff member's centre (or a role that may not record). :raises DayClosed: a time on an
        earlier day. :raises NotPresent: (`child_ids` extra) children not in the centre now
        (meals, naps, nappies) or not come today (notes, moods). :raises Conflict: a nap
        started for a child already asleep, or ended for one not asleep.
    """
    now = now or clock_now()
    on_date = local_date(now)
    ids = list(dict.fromkeys(child_ids or ()))
    errors: dict[str, list] = {}
    if not ids:
        errors["child_ids"] = [_("请至少选择一个孩子")]
    elif len(ids) > MAX_CHILDREN:
        errors["child_ids"] = [_("一次最多记录 %(n)s 个孩子", n=MAX_CHILDREN)]
    if action not in ACTIONS:
        errors["action"] = [_("请选择要记录的内容")]
    _check_values(action, meal=meal, amount=amount, toilet=toilet, mood=mood, errors=errors)
    note = _clean_note(note, errors, required=action == "note")
    at = now if at is None else at
    _check_time(at, now, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    if local_date(at) < on_date:
        raise DayClosed(_("只能记录今天的事情：%(d)s 已经结束", d=local_date(at).isoformat()))
    enrolments = enrolments_here(staff, ids, on_date)
    days = attendance_of((r.id for r in enrolments.values()), on_date)
    wanted = {"present"} if action in IN_CENTRE else {"present", "departed", "sent_home"}
    away = [r for r in enrolments.values() if presence(days.get(r.id)) not in wanted]
    if away:
        raise NotPresent(_("以下孩子现在不在园，不能记录：%(names)s",
                           names=_names(r.child for r in away)),
                         extra={"child_ids": [r.child_id for r in away]})
    early = [r for r in enrolments.values() if at < days[r.id].arrived_at]
    if early:
        raise ValidationFailed(errors={"at": [_("时间不能早于入园时间：%(names)s",
                                                names=_names(r.child for r in early))]})
    ordered = [enrolments[i] for i in ids]
    if action == "nap_end":
        return _end_naps(staff, ordered, at, now)
    if action == "nap_start":
        asleep = _open_naps(r.id for r in ordered)
        if asleep:
            raise Conflict(_("以下孩子已在午睡中：%(names)s",
                             names=_names(r.child for r in ordered if r.id in asleep)))
    kind = "nap" if action == "nap_start" else action
    entries = [DailyEntry(child_id=r.child_id, reservation_id=r.id, on_date=on_date, kind=kind,
                          at=at, meal=meal if kind == "meal" else None,
                          amount=amount if kind == "meal" else None,
                          toilet=toilet if kind == "toilet" else None,
                          mood=mood if kind == "mood" else None, note=note,
                          recorded_by=staff.id, recorded_at=now) for r in ordered]
    db.session.add_all(entries)
    try:
        db.session.flush()
    except IntegrityError:
        # Another carer started the same nap a moment ago (one open nap per enrolment).
        raise Conflict(_("孩子已在午睡中，请刷新后再试"))
    record_many([{"action": "daily_entry.recorded", "entity_type": DailyEntry.__tablename__,
                  "entity_id": e.id, "centre_id": staff.centre_id, "actor_id": staff.id,
                  "after": _snapshot(e)} for e in entries], at=now)
    db.session.commit()
    return entries


def _open_naps(reservation_ids) -> dict[int, DailyEntry]:
    return {e.reservation_id: e for e in db.session.scalars(select(DailyEntry).where(
        DailyEntry.reservation_id.in_(list(reservation_ids)), DailyEntry.kind == "nap",
        DailyEntry.ends_at.is_(None)))}


def _end_naps(staff, ordered, at, now) -> list[DailyEntry]:
    naps = _open_naps(r.id for r in ordered)
    awake = [r for r in ordered if r.id not in naps]
    if awake:
        raise Conflict(_("以下孩子没有进行中的午睡：%(names)s",
                         names=_names(r.child for r in awake)))
    too_early = [r for r in ordered if at < naps[r.id].at]
    if too_early:
        raise ValidationFailed(errors={"at": [_("午睡结束不能早于开始：%(names)s",
                                                names=_names(r.child for r in too_early))]})
    for r in ordered:
        # Conditional, so two carers ending the same nap at once end it once.
        done = db.session.execute(update(DailyEntry).where(
            DailyEntry.id == naps[r.id].id, DailyEntry.ends_at.is_(None))
            .values(ends_at=at, changed_by=staff.id, changed_at=now)).rowcount
        if done != 1:
            raise Conflict(_("%(name)s 的午睡已由别人结束，请刷新后再试", name=r.child.name))
    record_many([{"action": "daily_entry.nap_ended", "entity_type": DailyEntry.__tablename__,
                  "entity_id": naps[r.id].id, "centre_id": staff.centre_id, "actor_id": staff.id,
                  "after": {"ends_at": at.isoformat()}} for r in ordered], at=now)
    db.session.commit()
    entries = [naps[r.id] for r in ordered]
    for e in entries:
        db.session.refresh(e)
    return entries


def _snapshot(e: DailyEntry) -> dict:
    return {k: v for k, v in {
        "child_id": e.child_id, "reservation_id": e.reservation_id, "kind": e.kind,
        "at": e.at.isoformat() if e.at else None,
        "ends_at": e.ends_at.isoformat() if e.ends_at else None, "meal": e.meal,
        "amount": e.amount, "toilet": e.toilet, "mood": e.mood, "note": e.note,
        "photo_type": e.photo_type, "photo_size": e.photo_size}.items() if v is not None}


@command
def add_photo(staff, child_id: int, stored: tuple[str, str, int], *, caption=None,
              now=None) -> DailyEntry:
    """A photo of the child's day, already checked and stored (photos.store). The caller
    discards the file when this refuses.

    :raises NotFound: not a child in care at the staff member's centre. :raises NotPresent: the
        child has not come today. :raises ValidationFailed: a caption over the limit.
    """
    now = now or clock_now()
    on_date = local_date(now)
    errors: dict[str, list] = {}
    caption = _clean_note(caption, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    r = enrolments_here(staff, [child_id], on_date)[child_id]
    if presence(attendance_of([r.id], on_date).get(r.id)) not in ("present", "departed",
                                                                  "sent_home"):
        raise NotPresent(_("孩子今天没有入园，不能添加照片"), extra={"child_ids": [child_id]})
    name, mime, size = stored
    entry = DailyEntry(child_id=child_id, reservation_id=r.id, on_date=on_date, kind="photo",
                       at=now, note=caption, photo_path=name, photo_type=mime, photo_size=size,
                       recorded_by=staff.id, recorded_at=now)
    db.session.add(entry)
    db.session.flush()
    record("daily_entry.recorded", entry, actor=staff, centre_id=staff.centre_id,
           after=_snapshot(entry), at=now)
    db.session.commit()
    return entry


def entry_for_staff(staff, entry_id: int, action="daily.record") -> DailyEntry:
    """An entry of the staff member's own centre. :raises NotFound: any other."""
    entry = db.session.get(DailyEntry, entry_id)
    if entry is None or staff.role != "staff" or not can(staff, action, staff.centre_id) \
            or entry.reservation.slot.centre_id != staff.centre_id:
        raise NotFound()
    return entry


def _may_change(staff, entry: DailyEntry, now) -> None:
    if entry.on_date != local_date(now):
        raise DayClosed(_("%(d)s 的记录已经结束，不能再修改", d=entry.on_date.isoformat()))
    if entry.recorded_by != staff.id and staff.staff_role != "director":
        raise Forbidden(_("只能更正或删除自己记录的条目（负责人可以更正全部）"))


@command
def correct(staff, entry_id: int, changes: dict, now=None) -> DailyEntry:
    """Correct an entry on its own day: its values, its time, its note (a photo's caption).
    Only the staff member who recorded it, or the centre's director.

    :raises NotFound: not an entry of their centre. :raises DayClosed: an earlier day's entry.
    :raises Forbidden: someone else's entry. :raises ValidationFailed: a field the entry does
        not have, or a wrong value.
    """
    now = now or clock_now()
    entry = entry_for_staff(staff, entry_id)
    _may_change(staff, entry, now)
    allowed = CORRECTABLE[entry.kind]
    errors: dict[str, list] = {}
    for field in set(changes) - allowed:
        errors[field] = [_("这类记录没有这一项")]
    new = {k: v for k, v in changes.items() if k in allowed}
    if "note" in new:
        new["note"] = _clean_note(new["note"], errors, required=entry.kind == "note")
    check = {"meal": new.get("meal", entry.meal), "amount": new.get("amount", entry.amount),
             "toilet": new.get("toilet", entry.toilet), "mood": new.get("mood", entry.mood)}
    _check_values(entry.kind, errors=errors, **check)
    at = new.get("at") or entry.at
    if "at" in new and new["at"] is None:
        errors["at"] = [_("请填写时间")]
    for field in ("at", "ends_at"):
        if new.get(field) is not None:
            _check_time(new[field], now, errors, field)
            if local_date(new[field]) != entry.on_date and field not in errors:
                errors[field] = [_("时间应在 %(d)s 当天", d=entry.on_date.isoformat())]
    ends_at = new.get("ends_at", entry.ends_at)
    if ends_at is not None and at is not None and ends_at < at and "ends_at" not in errors:
        errors["ends_at"] = [_("午睡结束不能早于开始")]
    if errors:
        raise ValidationFailed(errors=errors)
    before = _snapshot(entry)
    for field, value in new.items():
        setattr(entry, field, value)
    entry.changed_by, entry.changed_at = staff.id, now
    try:
        db.session.flush()
    except IntegrityError:
        # Reopening a nap (clearing its end) while another is open for the child.
        raise Conflict(_("孩子已有进行中的午睡"))
    record("daily_entry.corrected", entry, actor=staff, centre_id=staff.centre_id,
           before=before, after=_snapshot(entry), at=now)
    db.session.commit()
    return entry


@command
def remove(staff, entry_id: int, reason=None, now=None) -> None:
    """Remove an entry on its own day (recorded in error); a photo's file goes with it.
    The audit log keeps what it said. Same rules as `correct`."""
    now = now or clock_now()
    entry = entry_for_staff(staff, entry_id)
    _may_change(staff, entry, now)
    before, photo = _snapshot(entry), entry.photo_path
    record("daily_entry.removed", (DailyEntry.__tablename__, entry.id), actor=staff,
           centre_id=staff.centre_id, before=before, at=now,
           reason=(reason or "").strip()[:400] or None)
    db.session.delete(entry)
    db.session.commit()
    photos.discard(photo)
