"""The daily record's pages: the staff's class view (one submit logs for every child ticked),
a child's page for notes, moods and photos, corrections; the family's day and its history;
and the photos, served only to those who may see them."""
from datetime import timedelta

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import allowed, permission_required
from ..children import services as children
from ..clock import LOCAL, today
from ..errors import BadRequest, NotFound
from ..inputs import MAX_DATE, MIN_DATE, parse_day
from ..web import attempt, page_status, submit, stored_file
from . import access, photos, queries, services
from .forms import (ClassLogForm, EntryForm, MoodForm, NoteForm, PhotoForm, RemoveForm,
                    at_on)
from .labels import (ACTION_LABELS, AMOUNT_LABELS, KIND_LABELS, MEAL_LABELS, MOOD_ICONS,
                     MOOD_LABELS, PRESENCE_LABELS, TOILET_LABELS, duration, label)
from .presence import enrolments_here
from .services import CORRECTABLE

bp = Blueprint("daily", __name__)

MAX_ID = 2**31 - 1


@bp.context_processor
def _words():
    return {"MEALS": MEAL_LABELS, "AMOUNTS": AMOUNT_LABELS, "TOILETS": TOILET_LABELS,
            "MOODS": MOOD_LABELS, "MOOD_ICONS": MOOD_ICONS, "KINDS": KIND_LABELS,
            "ACTIONS": ACTION_LABELS, "PRESENCE": PRESENCE_LABELS, "word": label,
            "duration": duration, "timedelta": timedelta, "today_date": today()}


def _ticked() -> list[int]:
    """The children ticked on the class view (ids a tampered form cannot overflow)."""
    out = []
    for raw in request.form.getlist("child_ids"):
        if raw.isdigit() and 0 < int(raw) <= MAX_ID:
            out.append(int(raw))
    return out


# --- staff: the class view ---------------------------------------------------------------

def _class_page(form, ticked=()):
    groups, group_id = queries.group_for(current_user, request.values.get("group", type=int))
    rows = queries.class_view(current_user.centre_id, group_id, today())
    return render_template("daily/class.html", form=form, rows=rows, groups=groups,
                           group_id=group_id, ticked=set(ticked), on_date=today()), \
        page_status(form)


@bp.get("/staff/daily")
@permission_required("daily.record", own_centre=True)
def class_view():
    return _class_page(ClassLogForm())


@bp.post("/staff/daily")
@permission_required("daily.record", own_centre=True)
def log():
    form, ticked = ClassLogForm(), _ticked()
    if form.validate():
        done = submit(form, lambda: services.log(
            current_user, ticked, action=form.action.data, meal=form.meal.data or None,
            amount=form.amount.data, toilet=form.toilet.data, note=form.note.data,
            at=at_on(today(), form.at.data)),
            lambda entries: _("已为 %(n)s 个孩子记录：%(what)s", n=len(entries),
                              what=label(ACTION_LABELS, form.action.data)),
            fields={"child_ids": "action", "not-present": "action", "conflict": "action"})
        if done is not None:
            return redirect(url_for("daily.class_view", group=request.form.get("group", type=int)))
    return _class_page(form, ticked)


# --- staff: one child's notes, mood and photos -------------------------------------------

def _child_here(child_id: int):
    return enrolments_here(current_user, [child_id], today())[child_id]


def _child_page(child_id: int, *, note=None, mood=None, photo=None):
    r = _child_here(child_id)
    forms = {"note": NoteForm(formdata=None) if note is None else note,
             "mood": MoodForm(formdata=None) if mood is None else mood,
             "photo": PhotoForm(formdata=None) if photo is None else photo}
    failed = next((f for f in forms.values() if f.errors), None)
    return render_template("daily/child.html", child=r.child, reservation=r,
                           days=queries.day_of(current_user, child_id, today(), today()),
                           on_date=today(), staff_view=True, is_today=True, **forms), \
        page_status(failed)


@bp.get("/staff/daily/children/<int:child_id>")
@permission_required("daily.record", own_centre=True)
def child(child_id: int):
    return _child_page(child_id)


@bp.post("/staff/daily/children/<int:child_id>/note")
@permission_required("daily.record", own_centre=True)
def note(child_id: int):
    _child_here(child_id)
    form = NoteForm()
    if form.validate() and submit(form, lambda: services.log(
            current_user, [child_id], action="note", note=form.note.data), _("已添加留言")):
        return redirect(url_for("daily.child", child_id=child_id))
    return _child_page(child_id, note=form)


@bp.post("/staff/daily/children/<int:child_id>/mood")
@permission_required("daily.record", own_centre=True)
def mood(child_id: int):
    _child_here(child_id)
    form = MoodForm()
    if form.validate() and submit(form, lambda: services.log(
            current_user, [child_id], action="mood", mood=form.mood.data, note=form.note.data),
            _("已记录心情"), fields={"not-present": "mood"}):
        return redirect(url_for("daily.child", child_id=child_id))
    return _child_page(child_id, mood=form)


@bp.post("/staff/daily/children/<int:child_id>/photo")
@permission_required("daily.record", own_centre=True)
def photo_upload(child_id: int):
    _child_here(child_id)
    # Room for the form around the file, so an oversize file gets the form's message.
    request.max_content_length = photos.max_bytes() + 256 * 1024
    form = PhotoForm()
    stored = []

    def call():
        stored.append(photos.store(form.photo.data))
        return services.add_photo(current_user, child_id, stored[0], caption=form.caption.data)

    entry = None
    if form.validate():
        try:
            entry = submit(form, call, _("已添加照片"), fields={"not-present": "photo"})
        finally:
            if entry is None and stored:
                photos.discard(stored[0][0])
    if entry is not None:
        return redirect(url_for("daily.child", child_id=child_id))
    return _child_page(child_id, photo=form)


# --- staff: corrections ----------------------------------------------------------------

def _entry_form(entry, formdata=True):
    form = EntryForm() if formdata else EntryForm(formdata=None, data={
        "meal": entry.meal, "amount": entry.amount, "toilet": entry.toilet, "mood": entry.mood,
        "note": entry.note, "at": _hhmm(entry.at), "ends_at": _hhmm(entry.ends_at)})
    for name in ("meal", "amount", "toilet", "mood", "at", "ends_at"):
        if name not in CORRECTABLE[entry.kind]:
            delattr(form, name)
    return form


def _hhmm(moment):
    return moment.astimezone(LOCAL).strftime("%H:%M") if moment else ""


def _changes(entry, form) -> dict:
    out = {}
    for name in CORRECTABLE[entry.kind]:
        field = getattr(form, name)
        if name in ("at", "ends_at"):
            out[name] = at_on(entry.on_date, field.data)
            if name == "ends_at" and out[name] is None:
                out.pop(name)  # an empty end keeps the nap's end as it is
        else:
            out[name] = field.data or None
    return out


@bp.route("/staff/daily/entries/<int:daily_entry_id>/edit", methods=["GET", "POST"])
@permission_required("daily.record", own_centre=True)
def edit(daily_entry_id: int):
    entry = services.entry_for_staff(current_user, daily_entry_id)
    form = _entry_form(entry, formdata=request.method == "POST")
    if request.method == "POST" and form.validate() and submit(
            form, lambda: services.correct(current_user, entry.id, _changes(entry, form)),
            _("已更正记录")):
        return redirect(url_for("daily.child", child_id=entry.child_id))
    return render_template("daily/edit.html", entry=entry, form=form, remove=RemoveForm(),
                           closed=entry.on_date != today()), page_status(form)


@bp.post("/staff/daily/entries/<int:daily_entry_id>/remove")
@permission_required("daily.record", own_centre=True)
def remove(daily_entry_id: int):
    entry = services.entry_for_staff(current_user, daily_entry_id)
    child_id, form = entry.child_id, RemoveForm()
    if form.validate():
        attempt(lambda: services.remove(current_user, entry.id, reason=form.reason.data),
                _("已删除记录"))
    return redirect(url_for("daily.child", child_id=child_id))


# --- the family's day ------------------------------------------------------------------

@bp.get("/daily")
@permission_required("daily.read")
def mine():
    """A parent's children, each with its day; staff go to their class view."""
    if current_user.role != "parent":
        if allowed(current_user, "daily.record") and current_user.centre_id:
            return redirect(url_for("daily.class_view"))
        raise NotFound()
    return render_template("daily/mine.html", children=children.children_of(current_user))


@bp.get("/children/<int:child_id>/day")
@permission_required("daily.read")
def today_page(child_id: int):
    child = access.child_for(current_user, child_id)
    return render_template("daily/day.html", child=child, on_date=today(), is_today=True,
                           days=queries.day_of(current_user, child_id, today(), today()))


def _page_date():
    raw = request.args.get("date")
    if not raw:
        return None
    day = parse_day(raw)
    if day is None:
        raise BadRequest(_("请按 年-月-日 填写日期（%(min)s 到 %(max)s 之间）",
                           min=MIN_DATE.isoformat(), max=MAX_DATE.isoformat()))
    return day


@bp.get("/children/<int:child_id>/days")
@permission_required("daily.read")
def history(child_id: int):
    child = access.child_for(current_user, child_id)
    on_date = _page_date()
    if on_date is not None:
        return render_template("daily/day.html", child=child, on_date=on_date,
                               is_today=on_date == today(),
                               days=queries.day_of(current_user, child_id, on_date, today()))
    page = max(1, min(request.args.get("page", 1, type=int), 10000))
    rows, total = queries.days_of(current_user, child_id, page, 30)
    return render_template("daily/days.html", child=child, rows=rows, page=page,
                           more=page * 30 < total, today=today())


@bp.get("/daily/photos/<int:photo_id>")
@permission_required("daily.read")
def photo(photo_id: int):
    entry = access.photo_for(current_user, photo_id)
    return stored_file(photos.path_of, entry.photo_path, mimetype=entry.photo_type,
                       download_name=f"photo-{entry.id}")

