from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..inputs import DateField
from ..i18n import USER_DATA

_REQUIRED = _l("此项必填")


class EmployerForm(FlaskForm):
    name = StringField(_l("用人单位名称"), validators=[DataRequired(_REQUIRED), Length(max=120)])
    credit_code = StringField(_l("统一社会信用代码"),
                              validators=[DataRequired(_REQUIRED), Length(max=24)])
    contact_name = StringField(_l("联系人"), validators=[Optional(), Length(max=60)])
    contact_phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=20)])


class QuotaForm(FlaskForm):
    """One employer's quota of the slot; 0 places removes it."""
    employer_id = SelectField(_l("用人单位"), coerce=int, render_kw=USER_DATA,
                              validators=[InputRequired(_REQUIRED)],
                              invalid_choice_message=_l("用人单位不存在"))
    places = IntegerField(_l("名额"), validators=[
        InputRequired(_l("请填写名额")),
        NumberRange(min=0, max=1000, message=_l("名额应在 %(min)s 到 %(max)s 之间"))],
        invalid_value_message=_l("名额应为整数"))
    reserved_until = DateField(_l("保留截止日期"), validators=[Optional()],
                               invalid_value_message=_l("请按 年-月-日 填写日期，例如 2027-03-01"))

    def __init__(self, employers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.employer_id.choices = [(e.id, e.name) for e in employers]
