from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, IntegerField, SelectField,
                     SelectMultipleField, StringField, TimeField, widgets)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..centres.bands import AGE_BANDS
from ..inputs import DateField, DecimalField
from ..children.forms import ChildSelectField, optional_id
from .labels import KIND_LABELS, WEEKDAY_LABELS
from .services import MAX_CAPACITY, MAX_WEEKS
from ..i18n import USER_DATA


def _optional_text(value):
    return None if value in (None, "") else value


class CalendarForm(FlaskForm):
    """The calendar's filters: a GET form, so no CSRF token and bookmarkable."""

    class Meta:
        csrf = False

    week = DateField(_l("周"), validators=[Optional()],
                     invalid_value_message=_l("请按 年-月-日 填写日期"))
    district = SelectField(_l("区"), render_kw=USER_DATA, coerce=optional_id, invalid_value_message=_l("区不存在"),
                           invalid_choice_message=_l("区不存在"))
    child = SelectField(_l("适合哪个孩子"), render_kw=USER_DATA, coerce=optional_id,
                        invalid_value_message=_l("请选择您的孩子"),
                        invalid_choice_message=_l("请选择您的孩子"))
    band = SelectField(_l("班型"), coerce=_optional_text, invalid_choice_message=_l("请选择班型"),
                       choices=lambda: [("", _l("全部班型"))] + [(k, b.label) for k, b in AGE_BANDS.items()])
    kind = SelectField(_l("类型"), coerce=_optional_text, invalid_choice_message=_l("请选择类型"),
                       choices=lambda: [("", _l("全部类型"))] + list(KIND_LABELS.items()))


class BookForm(FlaskForm):
    child_id = ChildSelectField(_l("为哪个孩子预约"))


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _capacity():
    return IntegerField(_l("名额"), validators=[
        InputRequired(_l("请填写名额")),
        NumberRange(min=1, max=MAX_CAPACITY, message=_l("名额应在 %(min)s 到 %(max)s 之间"))],
        invalid_value_message=_l("名额应为整数"))


def _price():
    return DecimalField(_l("每小时价格（元）"), places=2, default=0, validators=[
        InputRequired(_l("请填写每小时价格，免费填 0")),
        NumberRange(min=0, max=1000, message=_l("每小时价格应在 %(min)s 到 %(max)s 元之间"))],
        invalid_value_message=_l("价格应为数字，例如 30 或 30.50"))


class SessionForm(FlaskForm):
    kind = SelectField(_l("类型"), choices=lambda: list(KIND_LABELS.items()),
                       invalid_choice_message=_l("请选择场次类型"))
    age_band = SelectField(_l("班型"), choices=lambda: [(k, b.label) for k, b in AGE_BANDS.items()],
                           invalid_choice_message=_l("请选择班型"))
    group_id = SelectField(_l("计入哪个班级的师幼比"), render_kw=USER_DATA, coerce=optional_id,
                           invalid_value_message=_l("班级不存在"),
                           invalid_choice_message=_l("班级不存在"))
    on_date = DateField(_l("日期"), validators=[InputRequired(_l("请填写日期"))],
                        invalid_value_message=_l("请按 年-月-日 填写日期，例如 2026-12-01"))
    start = TimeField(_l("开始时间"), validators=[InputRequired(_l("请填写开始时间"))],
                      invalid_value_message=_l("请按 时:分 填写，例如 09:00"))
    end = TimeField(_l("结束时间"), validators=[InputRequired(_l("请填写结束时间"))],
                    invalid_value_message=_l("请按 时:分 填写，例如 11:00"))
    capacity = _capacity()
    price_per_hour = _price()
    subsidised = BooleanField(_l("免费或补贴场次（计入家庭年度额度）"))
    weekdays = MultiCheckboxField(_l("每周重复的星期"), coerce=int,
                                  choices=lambda: list(WEEKDAY_LABELS.items()),
                                  invalid_choice_message=_l("请选择星期"))
    repeat_weeks = IntegerField(_l("重复周数"), default=1, validators=[
        InputRequired(_l("请填写重复周数，只办一次填 1")),
        NumberRange(min=1, max=MAX_WEEKS, message=_l("重复周数应在 %(min)s 到 %(max)s 之间"))],
        invalid_value_message=_l("重复周数应为整数"))


class SessionChangeForm(FlaskForm):
    capacity = _capacity()
    price_per_hour = _price()


class SessionCancelForm(FlaskForm):
    reason = StringField(_l("取消原因（会告知家长）"),
                         validators=[Length(max=200, message=_l("最多 200 个字"))])


class AttendanceForm(FlaskForm):
    status = SelectField(_l("出勤"), choices=lambda: [("attended", _l("已出席")), ("no_show", _l("未到"))],
                         invalid_choice_message=_l("请选择出勤情况"))
