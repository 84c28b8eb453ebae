"""The daily record's forms: the class view's one submit for the children ticked, a note, a
mood, a photo, and a correction. Values are checked by the service (its messages land on these
fields), so the choice fields do not refuse on their own."""
import re
from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..clock import LOCAL
from ..health.attachments import DEFAULT_MAX_BYTES
from .labels import ACTION_LABELS, AMOUNT_LABELS, MEAL_LABELS, MOOD_LABELS, TOILET_LABELS
from .models import NOTE_MAX

_HHMM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def _choices(labels):
    return lambda: list(labels.items())


def _time_of_day(form, field):
    if field.data and not _HHMM.fullmatch(field.data.strip()):
        raise ValidationError(_l("请按 时:分 填写时间，例如 12:30"))


def at_on(day, text: str | None) -> datetime | None:
    """A "HH:MM" typed on a page as an instant of `day` in Beijing (None when left empty)."""
    m = _HHMM.fullmatch((text or "").strip())
    if not m:
        return None
    return datetime.combine(day, time(int(m.group(1)), int(m.group(2))), LOCAL)


def _note(label, required=False):
    checks = [DataRequired(_l("请填写留言"))] if required else [Optional()]
    return TextAreaField(label, validators=checks + [
        Length(max=NOTE_MAX, message=_l("最多 %(n)s 个字", n=NOTE_MAX))])


def _time(label):
    return StringField(label, validators=[Optional(), _time_of_day])


class ClassLogForm(FlaskForm):
    """One submit for every child ticked (the ticks are read by the view: `child_ids`)."""
    action = RadioField(_l("记录什么"), choices=_choices(ACTION_LABELS), validate_choice=False)
    meal = SelectField(_l("哪一餐"), choices=lambda: [("", _l("请选择"))] + list(MEAL_LABELS.items()),
                       validate_choice=False)
    amount = RadioField(_l("吃了多少"), choices=_choices(AMOUNT_LABELS), validate_choice=False)
    toilet = RadioField(_l("如厕/尿布"), choices=_choices(TOILET_LABELS), validate_choice=False)
    at = _time(_l("时间（不填为现在）"))
    note = _note(_l("备注（可选，所选孩子都会看到）"))


class NoteForm(FlaskForm):
    note = _note(_l("老师留言"), required=True)


class MoodForm(FlaskForm):
    mood = RadioField(_l("心情"), choices=_choices(MOOD_LABELS), validate_choice=False)
    note = _note(_l("补充（可选）"))


class PhotoForm(FlaskForm):
    photo = FileField(_l("照片（JPG 或 PNG）"), validators=[
        FileRequired(_l("请选择照片")),
        FileAllowed(["jpg", "jpeg", "png"], _l("只能上传 JPG 或 PNG 照片")),
        FileSize(max_size=DEFAULT_MAX_BYTES, message=_l("照片不能超过 5 MB"))])
    caption = _note(_l("说明（可选）"))


class EntryForm(FlaskForm):
    """A correction; the page shows the fields the entry's kind has."""
    meal = SelectField(_l("哪一餐"), choices=_choices(MEAL_LABELS), validate_choice=False)
    amount = RadioField(_l("吃了多少"), choices=_choices(AMOUNT_LABELS), validate_choice=False)
    toilet = RadioField(_l("如厕/尿布"), choices=_choices(TOILET_LABELS), validate_choice=False)
    mood = RadioField(_l("心情"), choices=_choices(MOOD_LABELS), validate_choice=False)
    at = StringField(_l("时间"), validators=[DataRequired(_l("请填写时间")), _time_of_day])
    ends_at = _time(_l("午睡结束时间"))
    note = _note(_l("备注"))


class RemoveForm(FlaskForm):
    reason = StringField(_l("删除原因（可选）"), validators=[
        Optional(), Length(max=400, message=_l("最多 400 个字"))])
