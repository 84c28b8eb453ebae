"""Absence pages' forms: a guardian's report, the staff's follow-up call, the follow-up time."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..inputs import DateField
from .labels import REASON_LABELS, SYMPTOM_LABELS
from .models import SYMPTOMS

DATE_MESSAGE = _l("请按 年-月-日 填写日期，例如 2026-11-20")


class CheckboxesField(SelectMultipleField):
    """Several choices, one checkbox each (works without JavaScript)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _symptoms():
    return [(s, SYMPTOM_LABELS[s]) for s in SYMPTOMS]


def _reasons():
    return [(r, REASON_LABELS[r]) for r in ("illness", "family")]


def _reached():
    return [("yes", _l("联系上了")), ("no", _l("没有联系上"))]


class _ReasonFields(FlaskForm):
    symptoms = CheckboxesField(_l("症状（病假必选，可多选）"), choices=_symptoms,
                               validate_choice=False)
    symptom_other = StringField(_l("其他症状"), validators=[
        Optional(), Length(max=200, message=_l("最多 200 个字"))])
    note = TextAreaField(_l("备注"), validators=[
        Optional(), Length(max=500, message=_l("最多 500 个字"))])


class AbsenceForm(_ReasonFields):
    starts_on = DateField(_l("请假日期（从）"), validators=[InputRequired(_l("请填写请假日期"))],
                          invalid_value_message=DATE_MESSAGE)
    ends_on = DateField(_l("到（只请一天可不填）"), validators=[Optional()],
                        invalid_value_message=DATE_MESSAGE)
    reason = RadioField(_l("原因"), choices=_reasons,
                        validators=[InputRequired(_l("请选择请假原因"))],
                        validate_choice=False)


class FollowUpForm(_ReasonFields):
    reached = RadioField(_l("联系上家长了吗"), choices=_reached,
                         validators=[InputRequired(_l("请选择是否联系上家长"))],
                         validate_choice=False)
    reason = RadioField(_l("缺勤原因（联系上时填写）"),
                        choices=_reasons,
                        validators=[Optional()], validate_choice=False)


class FollowUpTimeForm(FlaskForm):
    follow_up_at = StringField(_l("追踪时间"), validators=[
        InputRequired(_l("请填写追踪时间")),
        Regexp(r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$", message=_l("请按 时:分 填写，例如 10:00"))])
