"""Forms of the health-notes and growth pages. Ranges are checked again by the services
(the API goes straight there); the forms keep what was typed when a page comes back with 422."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..inputs import DateField, DecimalField
from .labels import KIND_LABELS, MEASURED_BY_LABELS, SEVERITY_LABELS, SEX_LABELS

_DATE_MESSAGE = _l("请按 年-月-日 填写日期，例如 2026-11-20")


def _choices(labels, codes):
    return lambda: [(c, labels[c]) for c in codes]


class NoteForm(FlaskForm):
    kind = RadioField(_l("类别"), choices=_choices(KIND_LABELS, tuple(KIND_LABELS)),
                      default="allergy", validate_choice=False)
    title = StringField(_l("过敏原 / 饮食禁忌 / 疾病 / 药品名称"), validators=[
        Length(max=80, message=_l("最多 80 个字"))])
    severity = SelectField(_l("过敏严重程度"), choices=lambda: [("", _l("（仅过敏填写）"))] + [
        (c, SEVERITY_LABELS[c]) for c in SEVERITY_LABELS], validate_choice=False)
    reaction = StringField(_l("过敏反应"), validators=[
        Length(max=200, message=_l("最多 200 个字"))])
    details = TextAreaField(_l("说明"), validators=[
        Optional(), Length(max=2000, message=_l("最多 2000 个字"))])
    dose = StringField(_l("每次剂量"), validators=[Length(max=80, message=_l("最多 80 个字"))])
    schedule = StringField(_l("服药时间"), validators=[
        Length(max=120, message=_l("最多 120 个字"))])
    starts_on = DateField(_l("委托开始日期"), validators=[Optional()],
                          invalid_value_message=_DATE_MESSAGE)
    ends_on = DateField(_l("委托结束日期"), validators=[Optional()],
                        invalid_value_message=_DATE_MESSAGE)
    # The signing guardian: chosen by the centre from the child's guardians (the view fills
    # the choices); a guardian signs their own.
    signed_by = SelectField(_l("签字的监护人"), coerce=int, choices=[], validate_choice=False)


class MeasurementForm(FlaskForm):
    measured_on = DateField(_l("测量日期"), validators=[InputRequired(_l("请填写测量日期"))],
                            invalid_value_message=_DATE_MESSAGE)
    height_cm = DecimalField(_l("身长/身高（厘米）"), places=1, validators=[Optional()],
                             invalid_value_message=_l("请填写数字"))
    weight_kg = DecimalField(_l("体重（千克）"), places=2, validators=[Optional()],
                             invalid_value_message=_l("请填写数字"))
    measured_by = SelectField(_l("测量者"), choices=[], validate_choice=False)

    def for_role(self, role: str):
        codes = ("guardian", "institution") if role == "parent" else ("centre", "institution")
        self.measured_by.choices = [(c, MEASURED_BY_LABELS[c]) for c in codes]
        return self


class SexForm(FlaskForm):
    sex = RadioField(_l("孩子的性别"), choices=_choices(SEX_LABELS, ("f", "m")),
                     validators=[InputRequired(_l("请选择性别"))],
                     validate_choice=False)
