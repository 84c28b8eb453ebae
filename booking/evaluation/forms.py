"""The evaluation forms. The item scores themselves are read from the posted form by item
code (views._scores): the checklist is data, and the service checks each item."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from .checklist import ITEMS
from .models import NOTE_MAX


class SelfForm(FlaskForm):
    """The self-assessment: its items are read by code."""


class InspectForm(FlaskForm):
    inspected_on = DateField(_l("检查日期"), validators=[InputRequired(_l("请按 年-月-日 填写日期"))])
    findings = TextAreaField(_l("发现的问题"), validators=[Optional(), Length(max=4000)])


class FixForm(FlaskForm):
    code = SelectField(_l("检查项"), choices=lambda: [(i.code, str(i.label)) for i in ITEMS],
                       validators=[InputRequired(_l("请选择检查项"))])
    what = TextAreaField(_l("整改内容"), validators=[
        InputRequired(_l("请写明整改内容")), Length(max=NOTE_MAX)])
    due_on = DateField(_l("整改期限"), validators=[InputRequired(_l("请按 年-月-日 填写日期"))])


class ReportForm(FlaskForm):
    fixed_on = DateField(_l("整改完成日期"), validators=[Optional()])
    note = TextAreaField(_l("整改说明"), validators=[Optional(), Length(max=NOTE_MAX)])


class VerifyForm(FlaskForm):
    on_date = DateField(_l("核验日期"), validators=[Optional()])


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("退回理由"), validators=[
        InputRequired(_l("请说明退回理由")), Length(max=NOTE_MAX)])
    due_on = DateField(_l("新的整改期限"), validators=[Optional()])
